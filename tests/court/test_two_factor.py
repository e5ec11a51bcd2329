"""Two-factor sign-in for every staff role (issue 14 §10): after the password, an authenticator's code (TOTP)
or a single-use recovery code; a first sign-in enrols the authenticator; parties are not asked. Real sign-ins
through the pages, no shortcut."""

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sutiao.accounts.models import Role, User
from sutiao.accounts.two_factor import STAFF_ROLES
from sutiao.audit.models import AuditRecord

PASSWORD = "a-long-staff-password"


def _sign_in(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _code(device: TOTPDevice, ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += ahead * device.step
    return f"{totp.token():06d}"


def test_every_role_but_parties_and_agents_needs_a_second_factor():
    assert set(Role) - STAFF_ROLES == {Role.PARTY, Role.AGENT}


@pytest.mark.parametrize("role", [Role.FILING_STAFF, Role.JUDGE, Role.COURT_ADMIN])
def test_a_staff_member_enrols_an_authenticator_at_the_first_sign_in(client, court, role):
    User.objects.create_user("clerk", password=PASSWORD, institution=court, role=role)
    assert _sign_in(client, "clerk").status_code == 302
    home = client.get("/cases/")
    assert home.status_code == 302 and home["Location"] == "/accounts/two-factor/?next=%2Fcases%2F"
    setup = client.get(home["Location"])
    page = setup.content.decode()
    assert "<svg" in page and setup["Cache-Control"] == "no-store"
    device = TOTPDevice.objects.get(user__username="clerk", confirmed=False)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7=]+)<', page).group(1)
    wrong = client.post("/accounts/two-factor/", {"token": "000000", "next": "/cases/"})
    assert "动态口令不正确" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # kept: each failure makes the next try wait longer
    device.throttle_reset()  # as if the wait had passed
    done = client.post("/accounts/two-factor/", {"token": _code(device), "next": "/cases/"})
    codes = re.findall(r"<li class=\"col\">([a-z0-9]+)</li>", done.content.decode())
    assert len(codes) == 10 and done["Cache-Control"] == "no-store"
    device.refresh_from_db()
    assert device.confirmed and secret.startswith(device.config_url.split("secret=")[1].split("&")[0][:8])
    assert client.get("/cases/").status_code == 200
    assert AuditRecord.objects.filter(action="account.two_factor_enrolled", actor_id=str(device.user_id)).exists()


