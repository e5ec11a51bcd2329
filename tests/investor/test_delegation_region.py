"""Issue 13, the figures by region: a delegation's region is set when it is received, from the court's case number
(kernel.regions), as the court platform sets it from the same number; the delegations received before the column
get theirs from the migration, a chunk at a time; a row without one is refused by the database."""

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from sutiao import regions
from sutiao.investor.models import Delegation


def test_a_delegation_received_is_in_the_region_of_the_court_that_numbered_the_case(receive, org_a):
    assert receive(org_a).region == "11"  # (2026)京0105民诉前调12345号
    assert receive(org_a, court_case_number="（2026）沪0115民诉前调7号").region == "31"
    assert receive(org_a, court_case_number="（2026）最高法民终1号").region == "national"
    assert receive(org_a, court_case_number="（2026）测0民诉前调1号").region == "unplaced"


def test_a_row_without_its_region_is_refused(receive, org_a):
    delegation = receive(org_a)
    with pytest.raises(IntegrityError):
        Delegation.objects.filter(pk=delegation.pk).update(region="")


def test_the_backfill_sets_each_rows_region_chunk_by_chunk(receive, org_a):
    numbers = [
        "（2026）沪74民初3号",
        "（2026）最高法民终1号",
        "（2026）粤03民初9号",
        "（2026）测01民初2号",
        "(2026)京01民初5号",
    ]
    for number in numbers:
        receive(org_a, court_case_number=number)
    Delegation.objects.update(region="unplaced")  # as if the column had been filled wrongly
    assert regions.backfill(Delegation, "court_case_number", chunk_size=2) == len(numbers)
    assert dict(Delegation.objects.values_list("court_case_number", "region")) == dict(
        zip(numbers, ["31", "national", "44", "unplaced", "11"], strict=True)
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_the_delegations_already_received_their_region(receive, org_a):
    for number in ("（2026）沪74民初3号", "（2026）京0105民诉前调1号", "（2026）测01民初2号"):
        receive(org_a, court_case_number=number)
    executor = MigrationExecutor(connection)
    before, latest = [("investor", "0027_recording_parts")], executor.loader.graph.leaf_nodes("investor")
    executor.migrate(before)
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    assert dict(Delegation.objects.values_list("court_case_number", "region")) == {
        "（2026）沪74民初3号": "31",
        "（2026）京0105民诉前调1号": "11",
        "（2026）测01民初2号": "unplaced",
    }
    # The search index was made again from the rows after the table was rebuilt (listing.around_table_rebuild).
    from sutiao.listing import search

    assert search(Delegation.objects.all(), "沪74民初").count() == 1
