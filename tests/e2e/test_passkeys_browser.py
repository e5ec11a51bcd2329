"""A staff member registers a passkey and signs in with it as the second factor, in Debian's Chromium with a
virtual authenticator (Chrome DevTools Protocol, WebAuthn domain) standing in for the phone or security key:
django-otp-webauthn's scripts run from /static/ under the pages' Content Security Policy (issue 14 §10).

Chromium refuses an IP address as the relying party, so the browser opens the court platform under
http://localhost:<port> (settings.base.webauthn_for: a development server's passkeys live there)."""

from urllib.parse import urlsplit

import pytest
from live import second_factor, sql
from test_browser import CSP_REFUSED, browser, no_csp_refusals  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
USER = "court_filing"


def _localhost(url: str) -> str:
    return f"http://localhost:{urlsplit(url).port}"


def _sign_in_with_password(page, base):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", USER)
    page.fill("#id_password", "sutiao-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/**")


def test_a_staff_member_registers_a_passkey_and_signs_in_with_it(live, browser):  # noqa: F811
    court, base = live.court, _localhost(live.court.url)
    page = browser.new_context(locale="zh-CN").new_page()
    page.on("console", lambda m: CSP_REFUSED.append(m.text) if "Content Security Policy" in m.text else None)
    page.set_default_timeout(20_000)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]

    # Signed in with the password and a recovery code, the staff member adds a passkey.
    _sign_in_with_password(page, base)
    assert page.get_by_test_id("passkey-signin").count() == 0  # no passkey yet: nothing to offer
    page.fill("#id_token", second_factor(court.url, USER))
    page.get_by_test_id("two-factor-submit").click()
    page.wait_for_url(base + "/")
    page.get_by_test_id("second-factor-link").click()
    assert page.get_by_test_id("no-passkeys").is_visible()
    page.get_by_test_id("passkey-register").click()
    page.get_by_test_id("passkey-list").wait_for()  # the page reloads with the new passkey
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1

    # Next sign-in: the password, then the passkey instead of a code.
    page.locator("nav form button").click()  # sign out
    page.wait_for_url("**/accounts/login/**")
    _sign_in_with_password(page, base + "")
    page.goto(base + "/accounts/two-factor/?next=/cases/")
    page.get_by_test_id("passkey-verify").click()
    page.wait_for_url(base + "/cases/")
    assert page.get_by_test_id("whoami").is_visible()

    actions = [a for (a,) in sql(court, "SELECT action FROM audit_auditrecord WHERE action LIKE ?", "account.passkey%")]
    assert actions.count("account.passkey_registered") == 1 and actions.count("account.passkey_used") == 1
    page.context.close()