def test_an_enrolled_staff_member_signs_in_with_a_code_or_a_recovery_code_used_once(client, court):
    clerk = User.objects.create_user("clerk", password=PASSWORD, institution=court, role=Role.FILING_STAFF)
    device = TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    _sign_in(client, "clerk")
    assert client.get("/").status_code == 302  # the password alone reaches no page
    assert client.post("/accounts/two-factor/", {"token": "123456"}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a wrong code counts (and slows the next try down)
    device.throttle_reset()
    assert client.post("/accounts/two-factor/", {"token": _code(device)}).status_code == 302
    assert client.get("/cases/").status_code == 200
    client.logout()
    _sign_in(client, "clerk")
    replayed = client.post("/accounts/two-factor/", {"token": _code(device)})  # the same code again: refused
    assert replayed.status_code == 200 and "不正确" in replayed.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    # Recovery codes (renewed by the signed-in staff member) stand in for the phone, each once.
    client.post("/accounts/two-factor/", {"token": _code(device, ahead=1)})
    renewed = client.post("/accounts/two-factor/recovery-codes/")
    codes = re.findall(r"<li class=\"col\">([a-z0-9]+)</li>", renewed.content.decode())
    client.logout()
    _sign_in(client, "clerk")
    assert client.post("/accounts/two-factor/", {"token": codes[0]}).status_code == 302
    client.logout()
    _sign_in(client, "clerk")
    assert client.post("/accounts/two-factor/", {"token": codes[0]}).status_code == 200
    assert AuditRecord.objects.filter(action="account.recovery_code_used", after__left=9).exists()


def test_parties_sign_in_without_a_second_factor(client, db):
    User.objects.create_user("investor", password=PASSWORD, role=Role.PARTY)
    assert _sign_in(client, "investor")["Location"] == "/my/cases/"
    assert client.get("/my/cases/").status_code == 200


def test_the_api_and_the_docking_are_not_asked_for_the_code(client, court):
    """Token and signature authentication are their own factors: the second-factor step is for pages."""
    User.objects.create_user("clerk", password=PASSWORD, institution=court, role=Role.FILING_STAFF)
    _sign_in(client, "clerk")
    assert client.get("/api/v1/cases").status_code == 401  # a session is no API credential
    assert client.get("/docking/v1/openapi.json").status_code == 200


# Passkeys (WebAuthn, django-otp-webauthn) beside the authenticator: the ceremonies themselves run in Chromium
# with a virtual authenticator (tests/e2e/test_passkeys_browser.py); here, who may start them.
BEGIN_REGISTRATION = "/accounts/two-factor/passkey/registration/begin/"
BEGIN_AUTHENTICATION = "/accounts/two-factor/passkey/authentication/begin/"


def _passkey(user, name="laptop"):
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.create(
        user=user, name=name, confirmed=True, credential_id=b"id-" + name.encode(), public_key=b"k", sign_count=0
    )


def test_a_passkey_is_added_only_after_signing_in_with_two_factors(client, court):
    clerk = User.objects.create_user("clerk", password=PASSWORD, institution=court, role=Role.FILING_STAFF)
    device = TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    _sign_in(client, "clerk")
    refused = client.post(BEGIN_REGISTRATION)  # the password alone adds no passkey
    assert refused.status_code == 403 and refused.json()["code"] == "user_not_verified"
    device.confirmed = False  # nor enrols a first factor of its holder's choosing: the authenticator first
    device.save()
    assert client.post(BEGIN_REGISTRATION).json()["code"] == "two_factor_first"
    device.confirmed = True
    device.save()
    assert client.get("/accounts/two-factor/passkeys/").status_code == 302  # to the second step first
    client.post("/accounts/two-factor/", {"token": _code(device)})
    options = client.post(BEGIN_REGISTRATION).json()
    assert options["rp"] == {"name": "人民法院调解平台", "id": "localhost"}
    assert options["authenticatorSelection"]["residentKey"] == "preferred"  # no passwordless sign-in
    page = client.get("/accounts/two-factor/passkeys/").content.decode()
    assert 'src="/static/django_otp_webauthn/otp_webauthn_register.js"' in page
    assert client.get("/static/django_otp_webauthn/otp_webauthn_register.js").status_code == 200
    catalogue = client.get("/accounts/two-factor/passkey/jsi18n/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert '"Verifying...": "\\u6b63\\u5728\\u9a8c\\u8bc1' in catalogue.content.decode()  # 正在验证


def test_parties_and_anonymous_visitors_get_no_passkey_ceremony(client, court):
    assert client.post(BEGIN_AUTHENTICATION).status_code == 403  # no passwordless sign-in
    User.objects.create_user("investor", password=PASSWORD, role=Role.PARTY)
    _sign_in(client, "investor")
    assert client.post(BEGIN_AUTHENTICATION).json()["code"] == "staff_only"
    assert client.post(BEGIN_REGISTRATION).json()["code"] == "staff_only"


def test_the_second_step_offers_a_registered_passkey(client, court):
    clerk = User.objects.create_user("clerk", password=PASSWORD, institution=court, role=Role.FILING_STAFF)
    TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    _sign_in(client, "clerk")
    assert 'data-testid="passkey-signin"' not in client.get("/accounts/two-factor/").content.decode()
    _passkey(clerk)
    page = client.get("/accounts/two-factor/").content.decode()
    assert 'data-testid="passkey-signin"' in page and "otp_webauthn_auth.js" in page
    options = client.post(BEGIN_AUTHENTICATION).json()
    assert [c["id"] for c in options["allowCredentials"]] == ["aWQtbGFwdG9w"]  # this user's passkeys only


def test_a_staff_member_removes_their_own_passkey_only(client, court):
    clerk = User.objects.create_user("clerk", password=PASSWORD, institution=court, role=Role.FILING_STAFF)
    other = User.objects.create_user("other", password=PASSWORD, institution=court, role=Role.JUDGE)
    mine, theirs = _passkey(clerk), _passkey(other, "key")
    client.force_login(clerk)
    assert "laptop" in client.get("/accounts/two-factor/passkeys/").content.decode()
    client.post("/accounts/two-factor/passkeys/", {"remove": theirs.pk})
    client.post("/accounts/two-factor/passkeys/", {"remove": mine.pk})
    assert list(other.webauthncredential_set.all()) == [theirs] and not clerk.webauthncredential_set.exists()
    assert AuditRecord.objects.filter(action="account.passkey_removed", actor_id=str(clerk.pk)).count() == 1
