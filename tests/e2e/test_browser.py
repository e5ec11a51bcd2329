"""The first flow clicked through both platforms' pages in Debian's Chromium (issue 2 acceptance)."""

import contextlib
import os
import re
import time
from pathlib import Path

import pytest
from live import party_second_step, second_factor

from sutiao import demo
from sutiao.kernel.workflow import CourtState

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = pytest.mark.browser


@contextlib.contextmanager
def chromium(*extra_args: str):
    """Debian's Chromium through Playwright (skipped where it is not installed, except under CI)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is required under CI=true (.ci/run installs it)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                *extra_args,
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


# What Chromium reports as refused by the pages' Content Security Policy (settings.base): must stay empty.
CSP_REFUSED: list[str] = []


@pytest.fixture(autouse=True)
def no_csp_refusals():
    CSP_REFUSED.clear()
    yield
    assert CSP_REFUSED == []


def login(browser, base_url, username):
    page = browser.new_context(locale="zh-CN").new_page()
    page.on("console", lambda m: CSP_REFUSED.append(m.text) if "Content Security Policy" in m.text else None)
    page.set_default_timeout(20_000)
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "sutiao-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/**")  # staff sign in with a second factor
    page.fill("#id_token", second_factor(base_url, username))
    page.get_by_test_id("two-factor-submit").click()
    page.wait_for_url(base_url + "/")
    return page


def party_login(browser, base_url, username, viewport=None):
    """A party or agent signs in: the password, then the SMS code the platform sent to their mobile (read from
    its development SMS log; issue 14 §10)."""
    context = browser.new_context(locale="zh-CN", **({"viewport": viewport} if viewport else {}))
    page = context.new_page()
    page.on("console", lambda m: CSP_REFUSED.append(m.text) if "Content Security Policy" in m.text else None)
    page.set_default_timeout(20_000)
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "sutiao-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/sign-in/verify/**")
    assert "验证码已发送至" in page.content()
    page.fill("#id_code", party_second_step(base_url, page.get_by_test_id("code-sent-to").inner_text()))
    page.get_by_test_id("party-verify-submit").click()
    page.wait_for_url(re.compile(re.escape(base_url) + r"/(mediations/|my/cases/)?$"))
    return page


def reload_until(page, check, timeout=60):
    """Pages are server-rendered: reload until what the other platform did shows up."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out on {page.url}"
        time.sleep(0.3)
        page.reload()


