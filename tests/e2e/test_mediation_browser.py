"""Issue 10 in Chromium: on a phone (375 × 812) an investor signs up, signs in with the SMS code the live server
wrote to its development SMS log, joins their case by real-name verification, uploads evidence and, once the
mediator (at desktop size) scheduled a session and wrote the record, confirms the record, reads the draft
agreement and, once the applicant withdrew, answers the satisfaction survey (issue 13 §1). Nothing on the phone
pages is wider than the screen. Screenshots in test-artifacts/."""

import datetime as dt
import re

import pytest
from test_browser import ARTIFACTS, browser, login  # noqa: F401 (the module's Chromium fixture)
from test_mediation_flow import EVIDENCE_PDF, _delegated_case, _sms_code

pytestmark = pytest.mark.browser

NAME, ID_NUMBER, MOBILE = "吴九", "110105199005050036", "13700000091"
FIRM_CODE = "911100001000000059"
PHONE = {"width": 375, "height": 812}


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url


def test_an_investor_on_a_phone_and_the_mediator_at_a_desk(live, browser, tmp_path):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    case, delegation_id = _delegated_case(live, NAME, ID_NUMBER, FIRM_CODE)
    ws = f"{live.investor.url}/delegations/{delegation_id}/mediation/"

    # The investor signs up and signs in with the SMS code, then sets a password.
    phone = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    phone.set_default_timeout(20_000)
    phone.goto(live.investor.url + "/accounts/sms-login/")
    phone.get_by_test_id("sign-up-link").click()
    phone.wait_for_url(re.compile(r"/accounts/sign-up/$"))
    phone.select_option("#id_kind", "natural_person")
    phone.fill("#id_name", NAME)
    phone.fill("#id_id_number", ID_NUMBER)
    phone.fill("#id_mobile", MOBILE)
    _fits_the_phone(phone)
    phone.screenshot(path=str(ARTIFACTS / "investor-sign-up-375.png"), full_page=True)
    phone.get_by_test_id("sign-up").click()
    phone.wait_for_url(re.compile(r"/accounts/sms-login/$"))
    phone.fill("#id_mobile", MOBILE)
    phone.get_by_test_id("send-code").click()
    phone.fill("#id_code", _sms_code(live, MOBILE))
    _fits_the_phone(phone)
    phone.get_by_test_id("sms-login").click()
    # The account was opened without a password: the code's session sets it; every later sign-in asks for both.
    phone.wait_for_url(re.compile(r"/accounts/sign-in/verify/"))
    phone.fill("#id_new_password1", "wu-jiu-own-password-2026")
    phone.fill("#id_new_password2", "wu-jiu-own-password-2026")
    _fits_the_phone(phone)
    phone.screenshot(path=str(ARTIFACTS / "investor-set-password-375.png"), full_page=True)
    phone.get_by_test_id("party-set-password").click()
    phone.wait_for_url(re.compile(r"/mediations/$"))

    # Joins the case: real-name verification against the party the organisation registered.
    phone.get_by_test_id("join-cases").click()
    phone.get_by_test_id("my-mediations").locator("a").first.wait_for()
    assert "已关联1个调解案件" in phone.content()
    _fits_the_phone(phone)
    phone.screenshot(path=str(ARTIFACTS / "investor-my-mediations-375.png"), full_page=True)
    phone.get_by_test_id("my-mediations").locator("a").first.click()
    phone.wait_for_url(ws)
    _fits_the_phone(phone)

    # Uploads evidence, addressed to every party.
    evidence = tmp_path / "交易流水.pdf"
    evidence.write_bytes(EVIDENCE_PDF)
    phone.get_by_text("提交证据", exact=True).click()
    phone.set_input_files("#id_evidence-file", str(evidence))
    phone.fill("#id_evidence-title", "申请人交易流水")
    phone.select_option("#id_evidence-audience", "all")
    phone.get_by_test_id("upload-evidence").click()
    phone.get_by_test_id("evidence-item").filter(has_text="申请人交易流水").wait_for()
    assert "交易流水.pdf" in phone.get_by_test_id("evidence").inner_text()
    _fits_the_phone(phone)
    phone.screenshot(path=str(ARTIFACTS / "investor-evidence-375.png"), full_page=True)

    # The mediator, at a desk, sees the evidence, schedules a session and writes the record.
    desk = login(browser, live.investor.url, "org1_mediator1")
    desk.goto(ws)
    assert "申请人交易流水" in desk.get_by_test_id("evidence").inner_text()
    desk.get_by_text("安排调解", exact=True).click()
    starts = (dt.datetime.now() + dt.timedelta(days=2)).replace(hour=10, minute=0)
    desk.fill("#id_session-starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    desk.select_option("#id_session-mode", "online")
    desk.fill("#id_session-place", "https://meet.example/room-9")
    for box in desk.locator("input[name=session-parties]").all():
        box.check()
    desk.select_option("#id_session-channel", "sms")
    desk.get_by_test_id("session-form").locator("button").click()
    desk.get_by_test_id("session").first.wait_for()
    assert "meet.example/room-9" in desk.get_by_test_id("session").first.inner_text()
    desk.get_by_text("制作/修改笔录", exact=True).click()
    desk.fill("#id_record-text", "双方确认：申请人于2024年3月买入涉案股票5000股。")
    desk.get_by_test_id("record-form").locator("button").click()
    desk.get_by_test_id("record-text").wait_for()
    desk.screenshot(path=str(ARTIFACTS / "mediator-session-record-desktop.png"), full_page=True)

    # Back on the phone: the session invitation and the record; the investor confirms it.
    phone.reload()
    phone.get_by_test_id("record-text").wait_for()
    assert "5000股" in phone.get_by_test_id("record-text").inner_text()
    assert phone.get_by_test_id("session").count() == 1
    phone.get_by_test_id("confirm-record").click()
    phone.get_by_test_id("record-confirmed").wait_for()
    _fits_the_phone(phone)
    phone.screenshot(path=str(ARTIFACTS / "investor-record-confirmed-375.png"), full_page=True)
    desk.reload()
    assert "已确认笔录" in desk.content()

    # Issue 11: the mediator drafts the agreement from the template and saves a revision with a second term; the
    # investor reads the draft on the phone (nothing wider than the screen) and downloads its PDF.
    desk.get_by_test_id("open-agreement").click()
    desk.get_by_test_id("draft-agreement").click()
    desk.get_by_test_id("current-version").wait_for()
    rows = desk.get_by_test_id("term-form")
    second = rows.nth(1)
    second.locator("select[name$=obligor]").select_option(index=2)
    second.locator("select[name$=obligee]").select_option(index=1)
    second.locator("select[name$=kind]").select_option("performance")
    second.locator("input[name$=description]").fill("在官网发布更正公告")
    second.locator("input[name$=due]").fill((dt.date.today() + dt.timedelta(days=15)).isoformat())
    desk.fill("#id_agreement-note", "增加更正公告")
    desk.get_by_test_id("save-version").click()
    desk.get_by_test_id("version").nth(1).wait_for()
    assert "在官网发布更正公告" in desk.get_by_test_id("terms").inner_text()
    desk.screenshot(path=str(ARTIFACTS / "mediator-agreement-desktop.png"), full_page=True)

    phone.get_by_test_id("open-agreement").click()
    phone.get_by_test_id("current-version").wait_for()
    assert "在官网发布更正公告" in phone.get_by_test_id("terms").inner_text()
    assert phone.get_by_test_id("editor-form").count() == 0
    _fits_the_phone(phone)
    phone.screenshot(path=str(ARTIFACTS / "investor-agreement-draft-375.png"), full_page=True)
    with phone.expect_download() as download:
        phone.get_by_test_id("current-pdf").click()
    assert download.value.suggested_filename.endswith("第2版.pdf")

    # Issue 13 §1: the applicant withdraws (the parties settled); once the mediation has ended, the investor rates
    # it on the phone — one answer per party, shown back, the page no wider than the screen.
    desk.goto(ws)
    desk.select_option("#id_end-outcome", "withdrawn")
    desk.fill("#id_end-reason", "双方已自行和解，申请人撤回调解申请")
    desk.get_by_test_id("end-mediation").click()
    assert "此结果不能撤销" in desk.get_by_test_id("consequence").inner_text()  # said before it is done
    desk.get_by_test_id("confirm").click()
    desk.get_by_test_id("confirm-page").wait_for(state="detached")
    assert desk.get_by_test_id("end-form").count() == 0
    phone.goto(live.investor.url + "/mediations/")
    phone.get_by_test_id("survey-link").first.click()
    phone.get_by_test_id("survey-form").wait_for()
    for name in ("fairness", "conduct", "convenience"):
        phone.locator(f"input[name={name}][value='4']").check()
    phone.fill("textarea[name=comment]", "调解员耐心细致")
    _fits_the_phone(phone)
    phone.screenshot(path=str(ARTIFACTS / "investor-survey-375.png"), full_page=True)
    phone.get_by_test_id("survey-submit").click()
    phone.get_by_test_id("survey-answered").wait_for()
    assert phone.get_by_test_id("survey-form").count() == 0
    _fits_the_phone(phone)
