"""Deadlines in a year whose holiday arrangement is not loaded yet (LEGAL-RULES L21; issue 9 §4): they are
provisional, nothing irreversible happens on them, and the operators are warned and shown the first ones."""

import datetime as dt

from django.utils import translation

from sutiao.audit.models import AuditRecord
from sutiao.court import inbound
from sutiao.court.actions import cases
from sutiao.court.actions import delegation as delegation_actions
from sutiao.court.models import Case
from sutiao.docking.models import OutboxMessage
from sutiao.docking.schemas import MessageType
from sutiao.kernel.calendar import CHINA
from sutiao.kernel.workflow import CourtState, DelegationState
from sutiao.workdays.selectors import holiday_arrangement_status
from sutiao.workdays.services import load_holiday_year


def delegate_message(delegation) -> OutboxMessage:
    # Stored payloads are encrypted (docs/personal-data.md): found by case in SQL, by delegation id in Python.
    [message] = [
        m
        for m in OutboxMessage.objects.filter(type=MessageType.DELEGATE, case=delegation.case_id)
        if m.payload["delegation_id"] == str(delegation.pk)
    ]
    return message


NEW_YEAR_2027 = dict(rest_days=[dt.date(2027, 1, 1)], working_weekend_days=[])


def _received(delegation, received_at):
    message = delegate_message(delegation)
    receipt = {"message_id": str(message.id), "status": "applied", "received_at": received_at.isoformat()}
    inbound.on_delegate_delivered([(message, receipt)])
    delegation.refresh_from_db()
    return delegation


def test_l21_no_automatic_withdrawal_on_a_provisional_deadline(delegated):
    """L21: 2026-12-25 + 5 working days = 2027-01-04, provisional; the overdue scan leaves it alone until 2027 is
    loaded, then withdraws it as usual."""
    delegation = _received(delegated, dt.datetime(2026, 12, 25, 10, tzinfo=CHINA))
    assert (delegation.answer_due, delegation.answer_due_provisional) == (dt.date(2027, 1, 4), True)
    assert delegation_actions.flag_overdue_answers(dt.datetime(2027, 1, 20, tzinfo=CHINA)) == 0
    delegation.refresh_from_db()
    assert delegation.state == DelegationState.RECEIVED
    assert not OutboxMessage.objects.filter(type=MessageType.DELEGATION_WITHDRAWN).exists()

    load_holiday_year(None, 2027, "国务院办公厅关于2027年部分节假日安排的通知（测试）", **NEW_YEAR_2027)
    delegation.refresh_from_db()
    assert (delegation.answer_due, delegation.answer_due_provisional) == (dt.date(2027, 1, 4), False)
    # Loading the year and what it recomputed are both on the audit log.
    assert AuditRecord.objects.get(action="workdays.load_year").after["rest_days"] == ["2027-01-01"]
    recomputed = AuditRecord.objects.get(action="delegation.recompute_answer_due", object_id=str(delegation.pk))
    assert recomputed.case == str(delegation.case_id) and recomputed.before["answer_due_provisional"] is True
    assert delegation_actions.flag_overdue_answers(dt.datetime(2027, 1, 4, 23, 59, tzinfo=CHINA)) == 0
    assert delegation_actions.flag_overdue_answers(dt.datetime(2027, 1, 5, tzinfo=CHINA)) == 1
    assert Case.objects.get(pk=delegation.case_id).state == CourtState.RETURNED


def test_l21_next_years_arrangement_is_wanted_from_1_december(db):
    """L21: this year's arrangement all year, next year's from 1 December (years no package knows)."""
    assert holiday_arrangement_status(dt.date(2040, 11, 30)).missing_years == [2040]
    assert holiday_arrangement_status(dt.date(2040, 12, 1)).missing_years == [2040, 2041]
    load_holiday_year(None, 2041, "通知（测试）", rest_days=[dt.date(2041, 1, 1)], working_weekend_days=[])
    assert holiday_arrangement_status(dt.date(2040, 12, 1)).missing_years == [2040]
    assert holiday_arrangement_status(dt.date(2026, 6, 1)).missing_years == []  # chinese-calendar knows 2026


def test_l21_the_provisional_deadlines_due_first_are_listed_and_counted(staff, new_case, organisation, delegated):
    """L21: the list is limited and ordered by due date; the count says how many there are in all."""
    later = delegation_actions.delegate_case(staff, _consented(staff, new_case()), organisation)
    _received(later, dt.datetime(2026, 12, 30, 10, tzinfo=CHINA))  # due 2027-01-07
    _received(delegated, dt.datetime(2026, 12, 25, 10, tzinfo=CHINA))  # due 2027-01-04
    status = holiday_arrangement_status(dt.date(2026, 12, 1), limit=1)
    assert status.total == 2
    assert [(row.due, row.url) for row in status.deadlines] == [
        (dt.date(2027, 1, 4), f"/cases/{delegated.case_id}/"),
    ]


def _consented(staff, case):
    from django.utils import timezone

    from sutiao.kernel.enums import ConsentMethod

    cases.ask_consent(staff, case)
    for party in case.parties.all():
        cases.record_consent(
            staff, case, party, consented=True, method=ConsentMethod.PHONE, answered_at=timezone.now(), note=""
        )
    case = cases.record_appointment_request(staff, case)  # L3: the parties asked the court to appoint
    return case


def test_l21_operators_pages_warn_and_list_the_provisional_deadlines(operator_client, delegated):
    """L21: the docking operations page and the holiday table in the admin, in Chinese and in English."""
    _received(delegated, dt.datetime(2026, 12, 25, 10, tzinfo=CHINA))
    status = holiday_arrangement_status()
    for url in ("/docking/operations/", "/admin/workdays/holidayyear/"):
        page = operator_client.get(url).content.decode()
        assert 'data-testid="holiday-warning"' in page
        assert f'href="/cases/{delegated.case_id}/"' in page and "2027年1月4日" in page
        assert f"{delegated.case.number}：{delegated.organisation.name}答复期限" in page
        assert page.count('data-testid="missing-year"') == len(status.missing_years)
        for year in status.missing_years:
            assert f"尚未录入 {year} 年节假日安排" in page
    with translation.override("en"):
        page = operator_client.get("/docking/operations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "answer deadline of" in page and "provisional deadlines in all" in page


def test_l21_no_warning_once_the_wanted_years_are_loaded_and_nothing_is_provisional(operator_client, db):
    for year in holiday_arrangement_status().missing_years:
        load_holiday_year(None, year, "通知（测试）", rest_days=[dt.date(year, 1, 1)], working_weekend_days=[])
    assert not holiday_arrangement_status().needs_attention
    for url in ("/docking/operations/", "/admin/workdays/holidayyear/"):
        assert 'data-testid="holiday-warning"' not in operator_client.get(url).content.decode()
