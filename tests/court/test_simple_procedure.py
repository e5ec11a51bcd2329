"""L6: a filed case the court hears under simple procedure, when entrusted (委托), is mediated within 7 days,
not 15 — the court says so when it registers the case, and the delegation carries it to the organisation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from sutiao.court.actions import cases
from sutiao.court.actions import delegation as delegation_actions
from sutiao.docking.models import OutboxMessage
from sutiao.docking.outbox import envelope_of
from sutiao.docking.schemas import MESSAGE_ADAPTER, MessageType
from sutiao.kernel.enums import CaseStage, ConsentMethod, DisputeType, PartyKind, PartyRole
from sutiao.kernel.errors import DomainError
from sutiao.kernel.mediation import period_rule


def _register(staff, stage, simple, number=""):
    return cases.register_case(
        staff,
        stage=stage,
        dispute_type=DisputeType.MISREPRESENTATION,
        amount=Decimal("5000.00"),
        litigation_number=number,
        simple_procedure=simple,
        parties=[
            cases.PartyInput(PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, "周八"),
            cases.PartyInput(PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, "某某证券股份有限公司"),
        ],
        claims=[cases.ClaimInput("赔偿投资差额损失", Decimal("5000.00"))],
    )


def test_L6_an_entrusted_simple_procedure_case_carries_its_seven_day_period(staff, organisation, own_key):
    case = _register(staff, CaseStage.IN_LITIGATION, True, number="（2026）京0105民初777号")
    cases.ask_consent(staff, case)
    for party in case.parties.all():
        cases.record_consent(
            staff, case, party, consented=True, method=ConsentMethod.PHONE, answered_at=timezone.now() - dt.timedelta(1)
        )
    cases.record_appointment_request(staff, case)  # L3: the parties asked the court to appoint
    delegation_actions.delegate_case(staff, case, organisation)
    message = OutboxMessage.objects.get(type=MessageType.DELEGATE, case=case.id)  # stored payloads are encrypted
    payload = MESSAGE_ADAPTER.validate_python(envelope_of(message)).payload
    assert payload.simple_procedure is True
    assert period_rule(payload.kind, payload.simple_procedure).length == 7


def test_L6_a_case_not_yet_filed_has_no_simple_procedure(staff):
    with pytest.raises(DomainError, match="诉前调解案件尚未立案，不适用简易程序"):
        _register(staff, CaseStage.PRE_FILING, True)
    assert not _register(staff, CaseStage.PRE_FILING, False).simple_procedure
