"""Every change our staff make on the investor platform: one function per user-visible action, one transaction
each (permission, kernel transition, audit record, docking message). Views, the API, admin and commands call
these; effects of messages from the courts are in `inbound`."""
