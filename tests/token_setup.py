"""A REST API token for a test's caller, written straight to the table (the issuing action has its own tests
in tests/court/test_api_tokens.py)."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from sutiao.accounts.models import ApiToken


def api_token(user, *scopes: str, name: str = "办案系统对接") -> str:
    """A token of `user` valid for a year, with `scopes` (default: every scope of this platform's API)."""
    scopes = scopes or tuple(f"{r}:{a}" for r in settings.SUTIAO_API_RESOURCES for a in ("read", "write"))
    return ApiToken.issue(user, name, list(scopes), timezone.now() + dt.timedelta(days=365))[1]
