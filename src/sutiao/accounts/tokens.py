"""Actions on REST API tokens (issue 14 §12): issue within scopes and a lifetime, rotate, revoke — by the token's
user or by their institution's administrator, each audited. The token itself is returned once, never stored."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.audit.log import record
from sutiao.kernel.errors import DomainError

from .models import ApiToken, Role, User

MAX_DAYS = 365
DEFAULT_DAYS = 90
# After a rotation the old token keeps working this long, so the calling system can switch without a gap.
ROTATION_GRACE = dt.timedelta(days=1)
# Institution administrators manage their own institution's tokens.
ADMINS = frozenset({Role.COURT_ADMIN, Role.ORG_ADMIN})


def scope_choices() -> list[tuple[str, str]]:
    """Every scope of this platform's API, with its Chinese label (settings.SUTIAO_API_RESOURCES)."""
    return [
        (f"{resource}:{access}", f"{label}·{gettext('读取') if access == 'read' else gettext('办理')}")
        for resource, label in settings.SUTIAO_API_RESOURCES.items()
        for access in ("read", "write")
    ]


def may_manage(actor: User, user: User) -> bool:
    if not actor.is_authenticated or actor.institution_id is None or user.institution_id != actor.institution_id:
        return False
    return actor.pk == user.pk or actor.role in ADMINS


def _ensure_may_manage(actor: User, user: User) -> None:
    if not may_manage(actor, user):
        raise PermissionDenied(gettext("只有令牌的使用人或本机构管理员可以管理该令牌"))


def manageable(actor: User):
    """The tokens `actor` sees: their own, or every one of their institution if they administer it."""
    tokens = ApiToken.objects.select_related("user", "replaced_by").order_by("-created_at")
    if actor.institution_id is None:
        return tokens.none()
    if actor.role in ADMINS:
        return tokens.filter(user__institution_id=actor.institution_id)
    return tokens.filter(user=actor)


def _fields(token: ApiToken) -> dict:
    return {"name": token.name, "scopes": token.scopes, "expires_at": token.expires_at.isoformat()}


@transaction.atomic
def issue_token(
    actor: User, user: User, name: str, scopes: list[str], days: int = DEFAULT_DAYS
) -> tuple[ApiToken, str]:
    _ensure_may_manage(actor, user)
    return _issue(actor, user, name, scopes, days)


@transaction.atomic
def issue_token_from_shell(user: User, name: str, scopes: list[str], days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """The platform's operator, at the server (`sutiao court issue_api_token`): recorded as that command."""
    return _issue("manage.py issue_api_token", user, name, scopes, days)


def _issue(actor, user: User, name: str, scopes: list[str], days: int) -> tuple[ApiToken, str]:
    if not name.strip():
        raise DomainError(gettext("请填写令牌用途，如“办案系统对接”"), field="name")
    known = {code for code, _ in scope_choices()}
    if not scopes:
        raise DomainError(gettext("请至少选择一项权限"), field="scopes")
    unknown = sorted(set(scopes) - known)
    if unknown:
        raise DomainError(gettext("未知的权限：%(scopes)s") % {"scopes": "、".join(unknown)}, field="scopes")
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(gettext("有效期应为 1 至 %(max)s 天") % {"max": MAX_DAYS}, field="days")
    token, secret = ApiToken.issue(user, name.strip(), scopes, timezone.now() + dt.timedelta(days=days))
    record(actor, "api_token.issue", token, after={**_fields(token), "user": user.username})
    return token, secret


@transaction.atomic
def rotate_token(actor: User, token: ApiToken) -> tuple[ApiToken, str]:
    """A new token with the same use, scopes and lifetime; the old one works one more day, then no more."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    _ensure_may_manage(actor, token.user)
    now = timezone.now()
    if not token.in_force(now) or token.replaced_by_id:
        raise DomainError(gettext("该令牌已吊销、已过期或已轮换，请签发新令牌"))
    lifetime = max(token.expires_at - token.created_at, dt.timedelta(days=1))
    new, secret = ApiToken.issue(token.user, token.name, token.scopes, now + lifetime)
    before = _fields(token)
    token.expires_at, token.replaced_by = min(token.expires_at, now + ROTATION_GRACE), new
    token.save(update_fields=["expires_at", "replaced_by"])
    record(actor, "api_token.rotate", token, before=before, after={**_fields(token), "replaced_by": new.pk})
    return new, secret


@transaction.atomic
def revoke_token(actor: User, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    _ensure_may_manage(actor, token.user)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), str(actor)
        token.save(update_fields=["revoked_at", "revoked_by"])
        record(actor, "api_token.revoke", token, after={"revoked_at": token.revoked_at.isoformat()})
    return token
