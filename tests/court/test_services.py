import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sutiao.court import inbound
from sutiao.court.actions import cases
from sutiao.court.actions import delegation as delegation_actions
from sutiao.court.models import Case, Delegation
from sutiao.docking.models import OutboxMessage
from sutiao.docking.outbox import envelope_of
from sutiao.docking.schemas import MESSAGE_ADAPTER, MessageType
from sutiao.kernel.calendar import CHINA
from sutiao.kernel.enums import CaseStage, ConsentMethod, MediationOutcome
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import CourtState, DelegationState
from sutiao.workdays.services import load_holiday_year


def delegate_message(delegation) -> OutboxMessage:
    # Stored payloads are encrypted (docs/personal-data.md): found by case in SQL, by delegation id in Python.
    [message] = [
        m
        for m in OutboxMessage.objects.filter(type=MessageType.DELEGATE, case=delegation.case_id)
        if m.payload["delegation_id"] == str(delegation.pk)
    ]
    return message


def test_registration_numbers_cases_in_the_courts_format(new_case):
    first, second = new_case(), new_case()
    year = timezone.localdate().year
    assert first.number == f"({year})京0105民诉前调1号"
    assert second.number == f"({year})京0105民诉前调2号"
    assert first.state == CourtState.APPLIED
    assert first.events.count() == 1


def test_entrustment_in_litigation_keeps_the_litigation_number(new_case):
    case = new_case(stage=CaseStage.IN_LITIGATION, number="(2026)京0105民初888号")
    assert case.number == "(2026)京0105民初888号"
    assert case.delegation_kind.label == "委托调解"
    with pytest.raises(DomainError, match="须填写本案案号"):
        new_case(stage=CaseStage.IN_LITIGATION)


def test_delegation_is_impossible_without_every_partys_consent(staff, new_case, organisation):
    case = new_case()
    cases.ask_consent(staff, case)
    applicant, respondent = case.parties.all()
    cases.record_consent(
        staff, case, applicant, consented=True, method=ConsentMethod.ONLINE, answered_at=timezone.now()
    )
    cases.record_consent(
        staff, case, respondent, consented=False, method=ConsentMethod.PHONE, answered_at=timezone.now()
    )
    with pytest.raises(DomainError) as refused:
        delegation_actions.delegate_case(staff, case, organisation)
    assert refused.value.message == "未取得以下当事人同意调解的意见，不能委派/委托：某某药业股份有限公司"
    assert not OutboxMessage.objects.exists()
    assert not Delegation.objects.exists()
    case.refresh_from_db()
    assert case.state == CourtState.AWAITING_CONSENT


def test_delegation_writes_state_and_message_together(delegated):
    case = delegated.case
    case.refresh_from_db()
    assert case.state == CourtState.DELEGATED
    message = OutboxMessage.objects.get()
    assert (message.type, message.seq, message.case) == (MessageType.DELEGATE, 1, case.id)
    parsed = MESSAGE_ADAPTER.validate_python(envelope_of(message))
    assert parsed.payload.kind == "delegation"
    assert parsed.payload.court_case_number == case.number
    assert {c.party for c in parsed.payload.consent} == {"李四", "某某药业股份有限公司"}
    assert parsed.payload.amount == Decimal("125000.00")


def test_refused_delegation_leaves_nothing_behind(staff, delegated, organisation):
    with pytest.raises(DomainError):
        delegation_actions.delegate_case(staff, delegated.case, organisation)  # already delegated
    assert OutboxMessage.objects.count() == 1


def _received(receipts):
    inbound.on_delegate_delivered(receipts)


def _receipt(delegation, received_at):
    message = delegate_message(delegation)
    return message, {"message_id": str(message.id), "status": "applied", "received_at": received_at.isoformat()}


def test_answer_deadline_runs_from_the_investor_platforms_receipt(delegated):
    _received([_receipt(delegated, dt.datetime(2026, 9, 30, 10, tzinfo=CHINA))])
    delegated.refresh_from_db()
    assert delegated.state == DelegationState.RECEIVED
    assert delegated.answer_due == dt.date(2026, 10, 13)
    assert delegated.answer_due_provisional is False


def test_provisional_deadline_is_recomputed_when_the_year_is_loaded(delegated):
    _received([_receipt(delegated, dt.datetime(2026, 12, 28, 9, tzinfo=CHINA))])
    delegated.refresh_from_db()
    # L21: 元旦 rests even before 2027 is loaded (12-29, 12-30, 12-31, 01-04, 01-05)
    assert (delegated.answer_due, delegated.answer_due_provisional) == (dt.date(2027, 1, 5), True)
    load_holiday_year(
        None,
        2027,
        "国务院办公厅关于2027年部分节假日安排的通知（测试）",
        rest_days=[dt.date(2027, 1, 1)],
        working_weekend_days=[],
    )
    delegated.refresh_from_db()
    assert (delegated.answer_due, delegated.answer_due_provisional) == (dt.date(2027, 1, 5), False)


