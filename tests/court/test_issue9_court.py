"""Issue 9 on the court platform: the legal defects (withdrawal, success, the parties' chosen mediator, wording),
the roles' distinct rights, and the audit record every action and inbound effect writes."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sutiao.audit.models import AuditRecord
from sutiao.court.actions import cases
from sutiao.court.actions import delegation as delegation_actions
from sutiao.court.models import Case, Mediator
from sutiao.docking.models import OutboxMessage
from sutiao.docking.schemas import MessageType
from sutiao.kernel.enums import CaseStage, ConsentMethod, MediationOutcome
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import DELEGATION, CourtState, DelegationEvent, DelegationState


def _mediating(delegated, answer):
    answer(delegated)
    case = Case.objects.get(pk=delegated.case_id)
    assert case.state == CourtState.MEDIATING
    return case


def test_L7_a_withdrawal_closes_the_case_without_filing_it(delegated, answer, result, staff):
    """《人民法院在线调解规则》Art. 25 (L7): the applicant withdrew (e.g. the parties settled) — not 调解不成."""
    _mediating(delegated, answer)
    result(delegated, MediationOutcome.WITHDRAWN, reason="双方已自行和解，申请人撤回调解申请")
    case = Case.objects.get(pk=delegated.case_id)
    assert case.state == CourtState.WITHDRAWN and case.closed_at is not None
    delegated.refresh_from_db()
    assert (delegated.state, delegated.outcome) == (DelegationState.CONCLUDED, MediationOutcome.WITHDRAWN)
    with pytest.raises(Exception, match="不允许"):
        cases.send_back_to_court(staff, case)  # closed: neither filed nor sent back to trial


def test_a_succeeded_case_closes(delegated, answer, result):
    """Success goes somewhere: the case closes (judicial confirmation and 调解书 come in a later issue)."""
    _mediating(delegated, answer)
    result(delegated, MediationOutcome.SUCCEEDED, terms="被申请人于十日内支付 80,000 元")
    case = Case.objects.get(pk=delegated.case_id)
    assert case.state == CourtState.SUCCEEDED and case.closed_at is not None


def test_L3_the_parties_chosen_mediator_travels_and_a_declined_choice_shows_why(
    staff, consented_case, organisation, court, client, from_investor, answer
):
    """《人民法院在线调解规则》Art. 10 ¶2 (L3): the mediator the parties chose binds the organisation; when it
    assigns another it says why, and the court's case page shows it."""
    from court_roster_setup import put_on_roster_bypassing_actions

    mediator = Mediator.objects.create(id=new_id(), organisation=organisation, name="黄调解", registry_version=1)
    put_on_roster_bypassing_actions(court, organisation, staff, mediator=mediator)
    cases.record_joint_choice(staff, consented_case, organisation, mediator)
    delegation = delegation_actions.delegate_case(staff, consented_case, organisation)
    assert OutboxMessage.objects.get(type=MessageType.DELEGATE).payload["mediator_id"] == str(mediator.pk)
    answer(delegation)
    from_investor(
        MessageType.MEDIATOR_ASSIGNED,
        delegation,
        mediator_id=str(new_id()),
        mediator_name="钱调解",
        assigned_at=timezone.now(),
        choice_declined_reason="黄调解与被申请人存在利害关系，已回避",
    )
    delegation.refresh_from_db()
    assert delegation.choice_declined_reason == "黄调解与被申请人存在利害关系，已回避"
    client.force_login(staff)
    page = client.get(f"/cases/{consented_case.pk}/").content.decode()
    assert 'data-testid="choice-declined"' in page and "黄调解与被申请人存在利害关系" in page


def test_wording_message_delivery_is_receipt_never_service():
    """送达 is the legal service of documents (L16); a message reaching the platform is 接收."""
    assert not [s for s in DelegationState if "送达" in s.label]
    assert DelegationState.DECLINED.label == "不予接受"


def test_wording_in_litigation_names_entrustment_and_plaintiff_defendant(staff, new_case, client):
    """委托 in litigation, 委派 before filing, wherever a label names the act; parties are 原告/被告 in
    litigation."""
    entrusted = new_case(stage=CaseStage.IN_LITIGATION, number="(2026)京0105民初9号")
    cases.ask_consent(staff, entrusted)
    for party in entrusted.parties.all():
        cases.record_consent(
            staff, entrusted, party, consented=True, method=ConsentMethod.ONLINE, answered_at=timezone.now()
        )
    entrusted.refresh_from_db()
    assert entrusted.state_label == "各方同意调解，待委托"
    client.force_login(staff)
    page = client.get(f"/cases/{entrusted.pk}/").content.decode()
    assert "各方同意调解，待委托" in page and ">原告<" in page and ">被告<" in page
    pre_filing = new_case()
    page = client.get(f"/cases/{pre_filing.pk}/").content.decode()
    assert ">申请人<" in page and "原告" not in page


