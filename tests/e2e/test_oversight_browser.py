"""Issue 13 §3 and §7 in Debian's Chromium, both platforms live: an organisation proposes a closed case as a typical
case, the Bureau compares the two texts and publishes it, anyone reads it on the public page at 375 px without the
party's name; the Bureau asks for a quarterly report and watches its progress reach the PDF and Excel links.
Screenshots at desktop width and at 375 px go to test-artifacts/."""

import pytest
from live import wait_for
from test_browser import browser  # noqa: F401  (the module's Chromium fixture)
from test_delegation_flow import ORG1, investor_delegation
from test_reports_browser import _delegate, _login, _shots

from sutiao.kernel.calendar import china_today

pytestmark = pytest.mark.browser

PARTY = "周十一"
TEXT = (
    f"申请人{PARTY}（电话13912345678）称，其在某证券公司营业部开户后，营业部员工未经授权代为交易，造成损失。"
    "调解员组织双方背对背沟通三次，释明举证责任与法律风险，双方在调解期限内达成协议，被申请人赔偿六万元。"
)


def test_a_typical_case_is_proposed_compared_published_and_read_at_375_px(live, browser):  # noqa: F811
    admin = live.api("org1_admin")
    _number, delegation = _delegate(live, ORG1, PARTY)
    wait_for(lambda: investor_delegation(admin, delegation), what="delegation at org1")
    admin.post(f"/delegations/{delegation}/accept")
    mediator = next(m for m in admin.get("/mediators") if m["name"] == "张调解1")
    admin.post(f"/delegations/{delegation}/assign", {"mediator_id": mediator["id"]})
    live.api("org1_mediator1").post(
        f"/delegations/{delegation}/result", {"outcome": "succeeded", "terms": "赔偿六万元"}
    )

    org = _login(browser, live.investor.url, "org1_admin")
    org.goto(f"{live.investor.url}/delegations/{delegation}/mediation/")
    org.get_by_test_id("propose-typical").click()
    org.fill("#id_title", f"{PARTY}诉某证券公司证券经纪合同纠纷调解案")
    org.fill("#id_text", TEXT)
    org.fill("#id_significance", f"本案中{PARTY}的损失通过调解得到及时赔偿。")
    org.locator("[data-testid=typical-propose] button").click()
    org.wait_for_selector("[data-testid=typical-deidentified]")
    published_side = org.get_by_test_id("typical-deidentified").inner_text()
    assert PARTY not in published_side and "投资者甲" in published_side and "13912345678" not in published_side
    assert PARTY in org.get_by_test_id("typical-original").inner_text()

    bureau = _login(browser, live.investor.url, "bureau")
    bureau.click("[data-nav=typical-cases]")
    bureau.get_by_test_id("typical-row").first.click()
    bureau.wait_for_selector("[data-testid=typical-approve]")
    _shots(bureau, "typical-case-review")
    bureau.locator("[data-testid=typical-approve] button").click()
    bureau.wait_for_selector("[data-testid=typical-state]:has-text('已发布')")

    public = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812}).new_page()
    public.goto(live.investor.url + "/public/typical-cases/")
    public.get_by_test_id("public-typical-row").first.click()
    text = public.get_by_test_id("public-typical-text").inner_text()
    assert "背对背沟通三次" in text and PARTY not in text
    assert public.evaluate("document.documentElement.scrollWidth") <= 375
    _shots(public, "typical-case-public")


def test_the_bureau_asks_for_a_quarterly_report_and_watches_it_made(live, browser):  # noqa: F811
    bureau = _login(browser, live.investor.url, "bureau")
    bureau.goto(live.investor.url + "/reports/")
    bureau.get_by_test_id("periodic-reports-link").click()
    today = china_today()
    bureau.select_option("#id_period", "quarter")
    bureau.fill("#id_year", str(today.year))
    bureau.select_option("#id_quarter", str((today.month - 1) // 3 + 1))
    bureau.locator("[data-testid=report-request] button").click()
    # The page polls the report's progress until the worker has made it.
    bureau.wait_for_selector("[data-testid=report-progress][data-state=done]", timeout=120_000)
    assert bureau.get_by_test_id("report-pdf").is_visible() and bureau.get_by_test_id("report-xlsx").is_visible()
    with bureau.expect_download() as download:
        bureau.get_by_test_id("report-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    _shots(bureau, "periodic-report")


def test_evaluation_and_training_pages_fit_a_phone(live, browser):  # noqa: F811
    """The Bureau's evaluation pages and the mediators' training requirement, at desktop width and at 375 px."""
    bureau = _login(browser, live.investor.url, "bureau")
    for path, name in (
        ("/reports/evaluation/", "evaluation-home"),
        ("/registry/training/", "training-requirement"),
    ):
        response = bureau.goto(live.investor.url + path)
        assert response.status == 200, path
        _shots(bureau, name)
