"""Issue 13 acceptance, in Debian's Chromium: the Bureau opens the dashboard, filters by regional office and
dispute type and drills down to the cases behind a figure, then by region (the delegating court's province) and
down to that region's cases; a mediator sees only their own figures. Screenshots
at desktop width and at 375 px go to test-artifacts/."""

import pytest
from live import second_factor, wait_for
from test_browser import ARTIFACTS, browser  # noqa: F401  (the module's Chromium fixture)
from test_delegation_flow import ORG1, ORG2, investor_delegation, register_consented_case

from sutiao.demo import BEIJING_OFFICE

pytestmark = pytest.mark.browser


def _delegate(live, org, investor_name):
    court = live.api("court_filing")
    case = register_consented_case(court, investor_name=investor_name)
    case = court.post(f"/cases/{case['id']}/delegate", {"organisation_id": org})
    return case["number"], case["delegations"][0]["id"]


def _login(browser, base_url, username):  # noqa: F811
    # Not test_browser.login: the Bureau lands on the registry overview, not on "/".
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(20_000)
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "sutiao-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/**")  # staff sign in with a second factor
    page.fill("#id_token", second_factor(base_url, username))
    page.get_by_test_id("two-factor-submit").click()
    page.wait_for_selector("[data-testid=whoami]")
    return page


def _shots(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=ARTIFACTS / f"{name}-desktop.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=ARTIFACTS / f"{name}-375.png", full_page=True)
    # Nothing wider than the phone's screen but the figures table, which scrolls in its own box.
    overflow = page.evaluate("document.documentElement.scrollWidth")
    widest = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + (e.dataset.testid || ''))"
    )
    assert overflow <= 375, f"{name} is {overflow}px wide at 375: {widest}"


def test_bureau_filters_and_drills_down_and_a_mediator_sees_only_their_own(live, browser):  # noqa: F811
    admin1, admin2 = live.api("org1_admin"), live.api("org2_admin")
    succeeded_number, succeeded = _delegate(live, ORG1, "钱八")
    declined_number, declined = _delegate(live, ORG2, "孙九")
    wait_for(lambda: investor_delegation(admin1, succeeded), what="delegation at org1")
    wait_for(lambda: investor_delegation(admin2, declined), what="delegation at org2")
    admin2.post(f"/delegations/{declined}/decline", {"reason": "本中心暂无虚假陈述纠纷专业调解员"})
    admin1.post(f"/delegations/{succeeded}/accept")
    mediator = next(m for m in admin1.get("/mediators") if m["name"] == "张调解1")
    admin1.post(f"/delegations/{succeeded}/assign", {"mediator_id": mediator["id"]})
    live.api("org1_mediator1").post(f"/delegations/{succeeded}/result", {"outcome": "succeeded", "terms": "赔偿八万元"})

    bureau = _login(browser, live.investor.url, "bureau")
    bureau.click("[data-nav=reports-dashboard]")
    bureau.wait_for_selector("[data-testid=period-chart] svg")
    bureau.select_option("#id_office", str(BEIJING_OFFICE))
    bureau.select_option("#id_dispute_type", "misrepresentation")
    bureau.select_option("#id_group", "organisation")
    bureau.click("[data-testid=apply-filters]")
    bureau.wait_for_url(lambda url: "office=" in url)
    assert bureau.locator("#id_office").input_value() == str(BEIJING_OFFICE)
    _shots(bureau, "reports-bureau-dashboard")
    # The organisations' row, then the cases behind its success count.
    bureau.locator(f"[data-testid=figures] tr[data-key='{ORG1}'] [data-testid=drill-succeeded]").click()
    bureau.wait_for_selector("[data-testid=case-row]")
    assert succeeded_number in bureau.get_by_test_id("cases").inner_text()
    assert declined_number not in bureau.get_by_test_id("cases").inner_text()
    _shots(bureau, "reports-bureau-cases")
    bureau.click("text=返回统计")
    bureau.locator(f"[data-testid=figures] tr[data-key='{ORG2}'] [data-testid=drill-declined]").click()
    assert declined_number in bureau.get_by_test_id("cases").inner_text()

    # By region: the delegating court's province, read from the case number (朝阳's 京0105: 北京市, key 11), as the
    # court platform reads it. Only the regions of the Bureau's cases are offered.
    bureau.goto(live.investor.url + "/reports/")
    offered = bureau.locator("#id_region option").all_inner_texts()
    assert offered[0] == "全部" and "北京市" in offered
    bureau.select_option("#id_region", "11")
    bureau.select_option("#id_group", "region")
    bureau.click("[data-testid=apply-filters]")
    bureau.wait_for_url(lambda url: "region=11" in url)
    assert bureau.locator("#id_region").input_value() == "11"
    assert bureau.locator("[data-testid=figures] tbody tr").count() == 1  # grouped by region, one region left
    _shots(bureau, "reports-bureau-region")
    bureau.locator("[data-testid=figures] tr[data-key='11'] [data-testid=drill-received]").click()
    bureau.wait_for_selector("[data-testid=case-row]")
    listed = bureau.get_by_test_id("cases").inner_text()
    assert succeeded_number in listed and declined_number in listed  # newest first: this test's cases on top
    regions = bureau.get_by_test_id("case-region").all_inner_texts()
    assert regions and set(regions) == {"北京市"}

    mediator_page = _login(browser, live.investor.url, "org1_mediator1")
    mediator_page.click("[data-nav=reports-dashboard]")
    mediator_page.wait_for_selector("[data-testid=headline]")
    own = live.api("org1_mediator1").get("/delegations", limit=200)["items"]
    assert mediator_page.get_by_test_id("headline-received").inner_text() == str(len(own))
    # Only their own organisation and themselves are offered; another organisation's figures are not found.
    offered = mediator_page.locator("#id_organisation option").all_inner_texts()
    assert offered == ["全部", "中证资本市场法律服务中心"]
    assert mediator_page.locator("#id_mediator option").all_inner_texts() == ["全部", "张调解1"]
    _shots(mediator_page, "reports-mediator-dashboard")
    mediator_page.click("[data-testid=headline-received]")
    mediator_page.wait_for_selector("[data-testid=case-row]")  # the list is another page: wait for it
    rows = mediator_page.get_by_test_id("case-row").all_inner_texts()
    assert rows and all("张调解1" in row for row in rows)
    response = mediator_page.goto(live.investor.url + f"/reports/?organisation={ORG2}")
    assert response.status == 404
