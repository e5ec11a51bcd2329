"""A long list of choices can be searched (`<select data-searchable>`, sutiao/static/sutiao/site.js; the dashboards'
filters by organisation, mediator, court…) in Debian's Chromium: what is typed narrows the options to the names that
contain it, 全部 and the chosen option stay, clearing the box brings every option back, and a short list gets no box.
The page and the repository's own site.js are served to the browser by Playwright: no platform is needed."""

from pathlib import Path

import pytest
from test_browser import browser  # noqa: F401  (the module's Chromium fixture)

pytestmark = pytest.mark.browser

SITE_JS = Path(__file__).resolve().parents[2] / "src" / "sutiao" / "static" / "sutiao" / "site.js"
ORIGIN = "http://127.0.0.1:9"  # never reached: every request is answered by the routes below


def _select(name: str, options) -> str:
    items = "".join(f'<option value="{k}">{n}</option>' for k, n in options)
    return f'<select name="{name}" data-searchable="输入名称查找"><option value="">全部</option>{items}</select>'


def _page(browser, *selects):  # noqa: F811
    html = (
        '<!doctype html><html><head><meta charset="utf-8"><script src="/site.js"></script></head>'
        f"<body><form>{''.join(selects)}</form></body></html>"
    )
    page = browser.new_page()
    page.route(f"{ORIGIN}/", lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    page.route(f"{ORIGIN}/site.js", lambda route: route.fulfill(path=str(SITE_JS), content_type="text/javascript"))
    page.goto(f"{ORIGIN}/")
    return page


def test_a_long_list_is_narrowed_by_what_is_typed_and_a_short_one_has_no_box(browser):  # noqa: F811
    mediators = [(f"k{i:02d}", f"调解员{i:02d}") for i in range(20)] + [("zhang", "张调解")]
    page = _page(browser, _select("mediator", mediators), _select("region", [("11", "北京市")]))
    box = page.locator("input[data-search-for=mediator]")
    assert box.get_attribute("placeholder") == "输入名称查找" and box.get_attribute("aria-label") == "输入名称查找"
    assert page.locator("input[data-search-for=region]").count() == 0  # two options: nothing to search
    options = page.locator("select[name=mediator] option")

    page.select_option("select[name=mediator]", "k03")
    box.fill("张")
    assert options.all_inner_texts() == ["全部", "调解员03", "张调解"]
    assert page.input_value("select[name=mediator]") == "k03"  # the chosen one stays chosen
    box.fill("调解员1")
    assert options.all_inner_texts() == ["全部", "调解员03", *(f"调解员{i}" for i in range(10, 20))]
    page.select_option("select[name=mediator]", "k12")
    box.fill("")
    assert options.count() == 1 + len(mediators)
    assert page.input_value("select[name=mediator]") == "k12"
    page.close()
