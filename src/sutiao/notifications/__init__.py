"""Notifications on either platform (issue 10 item 5): an in-app inbox, email (Django's email framework) and SMS
(an interface, `sms.py`). `notify(...)` keeps one Notification per recipient and channel, in the caller's
transaction; the worker's `deliver_due` job sends what is pending and tries a failed send again later, so a
notification is never lost to a failed send. Imports neither platform."""
