"""A clerk corrects a case and voids another in Chromium (issue 15 §2, §4): the registration's form filled with
what is registered, a party added before anyone was asked, the history on the case page; voiding asks first and
names the consequence; both pages fit a phone (375 px)."""

import re

import pytest
from test_browser import ARTIFACTS, browser, login, no_csp_refusals  # noqa: F401 (fixtures)

from sutiao.kernel.workflow import CourtState

pytestmark = pytest.mark.browser


def register(court, applicant):
    court.click("text=登记调解申请")
    court.select_option("#id_dispute_type", "misrepresentation")
    court.fill("#id_amount", "50000.00")
    court.fill("#id_party-0-name", applicant)
    court.fill("#id_party-1-name", "某某科技股份有限公司")
    court.select_option("#id_party-1-kind", "legal_person")
    court.fill("#id_claim-0-text", "赔偿投资差额损失")
    court.click("button:text('登记')")
    court.wait_for_url(re.compile(r"/cases/[0-9a-f-]+/$"))
    return court.url


def test_a_clerk_corrects_then_voids_in_the_browser(live, browser):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    court = login(browser, live.court.url, "court_filing")
    case_url = register(court, "钱八错")
    court.get_by_test_id("correct").click()
    assert court.input_value("#id_party-0-name") == "钱八错"  # the form comes filled with what is registered
    court.set_viewport_size({"width": 375, "height": 812})
    assert court.evaluate("document.documentElement.scrollWidth") <= 375
    court.screenshot(path=str(ARTIFACTS / "court-case-correct-375.png"), full_page=True)
    court.set_viewport_size({"width": 1280, "height": 900})
    court.fill("#id_party-0-name", "钱八")
    court.fill("#id_amount", "52000.00")
    court.click("text=增加当事人")  # nobody has been asked yet: a party may still be added
    court.select_option("#id_party-2-role", "third_party")
    court.fill("#id_party-2-name", "某某证券股份有限公司")
    court.select_option("#id_party-2-kind", "legal_person")
    court.fill("#id_reason", "申请人姓名录入错误，补充第三人")
    court.get_by_test_id("save-correction").click()
    court.wait_for_url(case_url)
    history = court.get_by_test_id("revisions").inner_text()
    for text in ("申请人姓名录入错误，补充第三人", "钱八错", "钱八", "52,000.00", "某某证券股份有限公司"):
        assert text in history

    # Voiding asks first, naming the consequence; cancelling leaves the case as it was.
    court.get_by_test_id("void").click()
    assert "不能恢复" in court.get_by_test_id("consequence").inner_text()
    court.set_viewport_size({"width": 375, "height": 812})
    assert court.evaluate("document.documentElement.scrollWidth") <= 375
    court.set_viewport_size({"width": 1280, "height": 900})
    court.get_by_test_id("cancel").click()
    assert court.get_by_test_id("case-state").get_attribute("data-state") == CourtState.APPLIED
    court.get_by_test_id("void").click()
    court.fill("#id_reason", "重复登记")
    court.get_by_test_id("confirm").click()
    court.wait_for_url(case_url)
    assert court.get_by_test_id("case-state").get_attribute("data-state") == CourtState.VOIDED
    assert court.get_by_test_id("void").count() == 0 and court.get_by_test_id("correct").count() == 0