def test_delegation_clicked_through_both_platforms(live, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    court = login(browser, live.court.url, "court_filing")
    court.click("text=登记调解申请")
    court.select_option("#id_dispute_type", "misrepresentation")
    court.fill("#id_amount", "98000.00")
    court.fill("#id_facts", "被申请人年报虚假陈述，申请人据此买入股票遭受损失。")
    court.fill("#id_party-0-name", "孙七")
    court.fill("#id_party-0-phone", "13900000007")
    court.fill("#id_party-1-name", "某某科技股份有限公司")
    court.select_option("#id_party-1-kind", "legal_person")
    court.fill("#id_claim-0-text", "赔偿投资差额损失")
    # The page's behaviour comes from static/sutiao/site.js (no inline script): fields styled, formsets grow.
    assert "form-control" in court.locator("#id_amount").get_attribute("class")
    court.click("text=增加请求事项")
    court.fill("#id_claim-1-text", "承担本案调解费用")
    court.click("button:text('登记')")
    court.wait_for_url(re.compile(r"/cases/[0-9a-f-]+/$"))
    number = court.get_by_test_id("case-number").inner_text()
    case_url = court.url

    court.click("text=征求当事人调解意见")
    for party, role in (("孙七", "申请人"), ("某某科技股份有限公司", "被申请人")):
        form = court.get_by_test_id("consent-form")
        form.locator("select[name=party]").select_option(label=f"{party}（{role}）")
        form.locator("select[name=method]").select_option("phone")
        form.get_by_role("button", name="记录").click()
        court.wait_for_selector(f"text=记录{party}同意调解")
    assert court.get_by_test_id("case-state").get_attribute("data-state") == CourtState.CONSENTED
    # L3: the parties' 2 working days to choose jointly run; the court may not appoint unless they ask it to.
    assert "本院不能指定" in court.get_by_test_id("joint-choice-running").inner_text()
    assert court.get_by_test_id("delegate-form").count() == 0
    court.get_by_role("button", name="当事人同意由人民法院指定").click()
    delegate = court.get_by_test_id("delegate-form")
    # The roster in the ranking's order, numbered, the first preselected (issue 15 §5).
    options = delegate.locator("select option").all_inner_texts()
    assert options[1].startswith("1. ")
    assert delegate.locator("select").input_value() != ""
    chosen = delegate.locator("select option", has_text="中证资本市场法律服务中心").get_attribute("value")
    delegate.locator("select").select_option(chosen)
    delegate.get_by_role("button", name="委派调解").click()
    assert court.get_by_test_id("case-state").get_attribute("data-state") == CourtState.DELEGATED

    admin = login(browser, live.investor.url, "org1_admin")
    reload_until(admin, lambda: admin.get_by_text(number).count() > 0)
    admin.get_by_text(number).click()
    assert "剩" in admin.get_by_test_id("answer-due").inner_text()
    admin.get_by_test_id("accept").click()
    admin.select_option("#id_mediator", label="张调解1")
    admin.get_by_test_id("assign").click()
    assert admin.get_by_test_id("delegation-state").get_attribute("data-state") == "mediating"
    delegation_url = admin.url

    mediator = login(browser, live.investor.url, "org1_mediator1")
    mediator.goto(delegation_url)
    mediator.get_by_test_id("open-workspace").click()
    mediator.wait_for_url(re.compile(r"/mediation/$"))  # is_visible below does not wait for the page
    # The mediator's workspace fits a phone: no sideways scrolling at 375 px.
    mediator.set_viewport_size({"width": 375, "height": 812})
    assert mediator.get_by_test_id("countdown").is_visible()
    assert mediator.evaluate("document.documentElement.scrollWidth") <= 375
    mediator.screenshot(path=str(ARTIFACTS / "mediation-workspace-375.png"), full_page=True)
    mediator.set_viewport_size({"width": 1280, "height": 900})
    mediator.select_option("#id_end-outcome", "succeeded")
    mediator.fill("#id_end-terms", "被申请人于十五日内向申请人支付赔偿款人民币六万元。")
    mediator.get_by_test_id("end-mediation").click()
    # Recording a result is irreversible: a second look names the consequence first (issue 15 §4).
    assert "回传法院" in mediator.get_by_test_id("consequence").inner_text()
    mediator.get_by_test_id("confirm").click()
    assert mediator.get_by_test_id("delegation-state").get_attribute("data-state") == "succeeded"

    court.goto(case_url)
    reload_until(court, lambda: court.get_by_test_id("case-state").get_attribute("data-state") == CourtState.SUCCEEDED)
    assert court.get_by_test_id("terms").inner_text() == "被申请人于十五日内向申请人支付赔偿款人民币六万元。"
    assert court.get_by_test_id("mediator").inner_text() == "张调解1"
    court.screenshot(path=str(ARTIFACTS / "court-case-succeeded.png"), full_page=True)


def test_court_staff_confirm_a_pushed_organisation(live, browser):
    """Issue 4: the Bureau pushes an organisation (API); the court admin confirms it on the roster page (issue 9:
    court admins keep the roster, filing staff do not)."""
    from test_roster import register_organisation

    bureau = live.api("bureau")
    org = register_organisation(bureau, "上海证券期货纠纷调解中心（测试）", "0000004301")
    bureau.post("/registry/proposals", {"organisation_id": org["id"], "court_id": str(demo.CHAOYANG)})

    court = login(browser, live.court.url, "court_admin")
    court.click("text=特邀调解名册")
    proposal = court.get_by_test_id("proposal").filter(has_text=org["name"])
    reload_until(court, lambda: proposal.count() > 0)
    assert org["uscc"] in proposal.inner_text()
    proposal.get_by_role("button", name="确认纳入名册").click()
    court.wait_for_selector("text=已纳入本院特邀调解名册")
    entry = court.get_by_test_id("roster-entry").filter(has_text=org["name"])
    assert entry.count() == 1 and org["uscc"] in entry.inner_text()
    assert court.get_by_test_id("proposal").filter(has_text=org["name"]).count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    court.screenshot(path=str(ARTIFACTS / "court-roster-confirmed.png"), full_page=True)

    # The certificate prints (特邀调解规定 Art. 5) and anyone can check it at the address printed on it.
    entry.get_by_test_id("certificate-link").click()
    certificate = court.get_by_test_id("certificate")
    assert org["name"] in certificate.inner_text() and "特邀调解组织证书" in certificate.inner_text()
    court.emulate_media(media="print")
    court.pdf(path=str(ARTIFACTS / "court-roster-certificate.pdf"), format="A4")
    court.screenshot(path=str(ARTIFACTS / "court-roster-certificate.png"), full_page=True)
    assert not court.get_by_role("button", name="打印证书").is_visible()
    court.emulate_media(media="screen")
    verify_url = court.get_by_test_id("verify-url").inner_text()
    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.goto(verify_url)
    assert visitor.get_by_test_id("verification").get_attribute("data-status") == "valid"
    assert org["name"] in visitor.inner_text("body")
    visitor.screenshot(path=str(ARTIFACTS / "court-certificate-verified.png"), full_page=True)


def test_l23_a_take_over_request_clicked_through_at_375_px(live, browser):
    """《人民法院在线调解规则》Art. 27 ¶2: Chaoyang's court admin asks on the roster page to take over the high
    court's organisation; its administrator consents on a phone-sized workbench; Chaoyang's roster has it."""
    from test_roster import add_org_admin_bypassing_actions, confirmed_at_the_high_court

    ARTIFACTS.mkdir(exist_ok=True)
    org = confirmed_at_the_high_court(live, "北京资本市场调解中心（测试）", "0000004701")
    add_org_admin_bypassing_actions(live, "ziben_admin", org["id"])
    court = login(browser, live.court.url, "court_admin")
    court.set_viewport_size({"width": 375, "height": 800})
    court.goto(live.court.url + "/roster/")
    offered = court.get_by_test_id("adoptable-entry").filter(has_text=org["name"])
    offered.get_by_role("button", name="请求沿用（征求本人同意）").click()
    court.wait_for_selector("text=已请求沿用，待调解组织或调解员本人在调解平台同意")
    assert court.get_by_test_id("adoption-awaiting-consent").filter(has_text=org["name"]).count() == 1
    assert court.get_by_test_id("roster-entry").filter(has_text=org["name"]).count() == 0
    court.screenshot(path=str(ARTIFACTS / "court-roster-adoption-requested-375.png"), full_page=True)

    admin = login(browser, live.investor.url, "ziben_admin")
    admin.set_viewport_size({"width": 375, "height": 800})
    request = admin.get_by_test_id("adoption-request").filter(has_text="北京市朝阳区人民法院")
    reload_until(admin, lambda: request.count() > 0)
    assert admin.evaluate("document.documentElement.scrollWidth") <= 375  # nothing overflows the phone
    admin.screenshot(path=str(ARTIFACTS / "investor-adoption-request-375.png"), full_page=True)
    request.get_by_role("button", name="同意", exact=True).click()
    admin.wait_for_selector("text=已同意，法院将其纳入名册")

    entry = court.get_by_test_id("roster-entry").filter(has_text=org["name"])
    reload_until(court, lambda: entry.count() > 0)
    assert "沿用上级法院名册" in entry.inner_text()
