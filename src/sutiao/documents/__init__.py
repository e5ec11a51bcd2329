"""Stored files (evidence, powers of attorney, documents a party or staff uploads), shared by both platforms:
accepting an upload (`actions.accept_upload`), reading it back verified (`storage.open_verified`) and serving it
to a permitted user (`downloads.download_response`). Imports neither platform (DESIGN.md §3): a platform's
models point at `StoredFile` and decide who may read it."""
