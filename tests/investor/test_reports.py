"""Issue 13: the investor platform's figures (sutiao.reports.metrics over investor.reports) on a generated data set
whose answers are known, and who sees which figures: the Bureau everything, a regional office the organisations it
supervises, an organisation's administrator their own, a mediator only their own cases."""

import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from investor_registry_setup import registered_org
from investor_report_setup import COURT_IDS, write_delegations_bypassing_actions, write_mediations_bypassing_actions

from report_data import TERM_DAY, TODAY, check_choices_are_the_facts_subjects, figures, generate, grouped, quarter_of
from sutiao.accounts.models import Role, User
from sutiao.kernel.calendar import CHINA
from sutiao.reports import metrics
from sutiao.reports.facts import source
from sutiao.reports.views import SchemeForm

RECORDS = generate()


@pytest.fixture
def world(court_peer, bureau_user):
    made = write_delegations_bypassing_actions(
        RECORDS, court_peer.peer, lambda name, n, office: registered_org(name, n, office, court_peer, bureau_user)
    )
    write_mediations_bypassing_actions(RECORDS, made)
    made["bureau"] = bureau_user
    made["office_user"] = User.objects.create_user(
        "office1", password="x-long-password", role=Role.SUPERVISOR, institution=made["offices"][0]
    )
    made["org_admin"] = User.objects.create_user(
        "org3_admin", password="x-long-password", role=Role.ORG_ADMIN, institution=made["orgs"][2]
    )
    return made


def test_totals_match_the_generated_answers(world):
    facts = source().facts(world["bureau"])
    assert metrics.totals(facts, TODAY) == figures(RECORDS, "investor")


def test_figures_by_organisation_office_mediator_court_dispute_type_and_region(world):
    facts = source().facts(world["bureau"])
    orgs, offices = world["orgs"], world["offices"]
    cases = [
        ("organisation", lambda r: orgs[r.org].pk),
        ("office", lambda r: offices[0 if r.org < 2 else 1].pk),
        ("mediator", lambda r: world["mediators"][r.org][r.mediator].pk if r.mediator is not None else None),
        ("court", lambda r: COURT_IDS[r.court]),
        ("dispute_type", lambda r: r.dispute_type.value),
        ("region", lambda r: r.region),
    ]
    for dimension, key in cases:
        got = {row.pop("key"): row for row in metrics.by_dimension(facts, dimension, TODAY)}
        for row in got.values():
            row.pop("name")
        assert got == grouped(RECORDS, key, "investor"), dimension


