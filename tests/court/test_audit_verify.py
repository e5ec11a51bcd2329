"""The audit log's verification and chain-head exchange on the court platform (tests shared with the other
platform in tests/audit_checks.py)."""

from audit_checks import *  # noqa: F403
