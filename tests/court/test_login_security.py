"""Sign-in throttling that is no denial of service (issue 14 §11), and a forgotten password reset by email
(issue 15 §7): behind a reverse proxy the client's own address is throttled, never the proxy's; a lock-out
holds one account at one address, and a password reset lifts it."""

import re

import pytest
from django.core import mail
from django.test import RequestFactory

from sutiao.accounts.client_ip import client_ip
from sutiao.audit.models import AuditRecord

PROXY = "10.0.0.5"
PASSWORD = "court-password-2026"


@pytest.fixture
def behind_proxy(settings):
    settings.SUTIAO_TRUSTED_PROXIES = ["10.0.0.0/24"]


def _ip(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_the_forwarded_address_is_believed_only_from_a_trusted_proxy(behind_proxy):
    assert _ip("203.0.113.9", "198.51.100.1") == "203.0.113.9"  # a client claiming an address: ignored
    assert _ip(PROXY, "198.51.100.1") == "198.51.100.1"
    # A client's own header comes first; the trusted proxy appends the address it saw: the rightmost untrusted.
    assert _ip(PROXY, "1.2.3.4, 198.51.100.1") == "198.51.100.1"
    assert _ip(PROXY, "198.51.100.1, 10.0.0.7") == "198.51.100.1"  # two proxies in the chain
    assert _ip(PROXY, "not-an-address") == PROXY
    assert _ip(PROXY) == PROXY


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.SUTIAO_TRUSTED_PROXIES = []
    assert _ip(PROXY, "198.51.100.1") == PROXY


def _login(client, client_address, password):
    return client.post(
        "/accounts/login/",
        {"username": "clerk", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


@pytest.fixture
def clerk(court, django_user_model):
    from sutiao.accounts.models import Role

    return django_user_model.objects.create_user(
        "clerk", password=PASSWORD, email="clerk@court.example", institution=court, role=Role.FILING_STAFF
    )


def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(client, clerk, behind_proxy):
    for _ in range(4):
        assert _login(client, "198.51.100.66", "wrong-password").status_code == 200
    assert _login(client, "198.51.100.66", "wrong-password").status_code == 429  # the fifth failure locks
    locked = _login(client, "198.51.100.66", PASSWORD)  # even the right password, from the attacker's address
    assert locked.status_code == 429 and "忘记密码" in locked.content.decode()
    # The clerk, from their own address through the same proxy, signs in.
    assert _login(client, "198.51.100.10", PASSWORD).status_code == 302


def test_a_password_reset_by_email_lifts_the_lock_out(client, clerk, behind_proxy):
    for _ in range(5):
        _login(client, "198.51.100.10", "wrong-password")
    assert _login(client, "198.51.100.10", PASSWORD).status_code == 429
    sent = client.post("/accounts/password-reset/", {"email": "clerk@court.example"}, follow=True)
    assert "重设密码的链接已发送" in sent.content.decode()
    assert len(mail.outbox) == 1 and "重设密码" in mail.outbox[0].subject
    link = re.search(r"https?://[^/]+(/accounts/password-reset/[^/]+/[^/\s]+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "设置新密码" in form.content.decode()
    too_short = client.post(form.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"})
    assert "is-invalid" in too_short.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-court-password", "new_password2": "a-new-court-password"},
        follow=True,
    )
    assert "密码已重设" in done.content.decode()
    assert AuditRecord.objects.filter(action="account.password_reset", actor_id=str(clerk.pk)).exists()
    client.logout()
    assert _login(client, "198.51.100.10", "a-new-court-password").status_code == 302  # the lock is lifted
    client.logout()
    reused = client.get(link, follow=True)  # a reset link works once
    assert "该链接已失效" in reused.content.decode()


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, clerk):
    sent = client.post("/accounts/password-reset/", {"email": "nobody@example.com"}, follow=True)
    assert "重设密码的链接已发送" in sent.content.decode()
    assert mail.outbox == []
