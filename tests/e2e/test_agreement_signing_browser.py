"""Issue 11 §2 in Chromium: the mediator drafts the agreement of a delegated case, freezes it and signs it at a desk
with the SMS code sent to their mobile; the investor signs it on a phone (375 × 812; nothing scrolls sideways)
with the code sent to hers; once the firm signs too, the organisation's e-seal goes on and the agreement is in
force. The signed PDF is downloaded on the phone, checked by poppler's pdfsig and its pages rendered with
pdftoppm into test-artifacts/ beside the screenshots."""

import re
import shutil
import subprocess

import pytest
from live import sms_code
from test_browser import ARTIFACTS, browser, login, party_login  # noqa: F401 (the module's Chromium fixture)
from test_mediation_flow import _delegated_case, _joined_party

from sutiao import demo

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url


def _sign_with_code(page, base_url: str, mobile: str, button: str) -> None:
    page.get_by_test_id("send-sign-code").click()
    page.get_by_text("验证码已发送至").wait_for()  # sent within the request: the log has it now
    page.get_by_test_id("sign-code").fill(sms_code(base_url, mobile))
    page.get_by_test_id(button).click()


def test_a_party_signs_the_agreement_on_a_phone(live, browser, tmp_path):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    base = live.investor.url
    investor, investor_id = demo.INVESTOR_PARTY[1], demo.party_id_number(demo.INVESTOR_PARTY[2])
    firm, firm_code = demo.FIRM_PARTY[1], demo.party_id_number(demo.FIRM_PARTY[2])
    case, delegation_id = _delegated_case(live, investor, investor_id, firm_code, respondent=firm)
    _joined_party(live, demo.INVESTOR_PARTY[3])
    firm_web = _joined_party(live, demo.FIRM_PARTY[3])
    url = f"/mediations/{delegation_id}/agreement/"

    # The mediator drafts from the template, freezes the version and signs first.
    desk = login(browser, base, "org1_mediator1")
    desk.goto(base + url)
    desk.get_by_test_id("draft-agreement").click()
    desk.get_by_test_id("submit-for-signing").click()
    desk.get_by_role("button", name="确认定稿").click()
    desk.get_by_test_id("signatures").wait_for()
    _sign_with_code(desk, base, demo.MEDIATOR_MOBILES["org1_mediator1"], "sign-agreement")
    desk.get_by_test_id("signature").first.wait_for()
    assert "调解员签署" in desk.get_by_test_id("signature-list").inner_text()

    # The investor, on her phone: reads the frozen agreement and signs it with the code sent to her mobile.
    phone = party_login(browser, base, demo.INVESTOR_PARTY[0], viewport=PHONE)
    phone.goto(base + url)
    phone.get_by_test_id("sign-box").wait_for()
    assert phone.get_by_test_id("agreement-state").get_attribute("data-state") == "signing"
    _fits_the_phone(phone)
    phone.screenshot(path=str(ARTIFACTS / "party-agreement-to-sign-375.png"), full_page=True)
    _sign_with_code(phone, base, demo.INVESTOR_PARTY[3], "sign-agreement")
    phone.get_by_test_id("signature").nth(1).wait_for()
    assert phone.get_by_test_id("sign-box").count() == 0
    _fits_the_phone(phone)
    phone.screenshot(path=str(ARTIFACTS / "party-agreement-signed-375.png"), full_page=True)

    # The firm signs (its pages, without a browser): the seal follows at once and the agreement is in force.
    page = firm_web.get(url)
    (row,) = set(re.findall(r'name="party" value="(\d+)"', page))
    firm_web.act(url + "code/", {"party": row})
    firm_web.act(url + "sign/", {"party": row, "code": sms_code(base, demo.FIRM_PARTY[3])})
    phone.reload()
    assert phone.get_by_test_id("agreement-state").get_attribute("data-state") == "effective"
    assert phone.get_by_test_id("signature").count() == 4
    assert phone.locator("[data-testid=signature][data-ok=yes]").count() == 4
    assert "全部 4 个签名有效" in phone.get_by_test_id("signature-valid").inner_text()
    assert "调解组织电子印章" in phone.get_by_test_id("signature-list").inner_text()
    _fits_the_phone(phone)
    phone.screenshot(path=str(ARTIFACTS / "party-agreement-effective-375.png"), full_page=True)

    # The signed, sealed PDF: downloaded on the phone, every signature intact for poppler, its pages rendered.
    with phone.expect_download() as download:
        phone.get_by_test_id("signed-pdf").click()
    signed = tmp_path / "signed.pdf"
    download.value.save_as(signed)
    pdfsig = shutil.which("pdfsig")
    if pdfsig:  # without our root in its trust store, poppler still checks each signature's digest
        report = subprocess.run([pdfsig, str(signed)], capture_output=True, text=True, timeout=60).stdout
        assert report.count("Signature is Valid.") == 4, report
    text = subprocess.run(["pdftotext", str(signed), "-"], capture_output=True, text=True, check=True).stdout
    assert "调解协议书" in text and investor in text
    for old in ARTIFACTS.glob("agreement-signed-page*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(signed), str(ARTIFACTS / "agreement-signed-page")], check=True)
    assert list(ARTIFACTS.glob("agreement-signed-page*.png"))
