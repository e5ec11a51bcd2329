"""REST API tokens (issue 14 §12): scopes per resource, expiry, rotation with a grace period, last-used time,
revocation by the user or their institution's administrator — each audited, each refusal in Chinese."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from sutiao.accounts import tokens
from sutiao.accounts.api_auth import resource_of
from sutiao.accounts.models import ApiToken, User
from sutiao.audit.models import AuditRecord
from sutiao.court.api import api
from sutiao.kernel.errors import DomainError


def _get(client, token, path="/api/v1/cases"):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def _post(client, token, path="/api/v1/cases"):
    # An empty body: a caller the token lets through gets a validation answer (422), not 401/403.
    return client.post(path, data="{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_resources_tokens_are_scoped_to_are_this_platforms_api(settings):
    paths = api.get_openapi_schema()["paths"]
    assert {resource_of(p) for p in paths} == set(settings.SUTIAO_API_RESOURCES)


def test_a_token_reads_and_writes_only_within_its_scopes(client, staff):
    reader, secret = tokens.issue_token(staff, staff, "只读对接", ["cases:read"], days=30)
    assert _get(client, secret).status_code == 200
    refused = _post(client, secret)
    assert refused.status_code == 403 and "cases:write" in refused.json()["message"]
    assert _get(client, secret, "/api/v1/roster").status_code == 403  # another resource
    _, writer = tokens.issue_token(staff, staff, "办案系统", ["cases:write"], days=30)
    assert _get(client, writer).status_code == 200  # writing a resource includes reading it
    assert _post(client, writer).status_code == 422
    reader.refresh_from_db()
    assert reader.last_used_at is not None
    assert ApiToken.objects.filter(digest=ApiToken.digest_of(secret)).exists()
    assert secret not in str(list(ApiToken.objects.values_list()))  # only the digest is kept


def test_expired_revoked_and_unknown_tokens_are_refused(client, staff, admin):
    row, secret = tokens.issue_token(staff, staff, "办案系统", ["cases:read"], days=1)
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _get(client, secret).status_code == 401
    row, secret = tokens.issue_token(staff, staff, "办案系统", ["cases:read"], days=1)
    tokens.revoke_token(admin, row)  # the court's administrator revokes a staff member's token
    assert _get(client, secret).status_code == 401
    assert _get(client, "st_" + "x" * 43).status_code == 401
    staff.is_active = False
    staff.save()
    _, secret = tokens.issue_token(admin, staff, "办案系统", ["cases:read"], days=1)
    assert _get(client, secret).status_code == 401


def test_rotation_gives_a_new_token_and_ends_the_old_one_after_a_day(client, staff):
    old, old_secret = tokens.issue_token(staff, staff, "办案系统", ["cases:read", "roster:read"], days=90)
    new, new_secret = tokens.rotate_token(staff, old)
    old.refresh_from_db()
    assert new.scopes == old.scopes and new.name == old.name
    assert old.replaced_by == new and old.expires_at <= timezone.now() + tokens.ROTATION_GRACE
    assert new.expires_at > timezone.now() + dt.timedelta(days=89)
    assert _get(client, old_secret).status_code == 200 and _get(client, new_secret).status_code == 200
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now())  # the grace day has passed
    assert _get(client, old_secret).status_code == 401 and _get(client, new_secret).status_code == 200
    with pytest.raises(DomainError, match="已轮换"):
        tokens.rotate_token(staff, old)


def test_only_the_user_or_their_institutions_administrator_manages_a_token(staff, judge, admin, other_admin):
    row, _ = tokens.issue_token(staff, staff, "办案系统", ["cases:read"])
    for outsider in (judge, other_admin):  # a colleague who does not administer; another court's administrator
        with pytest.raises(PermissionDenied):
            tokens.revoke_token(outsider, row)
        with pytest.raises(PermissionDenied):
            tokens.rotate_token(outsider, row)
    with pytest.raises(PermissionDenied):
        tokens.issue_token(judge, staff, "冒名", ["cases:read"])
    assert set(tokens.manageable(staff)) == {row} and set(tokens.manageable(judge)) == set()
    assert set(tokens.manageable(admin)) == {row} and set(tokens.manageable(other_admin)) == set()
    tokens.revoke_token(admin, row)
    actions = list(
        AuditRecord.objects.filter(action__startswith="api_token.").order_by("seq").values_list("action", "actor")
    )
    assert [a for a, _ in actions] == ["api_token.issue", "api_token.revoke"]


@pytest.mark.parametrize(
    ("scopes", "days", "message"),
    [
        ([], 30, "请至少选择一项权限"),
        (["cases:delete"], 30, "未知的权限"),
        (["cases:read"], 366, "有效期应为 1 至 365 天"),
    ],
)
def test_a_token_asked_for_wrongly_is_refused_in_chinese(staff, scopes, days, message):
    with pytest.raises(DomainError, match=message):
        tokens.issue_token(staff, staff, "办案系统", scopes, days)
    assert not ApiToken.objects.exists()


def test_the_token_page_shows_a_new_token_once_and_never_again(client, staff, admin):
    client.force_login(admin)
    url = reverse("api-tokens")
    answer = client.post(
        url, {"name": "办案系统对接", "scopes": ["cases:read", "cases:write"], "days": "90", "user": staff.pk}
    )
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    secret = answer.context["issued"][1]
    assert secret in answer.content.decode()
    row = ApiToken.objects.get()
    assert row.user == staff and row.scopes == ["cases:read", "cases:write"]
    again = client.get(url)
    assert secret not in again.content.decode() and "办案系统对接" in again.content.decode()
    refused = client.post(url, {"name": "x", "days": "90"})
    assert "请至少选择一项权限" in refused.content.decode()
    assert client.post(url, {"revoke": "not-a-number"}).status_code == 404
    client.post(url, {"revoke": row.pk})
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revoked_by == str(admin)
    client.force_login(staff)  # the staff member sees their own token
    assert "办案系统对接" in client.get(url).content.decode()


def test_the_shell_command_asks_for_scopes(staff, capsys):
    with pytest.raises(CommandError, match="可选权限"):
        call_command("issue_api_token", staff.username)
    call_command("issue_api_token", staff.username, "--scope", "cases:read", "--days", "7")
    token = capsys.readouterr().out.strip()
    row = ApiToken.objects.get(digest=ApiToken.digest_of(token))
    assert row.scopes == ["cases:read"] and row.expires_at < timezone.now() + dt.timedelta(days=8)
    assert AuditRecord.objects.filter(action="api_token.issue", actor="manage.py issue_api_token").exists()


def test_the_shell_command_issues_one_token_a_user_in_order_and_names_who_is_missing(staff, capsys):
    other = User.objects.create_user(
        "court_filing_2", password="x-long-password", role=staff.role, institution=staff.institution
    )
    with pytest.raises(CommandError, match="nobody"):
        call_command("issue_api_token", staff.username, "nobody", "--all-scopes")
    assert not ApiToken.objects.exists()  # nothing issued when one name is wrong
    call_command("issue_api_token", staff.username, other.username, "--all-scopes")
    first, second = capsys.readouterr().out.split()
    assert ApiToken.objects.get(digest=ApiToken.digest_of(first)).user == staff
    assert ApiToken.objects.get(digest=ApiToken.digest_of(second)).user == other
