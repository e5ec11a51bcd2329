"""Issue 13 §5, the court's half of the signed statistics message: its delegations to the investor platform's
organisations, made in the period, by court, organisation, kind and shared state — the court's own states named
as the investor platform names them — and how many have a message to the peer not yet confirmed."""

import datetime as dt

from django.utils import timezone

from sutiao.court.models import Delegation
from sutiao.court.selectors import delegation_statistics
from sutiao.docking.models import OutboxMessage, OutboxStatus
from sutiao.kernel.calendar import china_today


def _rows(investor, start=None, end=None):
    today = china_today()
    rows = delegation_statistics(investor.peer, start or today, end or today)
    return {(r["court"], r["organisation"], r["kind"], r["state"]): (r["count"], r["in_flight"]) for r in rows}


def test_a_delegation_counts_as_pending_on_its_way_then_accepted_once_delivered(
    delegated, court, organisation, investor, answer
):
    key = (str(court.pk), str(organisation.pk), delegated.kind, "pending")
    assert _rows(investor) == {key: (1, 1)}  # the DELEGATE waits in the outbox
    OutboxMessage.objects.filter(case=delegated.case_id).update(status=OutboxStatus.DELIVERED)
    assert _rows(investor) == {key: (1, 0)}
    answer(delegated)
    assert _rows(investor) == {key[:3] + ("accepted",): (1, 0)}


def test_overdue_is_named_withdrawn_as_the_investor_platform_names_it_and_other_days_do_not_count(
    delegated, investor, court
):
    Delegation.objects.filter(pk=delegated.pk).update(state="overdue")
    assert [v for k, v in _rows(investor).items() if k[3] == "withdrawn"] == [(1, 1)]
    yesterday = china_today() - dt.timedelta(days=1)
    assert _rows(investor, yesterday, yesterday) == {}
    Delegation.objects.filter(pk=delegated.pk).update(sent_at=timezone.now() + dt.timedelta(days=2))
    assert _rows(investor) == {}


def test_the_joint_page_looks_names_up_by_id_for_the_lines_it_shows(court, organisation):
    from sutiao.reports.facts import source

    assert source().names("court", [str(court.pk), "not-an-id"]) == {str(court.pk): court.name}
    assert source().names("organisation", {str(organisation.pk)}) == {str(organisation.pk): organisation.name}
    assert source().names("mediator", [str(organisation.pk)]) == {} and source().names("court", []) == {}
