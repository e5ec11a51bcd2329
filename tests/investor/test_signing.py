"""Electronic signatures on the investor platform (the tests are shared by both platforms, in
tests/signing_checks.py)."""

from signing_checks import *  # noqa: F403
