"""Staff on a phone (issue 15 §6), in Debian's Chromium at 375 × 812 on the demo data: the court's work queue, its
case list and a case page, the organisation's queue and a delegation. On each nothing scrolls sideways, the header
folds into a menu, tables become stacked cards whose cells are named by their column, and the main action stays
reachable. Screenshots in test-artifacts/."""

import re

import pytest
from test_browser import ARTIFACTS, browser, login, reload_until  # noqa: F401 (the module's Chromium fixture)

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def _on_a_phone(page, shot: str) -> None:
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url
    # The header's menu is folded behind one button, and unfolds on a tap.
    toggle, menu = page.get_by_test_id("menu-toggle"), page.get_by_test_id("main-menu")
    assert toggle.is_visible() and not menu.is_visible()
    toggle.click()
    assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url
    toggle.click()
    assert not menu.is_visible()
    # Tables are stacks of cards: no header row, each cell labelled with its column.
    for table in page.locator("main table.table").all():
        if table.locator("thead").count():
            assert table.locator("thead").evaluate("t => getComputedStyle(t).display") == "none"
            cells = table.locator("tbody td[data-label]")
            assert cells.count() == 0 or cells.first.get_attribute("data-label")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / shot), full_page=True)


def _main_action_reachable(page) -> None:
    jump = page.get_by_test_id("jump-to-actions")
    assert jump.is_visible()  # at the foot of the screen while the case is read (position: sticky)
    box = jump.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    jump.click()
    page.wait_for_url(re.compile(r"#actions$"))
    assert page.locator("#actions").is_visible()


def test_the_court_and_the_organisation_on_a_phone(live, browser):  # noqa: F811
    court = login(browser, live.court.url, "court_filing")
    _on_a_phone(court, "court-work-queue-375.png")
    court.goto(live.court.url + "/cases/")
    _on_a_phone(court, "court-case-list-375.png")
    court.goto(live.court.url + "/cases/?q=张三")  # the demo case whose parties asked the court to appoint
    court.locator("main table a").first.click()
    court.wait_for_url(re.compile(r"/cases/[0-9a-f-]+/$"))
    _on_a_phone(court, "court-case-375.png")
    _main_action_reachable(court)

    admin = login(browser, live.investor.url, "org1_admin")
    # The demo's delegated case reaches the organisation through the docking.
    reload_until(admin, lambda: admin.locator("main table a").count() > 0)
    _on_a_phone(admin, "investor-queue-375.png")
    admin.locator("main table a").first.click()
    admin.wait_for_url(re.compile(r"/delegations/[0-9a-f-]+/$"))
    _on_a_phone(admin, "investor-delegation-375.png")
    _main_action_reachable(admin)