def test_unanswered_delegation_is_flagged_at_midnight_after_the_last_day(delegated):
    _received([_receipt(delegated, dt.datetime(2026, 9, 30, 10, tzinfo=CHINA))])
    assert delegation_actions.flag_overdue_answers(dt.datetime(2026, 10, 13, 23, 59, tzinfo=CHINA)) == 0
    assert delegation_actions.flag_overdue_answers(dt.datetime(2026, 10, 14, 0, 0, tzinfo=CHINA)) == 1
    delegated.refresh_from_db()
    case = Case.objects.get(pk=delegated.case_id)
    assert delegated.state == DelegationState.OVERDUE
    assert case.state == CourtState.RETURNED
    withdrawal = OutboxMessage.objects.get(type=MessageType.DELEGATION_WITHDRAWN)
    assert withdrawal.seq == 2 and "逾期未答复" in withdrawal.payload["reason"]
    assert delegation_actions.flag_overdue_answers(dt.datetime(2026, 10, 20, tzinfo=CHINA)) == 0  # once only


def test_staff_of_another_court_can_neither_act_nor_see(other_staff, delegated, client):
    with pytest.raises(PermissionDenied):
        delegation_actions.recall_delegation(other_staff, delegated.case, "测试")
    client.force_login(other_staff)
    assert client.get(f"/cases/{delegated.case_id}/").status_code == 404
    assert client.post(f"/cases/{delegated.case_id}/back-to-court/").status_code == 404


def test_failed_pre_filing_case_is_filed(staff, delegated, answer, result):
    _received([_receipt(delegated, timezone.now())])
    answer(delegated)
    result(delegated, MediationOutcome.FAILED, reason="被申请人不同意赔偿方案")
    case = cases.send_back_to_court(staff, delegated.case)
    assert case.state == CourtState.FILED
    assert case.closed_at is not None


def test_many_cases_are_delegated_all_or_none(staff, new_case, appointable_case, organisation):
    def consent_all(case):
        cases.ask_consent(staff, case)
        for party in case.parties.all():
            cases.record_consent(
                staff, case, party, consented=True, method=ConsentMethod.ONLINE, answered_at=timezone.now()
            )
        return cases.record_appointment_request(staff, case)  # L3: the parties asked the court to appoint

    ready = [appointable_case, consent_all(new_case()), consent_all(new_case())]
    unasked = new_case()
    with pytest.raises(DomainError) as refused:
        delegation_actions.delegate_cases(staff, [c.pk for c in [*ready, unasked]], organisation)
    assert refused.value.message == (
        f"1 件案件不能委派/委托，均未委派/委托：{unasked.number}："
        "未取得以下当事人同意调解的意见，不能委派/委托：李四、某某药业股份有限公司"
    )
    assert not Delegation.objects.exists() and not OutboxMessage.objects.exists()
    delegations = delegation_actions.delegate_cases(staff, [c.pk for c in ready], organisation)
    assert len(delegations) == 3
    assert sorted(OutboxMessage.objects.values_list("seq", flat=True)) == [1, 1, 1]
    assert set(Case.objects.filter(pk__in=[c.pk for c in ready]).values_list("state", flat=True)) == {
        CourtState.DELEGATED
    }


def test_L21_no_automatic_withdrawal_on_a_provisional_deadline(delegated):
    """L21: a deadline in a year whose arrangement is unknown is provisional; the overdue scan leaves it."""
    _received([_receipt(delegated, dt.datetime(2026, 12, 28, 9, tzinfo=CHINA))])
    delegated.refresh_from_db()
    assert delegated.answer_due_provisional
    assert delegation_actions.flag_overdue_answers(dt.datetime(2027, 1, 20, tzinfo=CHINA)) == 0
    delegated.refresh_from_db()
    assert delegated.state == DelegationState.RECEIVED


def test_recalling_a_case_never_delegated_is_refused_not_a_server_error(staff, consented_case, client):
    """Found by the permission matrix walk (issue 14): a recall of a case with no delegation raised AttributeError
    (500 from the API) instead of a refusal."""
    from token_setup import api_token

    with pytest.raises(DomainError):
        delegation_actions.recall_delegation(staff, consented_case, "测试")
    response = client.post(
        f"/api/v1/cases/{consented_case.pk}/recall",
        {"reason": "测试"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_token(staff)}"},
    )
    assert response.status_code == 400 and response.json()["error"] == "refused"