def test_periods_are_china_quarters(world):
    facts = source().facts(world["bureau"])
    rows = metrics.by_period(facts, "quarter", TODAY)
    got = {}
    for row in rows:
        start = row.pop("period")
        start = start.astimezone(CHINA)
        got[(start.year, (start.month - 1) // 3 + 1)] = row
    assert got == grouped(RECORDS, quarter_of, "investor")


def test_the_dashboard_adds_totals_groups_and_periods_up_from_one_query(world, django_assert_num_queries):
    facts = source().facts(world["bureau"])
    with django_assert_num_queries(1):
        totals, groups, periods = metrics.overview(facts, "organisation", "quarter", TODAY)
    assert totals == figures(RECORDS, "investor")
    orgs = world["orgs"]
    assert [g["received"] for g in groups] == sorted((g["received"] for g in groups), reverse=True)
    by_key = {g.pop("key"): g for g in groups}
    assert all(g.pop("name") for g in by_key.values())
    assert by_key == grouped(RECORDS, lambda r: orgs[r.org].pk, "investor")
    starts = [p.pop("period").astimezone(CHINA) for p in periods]
    assert starts == sorted(starts)
    assert {(s.year, (s.month - 1) // 3 + 1): p for s, p in zip(starts, periods, strict=True)} == grouped(
        RECORDS, quarter_of, "investor"
    )
    # Rows with no key (no mediator yet) are a group of their own, as in by_dimension; no row, no group.
    _, by_mediator, _ = metrics.overview(facts, "mediator", "month", TODAY)
    assert {g["key"]: g for g in by_mediator} == {g["key"]: g for g in metrics.by_dimension(facts, "mediator", TODAY)}
    assert metrics.overview(facts.none(), "court", "year", TODAY) == (metrics.totals(facts.none(), TODAY), [], [])


def test_L4_answer_in_the_last_second_is_in_time_and_the_next_second_late(world):
    facts = source().facts(world["bureau"])
    late = set(metrics.cases_behind(facts, "answered_late", TODAY).values_list("court_case_number", flat=True))
    in_time, next_second = RECORDS[-4], RECORDS[-3]
    assert in_time.case_number not in late
    assert next_second.case_number in late


def test_a_mediator_sees_only_their_own_figures(world, client):
    mediator = world["mediators"][0][0]
    own = [r for r in RECORDS if r.org == 0 and r.mediator == 0]
    assert metrics.totals(source().facts(mediator), TODAY) == figures(own, "investor")
    client.force_login(mediator)
    page = client.get(reverse("reports-dashboard"))
    assert page.status_code == 200
    assert page.context["totals"]["received"] == len(own)
    # Another mediator, another organisation: outside one's reach is 404, not an empty page.
    other = world["mediators"][1][0]
    assert client.get(reverse("reports-dashboard"), {"mediator": other.pk}).status_code == 404
    assert (
        client.get(reverse("reports-cases"), {"metric": "received", "organisation": world["orgs"][1].pk}).status_code
        == 404
    )
    rows = client.get(reverse("reports-cases"), {"metric": "received"}).context["rows"]
    assert {row.mediator_id for row, _link in rows} == {mediator.pk}


def test_an_organisation_admin_sees_only_their_organisation(world, client):
    client.force_login(world["org_admin"])
    page = client.get(reverse("reports-dashboard"))
    assert page.context["totals"] == figures([r for r in RECORDS if r.org == 2], "investor")
    assert client.get(reverse("reports-dashboard"), {"organisation": world["orgs"][0].pk}).status_code == 404
    assert client.get(reverse("reports-dashboard"), {"organisation": world["orgs"][2].pk}).status_code == 200
    # Each case behind the figure opens for the organisation's own staff.
    rows = client.get(reverse("reports-cases"), {"metric": "declined"}).context["rows"]
    assert rows and all(link == reverse("delegation-detail", args=[row.pk]) for row, link in rows)


def test_a_regional_office_sees_only_the_organisations_it_supervises(world, client):
    client.force_login(world["office_user"])
    page = client.get(reverse("reports-dashboard"), {"group": "organisation"})
    assert page.context["totals"] == figures([r for r in RECORDS if r.org < 2], "investor")
    assert {row["key"] for row in page.context["rows"]} == {world["orgs"][0].pk, world["orgs"][1].pk}
    assert client.get(reverse("reports-dashboard"), {"organisation": world["orgs"][2].pk}).status_code == 404
    assert client.get(reverse("reports-dashboard"), {"office": world["offices"][1].pk}).status_code == 404
    other_office_mediator = world["mediators"][2][0]
    assert (
        client.get(reverse("reports-cases"), {"metric": "received", "mediator": other_office_mediator.pk}).status_code
        == 404
    )
    # Overseers read the list; the delegation page itself is the organisation's.
    rows = client.get(reverse("reports-cases"), {"metric": "received", "organisation": world["orgs"][0].pk}).context[
        "rows"
    ]
    assert len(rows) == 50 and all(link == "" for _row, link in rows)


def test_the_bureau_filters_and_drills_down_page_by_page(world, client):
    client.force_login(world["bureau"])
    office = world["offices"][1]
    page = client.get(reverse("reports-dashboard"), {"office": office.pk, "dispute_type": "private_fund"})
    expected = figures([r for r in RECORDS if r.org == 2 and r.dispute_type == "private_fund"], "investor")
    assert page.context["totals"] == expected
    assert "<svg" in page.content.decode()
    seen, query = [], {"metric": "succeeded", "office": office.pk, "dispute_type": "private_fund"}
    while True:
        listing = client.get(reverse("reports-cases"), query)
        seen += [row.pk for row, _link in listing.context["rows"]]
        if not listing.context["next_query"]:
            break
        query = dict(pair.split("=") for pair in listing.context["next_query"].split("&"))
    assert len(seen) == len(set(seen)) == expected["succeeded"]


def test_no_dashboard_without_an_oversight_role(db, client):
    operator = User.objects.create_user("op", password="x-long-password", role=Role.OPERATOR)
    client.force_login(operator)
    assert client.get(reverse("reports-dashboard")).status_code == 403
    assert client.get(reverse("reports-cases"), {"metric": "nonsense"}).status_code == 404


def test_a_bad_date_range_is_said_in_chinese(world, client):
    client.force_login(world["bureau"])
    page = client.get(reverse("reports-dashboard"), {"start": "2026-05-01", "end": "2026-04-01"})
    assert "起始日期不能晚于截止日期" in page.content.decode()
    page = client.get(reverse("reports-dashboard"), {"start": "不是日期"})
    assert page.status_code == 200 and "有效" in page.content.decode()


def test_a_key_that_is_no_id_is_not_found_and_filters_offer_each_subject_once(world, client):
    client.force_login(world["bureau"])
    assert client.get(reverse("reports-dashboard"), {"organisation": "不是标识"}).status_code == 404
    assert client.get(reverse("reports-cases"), {"metric": "received", "mediator": "x"}).status_code == 404
    form = client.get(reverse("reports-dashboard")).context["form"]
    offered = [key for key, _name in form.fields["organisation"].choices]
    assert len(offered) == len(set(offered)) == 1 + len(world["orgs"])


def test_each_viewers_filter_choices_are_the_distinct_subjects_of_the_facts_they_see(world):
    mediator = world["mediators"][0][0]
    for user in (world["bureau"], world["office_user"], world["org_admin"], mediator):
        check_choices_are_the_facts_subjects(source(), user)


def test_public_statistics_need_no_sign_in(world, client):
    cache.clear()
    # Seen first by a signed-in user: the figures are cached, not the page with their name on it.
    client.force_login(world["bureau"])
    client.get(reverse("public-statistics"))
    client.logout()
    page = client.get(reverse("public-statistics"))
    assert world["bureau"].username not in page.content.decode()
    assert page.status_code == 200
    latest = page.context["rows"][0]
    assert latest["label"] == "2026年第4季度"
    assert latest["received"] == grouped(RECORDS, quarter_of, "investor")[(2026, 4)]["received"]


def test_performance_is_due_the_day_after_the_last_term_falls_due(world):
    facts = source().facts(world["bureau"])
    boundary = next(r for r in RECORDS if r.terms and r.terms[0][1] == TERM_DAY and not r.terms[0][2])
    number = boundary.case_number

    def due_on(day):
        rows = metrics.cases_behind(facts, "performance_due", day)
        return set(rows.values_list("court_case_number", flat=True))

    assert number not in due_on(TERM_DAY)
    assert number in due_on(TERM_DAY + dt.timedelta(days=1))
    assert metrics.totals(facts, TERM_DAY + dt.timedelta(days=1))["performance_due"] == sum(
        1 for r in RECORDS if r.terms
    )


def test_every_figure_is_one_query_however_many_cases(world, django_assert_num_queries):
    facts = source().facts(world["bureau"])
    with django_assert_num_queries(1):
        metrics.totals(facts, TODAY)
    with django_assert_num_queries(1):
        metrics.by_dimension(facts, "organisation", TODAY)
    with django_assert_num_queries(1):
        metrics.by_period(facts, "month", TODAY)


def test_the_courts_figures_are_not_here_and_never_zero(world, client):
    client.force_login(world["bureau"])
    page = client.get(reverse("reports-dashboard"))
    assert "confirmation_applied" not in page.context["totals"]
    not_here = {m.key for m in page.context["not_here"]}
    assert not_here == {"confirmation_applied", "confirmation_valid", "document_issued"}
    further = {m.key: (value, held) for m, value, held, _query in page.context["further"]}
    assert further["confirmation_applied"] == (None, False)
    assert further["amount_paid"] == (figures(RECORDS, "investor")["amount_paid"], True)
    html = page.content.decode()
    assert 'data-testid="further-confirmation_applied">本平台无此数据<' in html
    # An amount as the accounts read it: two decimals, the thousands marked.
    paid = figures(RECORDS, "investor")["amount_paid"]
    assert paid >= 1000 and f'data-testid="further-amount_paid">{paid:,.2f}<' in html
    assert {m.key for m in page.context["columns"]}.isdisjoint(not_here)
    # No list of cases behind a figure the platform does not hold, and no weight on it in an evaluation.
    assert client.get(reverse("reports-cases"), {"metric": "confirmation_applied"}).status_code == 404
    assert "w_confirmation_applied" not in SchemeForm().fields
    assert "w_performance_rate" in SchemeForm().fields and "w_amount_paid" not in SchemeForm().fields


def test_the_cases_behind_a_termination_ground_and_an_extension(world, client):
    client.force_login(world["bureau"])
    grounds = [r.ground for r in RECORDS if r.org == 2 and r.outcome == "failed"]
    ground = max(set(grounds), key=grounds.count)
    for metric, test in (
        (f"ended_{ground}", lambda r: r.ground == ground),
        ("extended", lambda r: r.extensions > 0),
        ("performed", lambda r: r.terms and all(t[2] for t in r.terms)),
    ):
        query = {"metric": metric, "organisation": world["orgs"][2].pk}
        rows = client.get(reverse("reports-cases"), query).context["rows"]
        expected = {uuid.UUID(int=r.n + 1) for r in RECORDS if r.org == 2 and test(r)}
        assert 0 < len(expected) <= 50 and {row.pk for row, _link in rows} == expected, metric


# --- by region: the province of the delegating court, from the case number, as the court platform has it ---


def test_figures_by_region_name_the_province_the_supreme_court_national_and_an_unknown_code_unplaced(world):
    rows = {row["key"]: row for row in metrics.by_dimension(source().facts(world["bureau"]), "region", TODAY)}
    assert {k: row["name"] for k, row in rows.items()} == {
        "11": "北京市",
        "31": "上海市",
        "national": "全国",
        "unplaced": "未能确定地区",
    }
    assert rows["national"]["received"] == rows["national"]["succeeded"] == 1
    assert rows["unplaced"]["received"] == rows["unplaced"]["declined"] == 1


def test_the_bureau_filters_by_region_and_drills_down_to_its_cases(world, client):
    client.force_login(world["bureau"])
    page = client.get(reverse("reports-dashboard"), {"region": "11", "group": "organisation"})
    beijing = [r for r in RECORDS if r.region == "11"]
    assert page.context["totals"] == figures(beijing, "investor")
    offered = [key for key, _name in page.context["form"].fields["region"].choices]
    assert offered == ["", "11", "31", "national", "unplaced"]  # present in the facts, in GB/T 2260 order
    org = world["orgs"][1]
    query = {"metric": "declined", "region": "11", "organisation": org.pk}
    listing = client.get(reverse("reports-cases"), query)
    expected = {r.case_number for r in beijing if r.org == 1 and r.declined}
    assert 0 < len(expected) <= 50
    assert {row.d_case_number for row, _link in listing.context["rows"]} == expected
    assert 'data-testid="case-region">北京市<' in listing.content.decode()
    national = client.get(reverse("reports-cases"), {"metric": "received", "region": "national"}).context["rows"]
    assert [row.d_case_number for row, _link in national] == [r.case_number for r in RECORDS if r.region == "national"]


def test_a_region_narrows_a_regional_offices_own_figures_and_offers_only_its_regions(world, client):
    client.force_login(world["office_user"])
    page = client.get(reverse("reports-dashboard"), {"region": "31"})
    assert page.status_code == 200
    assert page.context["totals"] == figures([r for r in RECORDS if r.org < 2 and r.region == "31"], "investor")
    offered = {key for key, _name in page.context["form"].fields["region"].choices}
    assert offered == {""} | {r.region for r in RECORDS if r.org < 2}
    # The Supreme People's Court's case went to an organisation under the other office: not this office's region.
    assert "national" not in offered
    assert client.get(reverse("reports-dashboard"), {"region": "national"}).context["totals"]["received"] == 0


def test_the_periodic_reports_pdf_numbers_a_section_for_each_dimension_region_included(db):
    from sutiao.reports.periodic import SECTION_NUMBERS

    keys = [d.key for d in source().dimensions]
    assert keys[-1] == "region" and len(keys) == 6 <= len(SECTION_NUMBERS)
