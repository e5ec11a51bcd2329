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