def test_L22_the_notice_is_cited_by_part_and_item(staff, client):
    """L22: 法办〔2021〕313号 四（四）, not "第四条第（四）项": the notice has parts and items, not articles."""
    client.force_login(staff)
    page = client.get("/roster/").content.decode()
    assert "法办〔2021〕313号 四（四）" in page and "第四条第（四）项" not in page


def test_roles_filing_staff_act_on_cases_judges_read_admins_keep_the_roster(
    staff, judge, admin, new_case, client, push
):
    case = new_case()
    with pytest.raises(PermissionDenied):
        cases.ask_consent(judge, case)
    with pytest.raises(PermissionDenied):
        cases.ask_consent(admin, case)
    client.force_login(judge)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "case-ask-consent" not in page and "/ask-consent/" not in page  # no button the role may not press
    assert client.post(f"/cases/{case.pk}/ask-consent/").status_code == 403
    assert client.get("/cases/new/").status_code == 403
    cases.ask_consent(staff, case)

    pushed = push()
    client.force_login(staff)
    roster_page = client.get("/roster/").content.decode()
    assert 'data-testid="confirm-form"' not in roster_page
    assert (
        client.post(
            f"/roster/proposals/{pushed.proposal_id}/reject/", {f"r{pushed.proposal_id}-reason": "x"}
        ).status_code
        == 403
    )
    client.force_login(admin)
    assert 'data-testid="confirm-form"' in client.get("/roster/").content.decode()


def test_audit_every_delegation_of_a_batch_has_its_record(staff, appointable_case, new_case, organisation):
    second = new_case()
    cases.ask_consent(staff, second)
    for party in second.parties.all():
        cases.record_consent(
            staff, second, party, consented=True, method=ConsentMethod.ONLINE, answered_at=timezone.now()
        )
    cases.record_appointment_request(staff, second)  # L3: the parties asked the court to appoint
    delegation_actions.delegate_cases(staff, [appointable_case.pk, second.pk], organisation)
    records = AuditRecord.objects.filter(action="delegation.delegate")
    assert sorted(r.case for r in records) == sorted([str(appointable_case.pk), str(second.pk)])
    assert all(
        r.before == {"state": CourtState.CONSENTED} and r.after["state"] == CourtState.DELEGATED for r in records
    )
    assert records[0].actor_id == str(staff.pk)


def test_audit_inbound_effects_name_the_peer(delegated, answer):
    answer(delegated)
    record = AuditRecord.objects.get(action="delegation.answer")
    assert record.actor == "investor-platform" and record.role == "system"
    assert record.before["state"] == CourtState.DELEGATED and record.after["state"] == CourtState.MEDIATING


def test_audit_exporting_the_roster_is_recorded(staff, organisation, client):
    client.force_login(staff)
    response = client.get("/roster/export.xlsx")
    assert response.status_code == 200
    from openpyxl import load_workbook

    assert load_workbook(BytesIO(response.content)).sheetnames == ["特邀调解组织", "特邀调解员"]
    record = AuditRecord.objects.get(action="roster.export")
    assert record.actor_id == str(staff.pk) and record.after == {"entries": 1}


def test_the_delegation_machine_allows_no_answer_after_a_recall():
    assert DelegationEvent.ACCEPTED not in DELEGATION.allowed_events(DelegationState.RECALLED)
    assert DELEGATION.next_state(DelegationState.RECEIVED, DelegationEvent.ANSWER_OVERDUE) == DelegationState.OVERDUE


def test_consent_in_the_future_is_refused(staff, new_case):
    case = new_case()
    cases.ask_consent(staff, case)
    from sutiao.kernel.errors import DomainError

    with pytest.raises(DomainError):
        cases.record_consent(
            staff,
            case,
            case.parties.first(),
            consented=True,
            method=ConsentMethod.ONLINE,
            answered_at=timezone.now() + dt.timedelta(hours=1),
        )
