"""Judicial confirmation in Chromium (issue 11 §4), on the demo's application waiting at 朝阳: filing staff accept
it on a phone (375 × 812, nothing scrolls sideways), naming the judge; the judge rules at a desk, after the page
asks a second time; the ruling shows what follows (L13), the objection window (L14) and that it costs nothing
(L18). Screenshots in test-artifacts/, with the sealed ruling's pages rendered by poppler's pdftoppm."""

import re
import shutil
import subprocess

import pytest
from test_browser import ARTIFACTS, browser, login  # noqa: F401 (the module's Chromium fixture)

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def test_filing_staff_accept_on_a_phone_and_the_judge_rules(live, browser):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    staff = login(browser, live.court.url, "court_filing")
    staff.set_viewport_size(PHONE)
    staff.goto(live.court.url + "/confirmations/?q=周五")
    staff.get_by_test_id("confirmation-link").first.click()
    staff.wait_for_url(re.compile(r"/confirmations/[0-9a-f-]+/$"))
    application_url = staff.url
    assert staff.get_by_test_id("confirmation-state").get_attribute("data-state") == "received"
    assert "第四条" in staff.get_by_test_id("acceptance-due").inner_text()  # L12: 3 days to decide
    assert staff.evaluate("document.documentElement.scrollWidth") <= 375
    staff.screenshot(path=str(ARTIFACTS / "court-confirmation-received-375.png"), full_page=True)
    form = staff.get_by_test_id("accept-form")
    form.locator("select[name=judge]").select_option(label="李法官")
    form.locator("button").click()
    staff.wait_for_url(application_url)
    assert staff.get_by_test_id("confirmation-state").get_attribute("data-state") == "accepted"
    assert re.search(r"\(\d{4}\)京0105民特\d+号", staff.get_by_test_id("confirmation-number").inner_text())
    assert staff.evaluate("document.documentElement.scrollWidth") <= 375

    judge = login(browser, live.court.url, "court_judge")
    judge.goto(application_url)
    ruling = judge.get_by_test_id("ruling-form")
    ruling.locator("input[name=outcome][value=valid]").check()
    ruling.locator("textarea[name=reasons]").fill("调解协议系双方自愿达成，内容不违反法律规定。")
    ruling.locator("button").click()
    judge.get_by_role("button", name="确认作出裁定").click()  # the second look names the consequence
    judge.wait_for_url(application_url)
    assert judge.get_by_test_id("confirmation-state").get_attribute("data-state") == "confirmed"
    assert "申请执行" in judge.get_by_test_id("what-follows").inner_text()
    assert "15日内" in judge.get_by_test_id("objection").inner_text()
    assert "不收取费用" in judge.get_by_test_id("fee").inner_text()
    judge.screenshot(path=str(ARTIFACTS / "court-confirmation-ruled.png"), full_page=True)
    # The ruling as the parties receive it: a PDF, its Chinese text legible in the rendered pages.
    with judge.expect_download() as download:
        judge.get_by_test_id("ruling-download").click()
    ruling_pdf = ARTIFACTS / "ruling.pdf"
    download.value.save_as(ruling_pdf)
    assert ruling_pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        for old in ARTIFACTS.glob("ruling-page*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(ruling_pdf), str(ARTIFACTS / "ruling-page")], check=True)
        assert list(ARTIFACTS.glob("ruling-page*.png"))
