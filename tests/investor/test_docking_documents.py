"""Documents fetched by hash over the docking on the investor platform (the tests are shared by both platforms, in
tests/docking_documents_checks.py)."""

from docking_documents_checks import *  # noqa: F403
