"""Issue 13 §5: the signed statistics message — the delegations shared with the asking peer, made in a period
(China dates of the court's delegation), counted by court, organisation, kind and shared state, with how many have
a message to the peer still on its way — and the joint meeting's page, which shows the peer's half missing, with
the reason, when the peer cannot be reached (both platforms live: tests/e2e/test_joint_statistics.py)."""

import datetime as dt

import pytest
from django.urls import reverse
from test_docking_hardening import signed_get_headers

from sutiao.docking.schemas import Statistics
from sutiao.investor.actions import delegations as actions
from sutiao.kernel.calendar import CHINA

PATH = "/docking/v1/statistics?start={}&end={}"


def _ask(client, court_peer, start, end):
    path = PATH.format(start, end)
    return client.get(path, headers=signed_get_headers(court_peer.key, path))


def test_the_peer_reads_the_counts_of_a_period_signed_with_what_is_still_on_its_way(
    client, receive, org_a, org_b, admin_a, court_peer
):
    court = "7f0a7c8e-2b1e-4a55-9a1e-000000000001"
    late_evening = dt.datetime(2026, 9, 30, 23, 59, 59, tzinfo=CHINA).isoformat()
    next_morning = dt.datetime(2026, 10, 1, 0, 0, tzinfo=CHINA).isoformat()
    first = receive(org_a, court_id=court, delegated_at=late_evening)
    receive(org_a, court_id=court, delegated_at=late_evening)
    receive(org_b, court_id=court, delegated_at=late_evening, kind="entrustment")
    receive(org_a, court_id=court, delegated_at=next_morning)  # the next quarter's
    actions.accept_delegation(admin_a, first)  # its answer waits in the outbox for the court

    answer = _ask(client, court_peer, "2026-07-01", "2026-09-30")
    assert answer.status_code == 200 and answer.headers["Signature"], answer.content
    statistics = Statistics.model_validate(answer.json())
    rows = {(str(r.organisation), r.kind, r.state): (r.count, r.in_flight) for r in statistics.rows}
    assert rows == {
        (str(org_a.pk), "delegation", "accepted"): (1, 1),
        (str(org_a.pk), "delegation", "pending"): (1, 0),
        (str(org_b.pk), "entrustment", "pending"): (1, 0),
    }
    assert {str(r.court) for r in statistics.rows} == {court}
    assert (statistics.start, statistics.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-09-30", "2026-07-01"), ("2025-01-01", "2026-01-02"), ("2026-13-01", "2026-12-31"), ("", "")],
)
def test_a_period_backwards_longer_than_a_year_or_unreadable_is_refused_signed(client, court_peer, own_key, start, end):
    answer = _ask(client, court_peer, start, end)
    assert answer.status_code == 400 and answer.json()["error"] == "schema_invalid"
    assert "跨度不超过 366 天" in answer.json()["message"] and answer.headers["Signature"]


def test_an_unsigned_request_gets_no_figures(client, own_key, db):
    answer = client.get(PATH.format("2026-07-01", "2026-09-30"))
    assert answer.status_code == 401 and "rows" not in answer.json()


def test_the_bureau_sees_its_own_half_and_why_the_courts_is_missing(client, receive, org_a, bureau_user, court_peer):
    receive(org_a, delegated_at=dt.datetime(2025, 5, 6, 10, 0, tzinfo=CHINA).isoformat())
    client.force_login(bureau_user)
    page = client.get(reverse("report-joint"), {"period": "quarter", "year": 2025, "quarter": 2})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="joint-total-ours">1<' in html and 'data-testid="joint-total-theirs">—<' in html
    assert 'data-testid="joint-error"' in html and "暂时无法访问" in html  # court-platform.invalid does not answer
    assert 'data-testid="joint-reconciliation"' not in html  # nothing to reconcile against


def test_only_who_sees_every_case_reads_the_joint_figures(client, admin_a, regional_office, db):
    client.force_login(admin_a)
    assert client.get(reverse("report-joint"), {"period": "year", "year": 2025}).status_code == 403
