"""Issue 13, the figures by region: a case's region is set when it is registered, from its number (the court's code:
kernel.regions), as the investor platform sets it from the same number; the cases registered before the column get
theirs from the migration, a chunk at a time; a row without one is refused by the database."""

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from sutiao import regions
from sutiao.court.models import Case
from sutiao.kernel.enums import CaseStage


def test_a_case_registered_before_filing_is_in_its_courts_province(new_case):
    case = new_case()
    assert case.number.startswith(f"({case.registered_at.year})京0105民诉前调")
    assert Case.objects.get(pk=case.pk).region == "11"


def test_a_case_in_litigation_is_in_the_region_its_number_names(new_case):
    assert new_case(CaseStage.IN_LITIGATION, "（2026）沪74民初3号").region == "31"
    assert new_case(CaseStage.IN_LITIGATION, "（2026）最高法民终1号").region == "national"
    assert new_case(CaseStage.IN_LITIGATION, "（2026）测01民初2号").region == "unplaced"


def test_a_row_without_its_region_is_refused(new_case):
    case = new_case()
    with pytest.raises(IntegrityError):
        Case.objects.filter(pk=case.pk).update(region="")


def test_the_backfill_sets_each_rows_region_chunk_by_chunk(new_case):
    numbers = [
        "（2026）沪74民初3号",
        "（2026）最高法民终1号",
        "（2026）粤03民初9号",
        "（2026）测01民初2号",
        "(2026)京01民初5号",
    ]
    made = [new_case(CaseStage.IN_LITIGATION, n) for n in numbers] + [new_case()]
    Case.objects.update(region="unplaced")  # as if the column had been filled wrongly
    assert regions.backfill(Case, "number", chunk_size=2) == len(made)
    assert dict(Case.objects.values_list("number", "region")) == {
        numbers[0]: "31",
        numbers[1]: "national",
        numbers[2]: "44",
        numbers[3]: "unplaced",
        numbers[4]: "11",
        made[-1].number: "11",
    }


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_the_cases_already_registered_their_region(court, staff):
    executor = MigrationExecutor(connection)
    before, latest = [("court", "0016_mediator_training")], executor.loader.graph.leaf_nodes("court")
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("court", "Case")
    for i, number in enumerate(["（2026）沪74民初3号", "（2026）京0105民诉前调1号", "（2026）测01民初2号"]):
        old.objects.create(
            court_id=court.pk,
            number=number,
            stage="in_litigation",
            dispute_type="misrepresentation",
            amount=i,
            registered_by_id=staff.pk,
        )
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    assert dict(Case.objects.values_list("number", "region")) == {
        "（2026）沪74民初3号": "31",
        "（2026）京0105民诉前调1号": "11",
        "（2026）测01民初2号": "unplaced",
    }
    # The search index was made again after the table was rebuilt (listing.around_table_rebuild): a case is found.
    from sutiao.court.search import index_cases
    from sutiao.listing import search

    index_cases(list(Case.objects.values_list("pk", flat=True)))
    assert search(Case.objects.all(), "沪74民初").count() == 1
