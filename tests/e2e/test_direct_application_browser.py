"""A direct application on a phone (375 × 812) in Debian's Chromium: the demo securities firm opens the demo
investor's application the organisation took on, reads that it may not refuse (L19), tries to anyway, and the
page records the refusal as not allowed while the mediation starts. Screenshots in test-artifacts/."""

import pytest
from test_browser import ARTIFACTS, browser, party_login  # noqa: F401 (the fixture)

from sutiao import demo

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}


def _phone_login(browser, base_url, username):  # noqa: F811
    return party_login(browser, base_url, username, viewport=PHONE)  # password plus SMS code


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_l19_a_firm_on_a_phone_cannot_refuse_an_ordinary_investors_application(live, browser):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    investor = _phone_login(browser, live.investor.url, demo.INVESTOR_PARTY[0])
    investor.goto(live.investor.url + "/applications/new/")
    assert investor.get_by_test_id("application-form").is_visible() and _fits(investor)
    investor.screenshot(path=ARTIFACTS / "direct-application-form-375.png", full_page=True)

    firm = _phone_login(browser, live.investor.url, demo.FIRM_PARTY[0])
    firm.goto(live.investor.url + "/applications/")
    firm.locator("[data-testid=application-row]", has_text="待被申请人答复").first.click()
    notice = firm.get_by_test_id("l19-notice")
    assert "不得拒绝" in notice.inner_text() and _fits(firm)
    firm.screenshot(path=ARTIFACTS / "direct-application-l19-375.png", full_page=True)
    firm.check("input[name=agreed][value='0']")
    firm.fill("#id_reason", "我司认为不存在违规")
    firm.click("form[data-testid=respond-form] button")
    assert "不得拒绝" in firm.get_by_test_id("refusal-attempted").inner_text()
    assert firm.get_by_test_id("application-state").get_attribute("data-state") == "mediating"
    firm.get_by_test_id("workspace-link").click()
    assert "当事人直接申请调解" in firm.content() and _fits(firm)
    firm.screenshot(path=ARTIFACTS / "direct-application-workspace-375.png", full_page=True)
