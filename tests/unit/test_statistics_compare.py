"""Issue 13 §5: the reconciliation line of the joint meeting's figures (docking.statistics.compare) — every group
whose counts differ, and whether messages on their way explain it."""

import datetime as dt
import uuid

from sutiao.docking.schemas import Statistics
from sutiao.docking.statistics import REGION_KEY, compare, compare_regions, merge

COURT, ORG = str(uuid.UUID(int=1)), str(uuid.UUID(int=2))


def _statistics(rows) -> Statistics:
    return Statistics(
        start=dt.date(2026, 7, 1),
        end=dt.date(2026, 9, 30),
        as_of=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
        rows=merge(((COURT, ORG, "delegation", state), count, in_flight) for state, count, in_flight in rows),
    )


def test_states_with_one_shared_name_are_added_together():
    # The court's "recalled" and "overdue" are both "withdrawn" to the investor platform.
    rows = merge([((COURT, ORG, "delegation", "withdrawn"), 2, 0), ((COURT, ORG, "delegation", "withdrawn"), 3, 1)])
    assert [(r["state"], r["count"], r["in_flight"]) for r in rows] == [("withdrawn", 5, 1)]


def test_equal_counts_give_no_line():
    same = [("pending", 3, 0), ("concluded:succeeded", 5, 0)]
    assert compare(_statistics(same), _statistics(same)) == []


def test_a_result_on_its_way_explains_the_difference_it_makes():
    ours = _statistics([("accepted", 4, 0)])  # the court: the result has not arrived
    theirs = _statistics([("accepted", 3, 0), ("concluded:succeeded", 1, 1)])  # the organisation sent it
    lines = compare(ours, theirs)
    # Both lines are the one delegation on its way from "accepted" to "succeeded" at the court.
    assert [(line.state, line.ours, line.theirs, line.theirs_in_flight, line.unexplained) for line in lines] == [
        ("accepted", 4, 3, 1, False),
        ("concluded:succeeded", 0, 1, 1, False),
    ]


def test_a_difference_no_message_explains_is_flagged():
    lines = compare(_statistics([("declined", 2, 0)]), _statistics([("declined", 1, 0), ("pending", 1, 0)]))
    assert {(line.state, line.unexplained) for line in lines} == {("declined", True), ("pending", True)}


def test_a_message_on_its_way_for_another_organisation_explains_nothing_here():
    other = str(uuid.UUID(int=3))
    ours = _statistics([("pending", 2, 0)])
    theirs = _statistics([("pending", 1, 0)])
    theirs.rows.append(theirs.rows[0].model_copy(update={"organisation": uuid.UUID(other), "in_flight": 1}))
    lines = [line for line in compare(ours, theirs) if line.organisation == ORG]
    assert [(line.ours, line.theirs, line.unexplained) for line in lines] == [(2, 1, True)]


# --- by region (Statistics.cases_by_region): the same comparison, keyed by the case's region, kind and state ---


def _by_region(rows, *, sent=True) -> Statistics:
    """Statistics whose cases by region are `rows` of (region, state, count, in flight); none if not `sent`."""
    groups = [((region, "delegation", state), n, moving) for region, state, n, moving in rows]
    merged = merge(groups, key=REGION_KEY)
    for row in merged:
        row["region_name"] = {"11": "北京市", "31": "上海市"}[row["region"]]
    return Statistics.model_validate({**_statistics([]).model_dump(), "cases_by_region": merged if sent else None})


def test_a_region_line_is_explained_only_by_messages_of_the_same_region_and_path():
    ours = _by_region([("11", "accepted", 2, 0), ("31", "pending", 1, 0)])
    theirs = _by_region([("11", "accepted", 1, 0), ("11", "concluded:succeeded", 1, 1), ("31", "pending", 2, 0)])
    lines = compare_regions(ours, theirs)
    assert [(line.region, line.state, line.ours, line.theirs, line.unexplained) for line in lines] == [
        ("11", "accepted", 2, 1, False),  # the result on its way from Beijing's organisation
        ("11", "concluded:succeeded", 0, 1, False),
        ("31", "pending", 1, 2, True),  # nothing on its way in Shanghai: the case-by-case reconciliation finds it
    ]


def test_no_region_line_when_either_side_sent_no_cases_by_region():
    ours = _by_region([("11", "pending", 1, 0)])
    assert compare_regions(ours, _by_region([], sent=False)) == []
    assert compare_regions(_by_region([], sent=False), ours) == []
    assert compare_regions(ours, _by_region([("11", "pending", 1, 0)])) == []
