"""Issue 13 §5, the joint meeting's page against a court platform that answers (a loopback server signing with the
court peer's key, in process): the reconciliation lines are paged and searched by court or organisation name,
and the names are looked up for the lines shown only, by id — never a DISTINCT over every fact."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from peer_server import PeerServer, SignableAnswer
from sutiao.docking.signing import sign_answer
from sutiao.investor.models import CourtDirectory
from sutiao.kernel.calendar import CHINA
from sutiao.kernel.ids import new_id
from sutiao.reports import facts

YEAR = {"period": "year", "year": 2025}
COURT = "7f0a7c8e-2b1e-4a55-9a1e-000000000001"


def signed_json(key, received, payload: dict, status=200):
    body = json.dumps(payload, ensure_ascii=False).encode()
    answer = SignableAnswer(status, {"Content-Type": "application/json"}, received)
    sign_answer(answer, body, answer.request, key=key)
    return status, dict(answer.headers), body


def court_answer(rows, **extra):
    return {
        "start": "2025-01-01",
        "end": "2025-12-31",
        "as_of": timezone.now().isoformat(),
        "rows": rows,
        **extra,
    }


def row(court, organisation, count=1, state="pending", in_flight=0):
    return {
        "court": str(court),
        "organisation": str(organisation),
        "kind": "delegation",
        "state": state,
        "count": count,
        "in_flight": in_flight,
    }


@pytest.fixture
def court_platform(court_peer, own_key):
    """The court platform's address answers from a loopback server; `answer` is what it signs."""
    server = PeerServer().start()
    court_peer.peer.base_url = server.url
    court_peer.peer.save()
    server.rows = []
    server.extra = {}
    server.answer = lambda received: signed_json(court_peer.key, received, court_answer(server.rows, **server.extra))
    yield server
    server.stop()


@pytest.fixture
def named_lines(receive, org_a, org_b, court_platform, court_peer):
    """One delegation of ours that the court counts too, and 30 courts the court says delegated once to org_a
    (or, every third, org_b), which this platform never received: 30 lines, ours 0, theirs 1."""
    receive(org_a, court_id=COURT, delegated_at=dt.datetime(2025, 5, 6, 10, 0, tzinfo=CHINA).isoformat())
    courts = [new_id() for _ in range(30)]
    for i, court in enumerate(courts):
        CourtDirectory.objects.create(id=court, peer=court_peer.peer, name=f"测试第{i:02d}人民法院")
    court_platform.rows = [row(COURT, org_a.pk)] + [
        row(court, org_b.pk if i % 3 == 0 else org_a.pk) for i, court in enumerate(courts)
    ]
    return courts


def _lines(html: str) -> int:
    return html.count('data-testid="joint-line"')


def test_the_lines_are_paged_with_names_looked_up_for_the_lines_shown_only(
    client, bureau_user, named_lines, monkeypatch
):
    source = facts.source()
    asked = []
    real_names = type(source).names

    def names(self, dimension, keys):
        asked.append((dimension, len(set(keys))))
        return real_names(self, dimension, keys)

    def no_distinct(*args, **kwargs):
        raise AssertionError("the joint page must not list every fact's court and organisation")

    monkeypatch.setattr(type(source), "names", names)
    monkeypatch.setattr(type(source), "choices", no_distinct)
    client.force_login(bureau_user)
    first = client.get(reverse("report-joint"), YEAR)
    html = first.content.decode()
    assert first.status_code == 200 and 'data-testid="joint-signed"' in html
    assert _lines(html) == 25 and 'data-testid="next-page"' in html
    assert "测试第00人民法院" in html and "中证资本市场法律服务中心" in html
    assert "30 项不一致" in html
    assert asked == [("court", 25), ("organisation", 2)]

    next_page = first.context["next_page"]
    second = client.get(next_page).content.decode()
    assert _lines(second) == 5 and 'data-testid="next-page"' not in second
    assert "测试第29人民法院" in second and "测试第00人民法院" not in second


def test_the_lines_are_searched_by_organisation_or_court_name(client, bureau_user, named_lines):
    client.force_login(bureau_user)
    html = client.get(reverse("report-joint"), {**YEAR, "q": "北京证券"}).content.decode()
    assert _lines(html) == 10 and "10 项不一致" in html  # courts 0, 3, … 27 delegated to org_b
    assert "中证资本市场法律服务中心" not in html.split('data-testid="joint-reconciliation"')[1]
    html = client.get(reverse("report-joint"), {**YEAR, "q": "第07"}).content.decode()
    assert _lines(html) == 1 and "测试第07人民法院" in html
    html = client.get(reverse("report-joint"), {**YEAR, "q": "无此机构"}).content.decode()
    assert _lines(html) == 0 and 'data-testid="joint-no-match"' in html


def test_a_tampered_cursor_is_refused_not_a_server_error(client, bureau_user, named_lines):
    client.force_login(bureau_user)
    page = client.get(reverse("report-joint"), {**YEAR, "cursor": "forged"})
    assert page.status_code == 200 and "翻页标记无效" in page.content.decode()


def test_when_both_agree_there_is_no_line_and_no_search(client, bureau_user, receive, org_a, court_platform):
    receive(org_a, court_id=COURT, delegated_at=dt.datetime(2025, 5, 6, 10, 0, tzinfo=CHINA).isoformat())
    court_platform.rows = [row(COURT, org_a.pk)]
    client.force_login(bureau_user)
    html = client.get(reverse("report-joint"), YEAR).content.decode()
    assert 'data-testid="joint-agree"' in html and 'data-testid="joint-search"' not in html
