"""Issue 13 §5 acceptance, both platforms live: the Bureau's joint-meeting page counts the delegations of the year
on the investor platform and asks the court platform for its count in a signed statistics message; the two agree.
A deliberate difference (a delegation's state changed in the investor database behind the platform's back) shows
up as a reconciliation line no message on its way explains, by court and organisation and by region. At 375 px,
screenshots in test-artifacts/."""

import contextlib
import sqlite3

import pytest
from live import sql, wait_for
from test_browser import browser  # noqa: F401  (the module's Chromium fixture)
from test_reports_browser import _login, _shots

from sutiao.kernel.calendar import china_today

pytestmark = pytest.mark.browser


def _execute(platform, query: str, *params) -> None:
    """Write a platform's database directly, as an insider would, without going through it."""
    if platform.database_url:
        import psycopg

        with psycopg.connect(platform.database_url) as conn:
            conn.execute(query.replace("?", "%s"), params)
        return
    with contextlib.closing(sqlite3.connect(platform.var_dir / f"{platform.name}.sqlite3", timeout=30)) as conn:
        conn.execute(query, params)
        conn.commit()


def test_both_platforms_count_the_same_cases_and_a_deliberate_difference_is_shown(live, browser):  # noqa: F811
    page = _login(browser, live.investor.url, "bureau")
    url = f"{live.investor.url}/reports/joint/?period=year&year={china_today().year}"

    def agreed():
        page.goto(url)
        return page.get_by_test_id("joint-agree").count() == 1

    # Messages of earlier tests may still be on their way: the page says so until they arrive.
    wait_for(agreed, timeout=120, what="both platforms' figures for the year to agree")
    ours = int(page.get_by_test_id("joint-total-ours").inner_text())
    assert ours > 0 and page.get_by_test_id("joint-total-theirs").inner_text() == str(ours)
    assert "签名已验证" in page.get_by_test_id("joint-signed").inner_text()
    # By region too: both platforms place every case by its number's court code (the demo's courts: 北京市).
    assert page.get_by_test_id("joint-regions-agree").count() == 1
    theirs = page.get_by_test_id("joint-regions-theirs-total").all_inner_texts()
    assert page.get_by_test_id("joint-regions-ours-total").all_inner_texts() == theirs
    assert sum(int(n) for n in theirs) == ours

    target, state = sql(
        live.investor,
        "SELECT id, state FROM investor_delegation WHERE state IN ('received', 'accepted', 'mediating') "
        "ORDER BY delegated_at",
    )[0]
    _execute(live.investor, "UPDATE investor_delegation SET state = 'declined' WHERE id = ?", target)
    try:
        page.goto(url)
        lines = page.get_by_test_id("joint-line")
        assert lines.count() == 2  # one more "declined" here than at the court, one fewer in the state it had
        assert {lines.nth(i).get_attribute("data-unexplained") for i in range(2)} == {"1"}
        assert "逐案对账" in lines.first.inner_text()
        # The same difference in the region's lines: the case is Beijing's on both platforms.
        region_lines = page.get_by_test_id("joint-region-line")
        assert region_lines.count() == 2
        for i in range(2):
            line = region_lines.nth(i)
            assert (line.get_attribute("data-region"), line.get_attribute("data-unexplained")) == ("11", "1")
        _shots(page, "joint-meeting-difference")
        # At 375 px (where _shots leaves the page) a table is a stack of cards; its caption spans the phone's width
        # (it was one character a line).
        for side in ("ours", "theirs"):
            assert page.locator(f"[data-testid=joint-regions-{side}] caption").bounding_box()["width"] > 300
    finally:
        _execute(live.investor, "UPDATE investor_delegation SET state = ? WHERE id = ?", state, target)
    wait_for(agreed, timeout=60, what="the figures to agree again once the state is back")
