"""Issue 13: the court platform's figures (sutiao.reports.metrics over court.reports) on the generated data set
whose answers are known (tests/report_data.py, the same the investor platform's tests use), and who sees them:
a court's staff their own court, the Supreme People's Court's staff every court."""

import pytest
from court_report_setup import MEDIATOR_NAMES, OFFICE_NAMES, write_cases_bypassing_actions
from django.core.cache import cache
from django.urls import reverse

from report_data import TODAY, figures, generate, grouped, quarter_of
from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.kernel.calendar import CHINA
from sutiao.reports import metrics
from sutiao.reports.facts import source

RECORDS = generate()


@pytest.fixture
def world(investor, staff):
    made = write_cases_bypassing_actions(RECORDS, investor.peer, staff, TODAY)
    spc = Institution.objects.create(kind=InstitutionKind.SUPREME_COURT, name="最高人民法院")
    made["spc_admin"] = User.objects.create_user(
        "spc_admin", password="x-long-password", role=Role.COURT_ADMIN, institution=spc
    )
    made["court0_staff"] = User.objects.create_user(
        "court0_staff", password="x-long-password", role=Role.FILING_STAFF, institution=made["courts"][0]
    )
    return made


def test_the_supreme_court_sees_every_court_and_the_totals_match(world):
    facts = source().facts(world["spc_admin"])
    assert metrics.totals(facts, TODAY) == figures(RECORDS, "court")
    courts, orgs = world["courts"], world["orgs"]
    cases = [
        ("court", lambda r: courts[r.court].pk),
        ("organisation", lambda r: orgs[r.org].pk),
        ("office", lambda r: OFFICE_NAMES[0 if r.org < 2 else 1]),
        ("mediator", lambda r: MEDIATOR_NAMES[r.org][r.mediator] if r.mediator is not None else None),
        ("dispute_type", lambda r: r.dispute_type.value),
    ]
    for dimension, key in cases:
        got = {row.pop("key"): row for row in metrics.by_dimension(facts, dimension, TODAY)}
        for row in got.values():
            row.pop("name")
        assert got == grouped(RECORDS, key, "court"), dimension


def test_the_dashboard_adds_totals_groups_and_periods_up_from_one_query(world, django_assert_num_queries):
    facts = source().facts(world["spc_admin"])
    with django_assert_num_queries(1):
        totals, groups, periods = metrics.overview(facts, "court", "quarter", TODAY)
    assert totals == figures(RECORDS, "court")
    courts = world["courts"]
    assert [g["received"] for g in groups] == sorted((g["received"] for g in groups), reverse=True)
    by_key = {g.pop("key"): g for g in groups}
    assert all(g.pop("name") for g in by_key.values())
    assert by_key == grouped(RECORDS, lambda r: courts[r.court].pk, "court")
    starts = [p.pop("period").astimezone(CHINA) for p in periods]
    assert starts == sorted(starts)
    assert {(s.year, (s.month - 1) // 3 + 1): p for s, p in zip(starts, periods, strict=True)} == grouped(
        RECORDS, quarter_of, "court"
    )


def test_periods_are_china_quarters(world):
    rows = metrics.by_period(source().facts(world["spc_admin"]), "quarter", TODAY)
    got = {}
    for row in rows:
        start = row.pop("period").astimezone(CHINA)
        got[(start.year, (start.month - 1) // 3 + 1)] = row
    assert got == grouped(RECORDS, quarter_of, "court")


def test_L4_answer_in_the_last_second_is_in_time_and_the_next_second_late(world):
    late = set(
        metrics.cases_behind(source().facts(world["spc_admin"]), "answered_late", TODAY).values_list(
            "case__number", flat=True
        )
    )
    n = len(RECORDS) - 4
    assert f"(2026)测0民诉前调{n + 1}号" not in late
    assert f"(2026)测0民诉前调{n + 2}号" in late


def test_court_staff_see_only_their_own_court(world, client):
    courts = world["courts"]
    client.force_login(world["court0_staff"])
    page = client.get(reverse("reports-dashboard"))
    assert page.status_code == 200
    assert page.context["totals"] == figures([r for r in RECORDS if r.court == 0], "court")
    assert client.get(reverse("reports-dashboard"), {"court": courts[1].pk}).status_code == 404
    assert client.get(reverse("reports-cases"), {"metric": "received", "court": courts[1].pk}).status_code == 404
    rows = client.get(reverse("reports-cases"), {"metric": "declined"}).context["rows"]
    assert rows and all(link == reverse("case-detail", args=[row.case_id]) for row, link in rows)


def test_the_supreme_court_drills_into_a_court_but_opens_no_other_courts_case(world, client):
    client.force_login(world["spc_admin"])
    court = world["courts"][1]
    page = client.get(reverse("reports-dashboard"), {"court": court.pk, "group": "organisation"})
    assert page.context["totals"] == figures([r for r in RECORDS if r.court == 1], "court")
    rows = client.get(reverse("reports-cases"), {"metric": "failed", "court": court.pk}).context["rows"]
    assert len(rows) == figures([r for r in RECORDS if r.court == 1], "court")["failed"]
    assert all(link == "" for _row, link in rows)


def test_public_statistics_need_no_sign_in(world, client):
    cache.clear()
    page = client.get(reverse("public-statistics"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert page.context["rows"][0]["ended"] == grouped(RECORDS, quarter_of, "court")[(2026, 4)]["ended"]


def test_the_mediations_own_figures_are_not_here_and_never_zero(world, client):
    client.force_login(world["spc_admin"])
    page = client.get(reverse("reports-dashboard"))
    assert page.status_code == 200
    not_here = {m.key for m in page.context["not_here"]}
    assert {"days_to_first_session", "extended", "performance_rate", "amount_agreed", "amount_paid"} <= not_here
    assert not_here.isdisjoint(page.context["totals"])
    further = {m.key: (value, held) for m, value, held, _query in page.context["further"]}
    assert further["amount_agreed"] == (None, False)
    assert further["confirmation_valid"] == (figures(RECORDS, "court")["confirmation_valid"], True)
    assert 'data-testid="further-performance_rate">本平台无此数据<' in page.content.decode()
    assert client.get(reverse("reports-cases"), {"metric": "performed"}).status_code == 404


def test_judicial_confirmation_counts_each_case_once(world, client):
    """A case applied for twice (rejected, then valid) is one case applied for and one ruled valid; an application
    registered without the delegated case, or on a case whose mediation failed, is not counted."""
    twice = [r for r in RECORDS if len(r.confirmations) == 2]
    assert twice
    client.force_login(world["spc_admin"])
    rows = client.get(reverse("reports-cases"), {"metric": "confirmation_applied"}).context["rows"]
    listed = [row.case.number for row, _link in rows]
    applied = [r for r in RECORDS if r.outcome == "succeeded" and r.confirmations]
    assert len(listed) == len(set(listed)) == len(applied)
    assert f"(2026)测{twice[0].court}民诉前调{twice[0].n + 1}号" in listed
