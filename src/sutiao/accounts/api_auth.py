"""Bearer-token authentication for the REST API (a court's case-management system calls it): the token must
be in force (not revoked, not expired, its user active) and hold the scope of what is asked — the resource
is the path's first segment under /api/v1/, reading is GET/HEAD/OPTIONS, everything else writes."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext
from ninja.security import HttpBearer

from .models import ApiToken

API_ROOT = "/api/v1/"
READING = frozenset({"GET", "HEAD", "OPTIONS"})
# Last-used time is written at most this often per token: not one UPDATE per API call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def resource_of(path: str) -> str:
    return path.split(API_ROOT, 1)[-1].split("/", 1)[0]


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        now = timezone.now()
        found = (
            ApiToken.objects.select_related("user", "user__institution")
            .filter(digest=ApiToken.digest_of(token), user__is_active=True)
            .first()
        )
        if found is None or not found.in_force(now):
            return None
        resource, write = resource_of(request.path_info), request.method not in READING
        if not found.allows(resource, write):
            raise PermissionDenied(
                gettext("该令牌没有“%(scope)s”权限，请由本人或本机构管理员签发相应权限的令牌")
                % {"scope": f"{resource}:{'write' if write else 'read'}"}
            )
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user
