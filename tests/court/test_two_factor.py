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


def test_parties_are_asked_an_sms_code_not_an_authenticator(client, db):
    """Parties and agents prove password plus SMS code (tests/court/test_party_sign_in.py), not TOTP."""
    User.objects.create_user("investor", password=PASSWORD, role=Role.PARTY, phone="13800000005")
    assert _sign_in(client, "investor")["Location"] == "/accounts/sign-in/verify/?next=%2Fmy%2Fcases%2F"
    assert client.get("/accounts/two-factor/")["Location"].startswith("/accounts/sign-in/verify/")


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
    investor = User.objects.create_user("investor", password=PASSWORD, role=Role.PARTY)
    client.force_login(investor)  # password and SMS code
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


# A lost authenticator (issue 14 §10): the institution's administrator resets it, with a reason, audited.


def _devices(user):
    totp = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    _passkey(user, f"key-{user.username}")
    from sutiao.accounts.two_factor import renew_recovery_codes

    renew_recovery_codes(user)
    return totp


def test_a_court_admin_resets_the_second_factor_of_their_courts_staff(client, admin, staff):
    device = _devices(staff)
    staff_client = client.__class__()
    _sign_in(staff_client, "filing", "x-long-password")
    staff_client.post("/accounts/two-factor/", {"token": _code(device)})
    assert staff_client.get("/cases/").status_code == 200
    client.force_login(admin)
    listed = client.get("/accounts/staff/second-factor/?q=filing").content.decode()
    assert 'data-testid="reset-filing"' in listed
    confirm = client.get(f"/accounts/staff/{staff.pk}/second-factor/reset/").content.decode()
    assert "将删除其 1 个验证器、1 个通行密钥和 10 个未用的恢复码" in confirm  # the consequence, named
    refused = client.post(f"/accounts/staff/{staff.pk}/second-factor/reset/", {"reason": ""})
    assert refused.status_code == 200 and TOTPDevice.objects.filter(user=staff).exists()  # no reason, no reset
    done = client.post(f"/accounts/staff/{staff.pk}/second-factor/reset/", {"reason": "手机遗失，已电话核实本人"})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists() and not staff.webauthncredential_set.exists()
    assert not staff.staticdevice_set.exists()
    entry = AuditRecord.objects.get(action="account.two_factor_reset")
    assert entry.actor_id == str(admin.pk) and entry.object_id == str(staff.pk)
    assert entry.after["reason"] == "手机遗失，已电话核实本人" and entry.before["recovery_codes"] == 10
    # The staff member's open session no longer counts as signed in with two factors; they enrol again.
    assert staff_client.get("/cases/")["Location"] == "/accounts/two-factor/?next=%2Fcases%2F"
    assert 'data-testid="totp-qr"' in staff_client.get("/accounts/two-factor/").content.decode()


def test_nobody_resets_a_second_factor_outside_their_reach(client, admin, staff, judge, other_admin, other_staff):
    from django.core.exceptions import PermissionDenied

    from sutiao.accounts import two_factor

    _devices(other_staff)
    client.force_login(admin)
    assert 'data-testid="reset-other"' not in client.get("/accounts/staff/second-factor/?q=o").content.decode()
    url = f"/accounts/staff/{other_staff.pk}/second-factor/reset/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "手机遗失，已电话核实本人"}).status_code == 404
    with pytest.raises(PermissionDenied):  # nor through the action itself
        two_factor.reset_second_factor(admin, other_staff, "手机遗失，已电话核实本人")
    assert TOTPDevice.objects.filter(user=other_staff).exists()
    # Staff who administer nothing reach neither page; nobody resets their own.
    client.force_login(judge)
    assert client.get("/accounts/staff/second-factor/").status_code == 404
    assert client.get(f"/accounts/staff/{staff.pk}/second-factor/reset/").status_code == 404
    assert not two_factor.may_reset(admin, admin) and not two_factor.may_reset(judge, staff)
    assert two_factor.may_reset(other_admin, other_staff) and not two_factor.may_reset(other_admin, staff)
    # The operator resets anyone, the court admins included.
    operator = User.objects.create_user("op", password=PASSWORD, role=Role.OPERATOR)
    assert two_factor.may_reset(operator, admin) and two_factor.may_reset(operator, other_staff)
    assert not AuditRecord.objects.filter(action="account.two_factor_reset").exists()


def test_the_reset_pages_need_two_factors(client, admin, staff):
    TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    _sign_in(client, "admin", "x-long-password")
    assert client.get("/accounts/staff/second-factor/").status_code == 302
    assert client.post(f"/accounts/staff/{staff.pk}/second-factor/reset/", {"reason": "手机遗失"}).status_code == 302
