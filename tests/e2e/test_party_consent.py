"""Issue 10 at 375 × 812 in Chromium: the demo investor opens the consent link from the SMS (the development SMS
log), signs in with an SMS code read from the same log and her password, reads the mediation notice and consents."""

import re

import pytest
from live import wait_for
from test_browser import ARTIFACTS, browser, party_login  # noqa: F401 (the module's Chromium fixture)

from sutiao import demo

pytestmark = pytest.mark.browser


def _sms_log(live):
    path = live.court.var_dir / "sms-court.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_L1_investor_signs_in_by_sms_code_and_consents_on_a_phone(live, browser):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    mobile = demo.INVESTOR_PARTY[3]
    # The seeded case awaiting consent asked 陈二 online: the worker sends the link by SMS.
    link = wait_for(
        lambda: (re.findall(rf"{mobile} .*?(https?://\S+/consent/[\w-]+/)", _sms_log(live)) or [None])[0],
        what="the consent link in the SMS log",
    )
    page = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812}).new_page()
    page.set_default_timeout(20_000)
    page.goto(link)
    page.wait_for_url(re.compile(r"/accounts/sms-login/\?next="))
    page.fill("#id_mobile", mobile)
    page.get_by_test_id("send-code").click()
    code = wait_for(
        lambda: (re.findall(rf"{mobile} 您的登录验证码为 (\d{{6}})", _sms_log(live)) or [None])[-1],
        what="the sign-in code in the SMS log",
    )
    page.fill("#id_code", code)
    page.screenshot(path=str(ARTIFACTS / "party-sms-login-375.png"), full_page=True)
    page.get_by_test_id("sms-login").click()
    # The code is one factor; the password follows (issue 14 §10), and then the page the link opens.
    page.wait_for_url(re.compile(r"/accounts/sign-in/verify/\?next="))
    page.fill("#id_password", demo.PASSWORD)
    page.screenshot(path=str(ARTIFACTS / "party-password-step-375.png"), full_page=True)
    page.get_by_test_id("party-verify-password").click()
    page.wait_for_url(re.compile(r"/my/cases/[0-9a-f-]+/consent/\d+/$"))
    assert page.get_by_test_id("sham-warning").is_visible()
    assert page.get_by_test_id("roster-link").is_visible()
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "party-consent-notice-375.png"), full_page=True)
    page.get_by_label("同意调解", exact=True).check()
    page.get_by_label("我已阅读并理解上述调解须知").check()
    page.get_by_test_id("submit-answer").click()
    page.wait_for_url(re.compile(r"/my/cases/[0-9a-f-]+/$"))
    case_path = page.url.removeprefix(live.court.url)
    assert "当事人本人在线确认" in page.get_by_test_id("party-rows").inner_text()
    page.screenshot(path=str(ARTIFACTS / "party-consented-375.png"), full_page=True)
    # The link is single-use.
    page.goto(link)
    assert "已使用" in page.get_by_test_id("link-error").inner_text()

    # The securities firm answers too, signed in by password from its case list; the case then waits for the
    # parties' choice exactly as when staff record both answers (LEGAL-RULES L1, L3).
    firm = party_login(browser, live.court.url, demo.FIRM_PARTY[0], viewport={"width": 375, "height": 812})
    assert firm.url == live.court.url + "/my/cases/"
    # The firm may have other cases (other tests' parties): it opens this one from its list.
    firm.get_by_test_id("party-cases").locator(f'a[href="{case_path}"]').click()
    firm.locator("[data-testid^=answer-]").first.click()
    firm.get_by_label("同意调解", exact=True).check()
    firm.get_by_label("我已阅读并理解上述调解须知").check()
    firm.get_by_test_id("submit-answer").click()
    firm.wait_for_url(re.compile(r"/my/cases/[0-9a-f-]+/$"))
    assert firm.get_by_test_id("case-state").get_attribute("data-state") == "consented"
    assert firm.locator("[data-testid^=choose-]").count() == 1  # the L3 joint choice is open to the firm
    firm.screenshot(path=str(ARTIFACTS / "firm-consented-choose-375.png"), full_page=True)
