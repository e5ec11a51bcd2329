"""Uploads and downloads on the investor platform (the tests are shared by both platforms, in
tests/documents_checks.py)."""

from documents_checks import *  # noqa: F403
