"""Issue 13: the court platform's figures (sutiao.reports.metrics over court.reports) on the generated data set
whose answers are known (tests/report_data.py, the same the investor platform's tests use), and who sees them:
a court's staff their own court, the Supreme People's Court's staff every court."""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from court_report_setup import MEDIATOR_NAMES, OFFICE_NAMES, write_cases_bypassing_actions
from django.core.cache import cache
from django.urls import reverse

from report_data import (
    GENERATED_COURTS,
    SUPREME_COURT,
    TODAY,
    check_choices_are_the_facts_subjects,
    figures,
    generate,
    grouped,
    pdf_table_row,
    quarter_of,
)
from sutiao.accounts.models import InstitutionKind, Role, User
from sutiao.documents.storage import open_verified
from sutiao.jobs.tasks import run_queued_tasks
from sutiao.kernel.calendar import CHINA
from sutiao.kernel.workflow import ReportPeriod, ReportState
from sutiao.reports import actions, metrics
from sutiao.reports.facts import source

RECORDS = generate()


@pytest.fixture
def world(investor, staff):
    made = write_cases_bypassing_actions(RECORDS, investor.peer, staff, TODAY)
    spc = made["courts"][SUPREME_COURT]
    assert spc.kind == InstitutionKind.SUPREME_COURT
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
        ("region", lambda r: r.region),
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
    in_time, next_second = RECORDS[-4], RECORDS[-3]
    assert in_time.case_number not in late
    assert next_second.case_number in late


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
    assert twice[0].case_number in listed


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")
def test_the_periodic_pdf_groups_the_courts_further_figures_by_court(world):
    """Each dimension has a second table, the same rows, with the figures the court platform holds of what came to
    court after the mediation (judicial confirmation, 调解书); the mediations' own (the investor platform's) are no
    column there."""
    report = actions.request_report(world["spc_admin"], ReportPeriod.YEAR, dt.date(2025, 1, 1))
    assert run_queued_tasks() == 1
    report.refresh_from_db()
    assert report.state == ReportState.DONE, report.error
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    path = artifacts / "court-periodic-report-2025.pdf"
    with open_verified(report.pdf) as f:
        path.write_bytes(f.read())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "续表：按法院的其他指标" in text
    in_2025 = [r for r in RECORDS if r.received.astimezone(CHINA).year == 2025]
    for i, court in enumerate(world["courts"][:GENERATED_COURTS]):  # the others' cases are of 2026
        mine = figures([r for r in in_2025 if r.court == i], "court")
        assert mine["confirmation_valid"] and mine["document_issued"], i
        cells = [str(mine[k]) for k in ("confirmation_applied", "confirmation_valid", "document_issued")]
        assert pdf_table_row(court.name, cells).search(text), (court.name, cells)
    # 本平台无此数据 only in the overview, once for each figure of the mediations: no table has a column of it.
    assert text.count("本平台无此数据") == 7


# --- by region: the province of the delegating court, from the case number (kernel.regions) ---


def test_figures_by_region_name_the_province_the_supreme_court_national_and_an_unknown_code_unplaced(world):
    rows = {row["key"]: row for row in metrics.by_dimension(source().facts(world["spc_admin"]), "region", TODAY)}
    assert {k: row["name"] for k, row in rows.items()} == {
        "11": "北京市",
        "31": "上海市",
        "national": "全国",
        "unplaced": "未能确定地区",
    }
    spc_case = next(r for r in RECORDS if r.court == SUPREME_COURT)
    assert rows["national"]["received"] == rows["national"]["succeeded"] == 1 and spc_case.outcome == "succeeded"
    assert rows["unplaced"]["received"] == rows["unplaced"]["declined"] == 1
    assert rows["31"]["received"] == sum(1 for r in RECORDS if r.region == "31")


def test_the_supreme_court_filters_by_region_and_drills_down_to_its_cases(world, client):
    client.force_login(world["spc_admin"])
    page = client.get(reverse("reports-dashboard"), {"region": "31", "group": "court"})
    shanghai = [r for r in RECORDS if r.region == "31"]
    assert page.context["totals"] == figures(shanghai, "court")
    assert [row["key"] for row in page.context["rows"]] == [world["courts"][1].pk]
    offered = [key for key, _name in page.context["form"].fields["region"].choices]
    assert offered == ["", "11", "31", "national", "unplaced"]  # present in the facts, in GB/T 2260 order
    listing = client.get(reverse("reports-cases"), {"metric": "succeeded", "region": "31"})
    numbers = {row.d_case_number for row, _link in listing.context["rows"]}
    assert numbers == {r.case_number for r in shanghai if r.outcome == "succeeded"}
    assert 'data-testid="case-region">上海市<' in listing.content.decode()
    national = client.get(reverse("reports-cases"), {"metric": "received", "region": "national"}).context["rows"]
    assert [row.d_case_number for row, _link in national] == [r.case_number for r in RECORDS if r.court == 2]


def test_a_courts_staff_are_offered_their_own_region_and_another_narrows_to_nothing(world, client):
    client.force_login(world["court0_staff"])
    page = client.get(reverse("reports-dashboard"), {"region": "11"})
    assert page.context["totals"] == figures([r for r in RECORDS if r.court == 0], "court")
    assert [key for key, _name in page.context["form"].fields["region"].choices] == ["", "11"]
    other = client.get(reverse("reports-dashboard"), {"region": "31"})
    assert other.status_code == 200 and other.context["totals"]["received"] == 0


def test_the_periodic_reports_pdf_numbers_a_section_for_each_dimension_region_included(db):
    from sutiao.reports.periodic import SECTION_NUMBERS

    keys = [d.key for d in source().dimensions]
    assert keys[-1] == "region" and len(keys) == 6 <= len(SECTION_NUMBERS)


def test_each_viewers_filter_choices_are_the_distinct_subjects_of_the_facts_they_see(world):
    for user in (world["spc_admin"], world["court0_staff"]):
        check_choices_are_the_facts_subjects(source(), user)
