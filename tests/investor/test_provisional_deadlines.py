"""The investor platform's provisional answer deadlines on the operators' pages (LEGAL-RULES L21; issue 9 §4)."""

import datetime as dt

from sutiao.investor.models import Delegation
from sutiao.kernel.calendar import CHINA
from sutiao.kernel.workflow import InvestorState
from sutiao.workdays.selectors import answer_deadline, holiday_arrangement_status


def _received_on_bypassing_actions(delegation, received_at):
    """Writes the row directly: the docking stamps receipt with the real clock, and the test needs late December."""
    deadline = answer_deadline(received_at)
    Delegation.objects.filter(pk=delegation.pk).update(
        received_at=received_at, answer_due=deadline.due, answer_due_provisional=deadline.provisional
    )
    delegation.refresh_from_db()
    return delegation


def test_l21_operators_see_the_provisional_answer_deadlines_of_the_organisations(operator_client, receive, org_a):
    """L21: 2026-12-25 + 5 working days = 2027-01-04, provisional, listed with a link to the delegation."""
    delegation = _received_on_bypassing_actions(receive(org_a), dt.datetime(2026, 12, 25, 10, tzinfo=CHINA))
    assert (delegation.answer_due, delegation.answer_due_provisional) == (dt.date(2027, 1, 4), True)
    status = holiday_arrangement_status(dt.date(2026, 12, 1))
    assert status.total == 1 and status.deadlines[0].url == f"/delegations/{delegation.id}/"
    for url in ("/docking/operations/", "/admin/workdays/holidayyear/"):
        page = operator_client.get(url).content.decode()
        assert 'data-testid="holiday-warning"' in page
        assert f'href="/delegations/{delegation.id}/"' in page and "2027年1月4日" in page
        assert f"{delegation.court_case_number}：{org_a.name}答复期限" in page


def test_l21_an_answered_delegation_is_no_longer_listed(receive, org_a, db):
    delegation = _received_on_bypassing_actions(receive(org_a), dt.datetime(2026, 12, 25, 10, tzinfo=CHINA))
    Delegation.objects.filter(pk=delegation.pk).update(state=InvestorState.ACCEPTED)  # bypassing actions
    assert holiday_arrangement_status(dt.date(2026, 12, 1)).total == 0
