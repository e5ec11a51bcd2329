"""The mediation agreement on the investor platform (issue 11 §1, §3; LEGAL-RULES L10): drafted from the dispute
type's template, versioned, frozen for signing, in force when every party signed, performed term by term with the
obligor reminded once and the court told; each action refused to whoever may not take it."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from documents_checks import sandbox  # noqa: F401 (the fixture)
from sutiao.accounts import parties
from sutiao.accounts.models import ActOnBehalf, AgentScope, Role, User
from sutiao.accounts.pii import id_number_digest
from sutiao.audit.models import AuditRecord
from sutiao.docking.models import OutboxMessage
from sutiao.docking.schemas import MessageType
from sutiao.documents.storage import open_verified
from sutiao.investor.actions import agreements as actions
from sutiao.investor.actions import delegations as delegation_actions
from sutiao.investor.actions import mediation as mediation_actions
from sutiao.investor.agreements.models import (
    Agreement,
    AgreementTerm,
    AgreementVersion,
    FrozenVersion,
    PerformanceStep,
)
from sutiao.investor.mediation.models import Mediation
from sutiao.kernel.agreement import DEFAULT_DUE_DAYS, UNDISPUTED_DAYS, TermStatus
from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import MediationOutcome, PartyKind
from sutiao.kernel.errors import DomainError
from sutiao.kernel.mediation import TerminationGround
from sutiao.kernel.workflow import AgreementState
from sutiao.notifications.models import Notification

APPLICANT_ID, RESPONDENT_ID = "110105198001010016", "91110000100000000R"


def _parties():
    return [
        {"role": "applicant", "kind": "natural_person", "name": "李四", "id_number": APPLICANT_ID},
        {"role": "respondent", "kind": "legal_person", "name": "某某药业股份有限公司", "id_number": RESPONDENT_ID},
    ]


@pytest.fixture
def case(sandbox, receive, org_a, admin_a, mediator_a):  # noqa: F811
    """A delegation accepted, the mediator assigned, both parties' accounts linked."""
    delegation = receive(org_a, parties=_parties())
    delegation_actions.accept_delegation(admin_a, delegation)
    delegation_actions.assign_mediator(admin_a, delegation, mediator_a)
    party_a = parties.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="李四",
        id_number=APPLICANT_ID,
        mobile="13800000001",
        username="li_si",
        password="x-long-password",
    ).user
    party_b = User.objects.create_user("drug_co", password="x-long-password", role=Role.PARTY, full_name="某某药业")
    assert mediation_actions.link_party_account(party_a, id_number_digest(APPLICANT_ID)) == 1
    assert mediation_actions.link_party_account(party_b, id_number_digest(RESPONDENT_ID)) == 1
    mediation = Mediation.objects.get(pk=delegation.pk)
    row_a, row_b = mediation.parties.order_by("id")
    return mediation, party_a, party_b, row_a, row_b


def _terms(row_a, row_b, amount="80000.00", due=None):
    due = due or china_today() + dt.timedelta(days=10)
    return [
        actions.TermInput(row_b.pk, row_a.pk, "payment", "赔偿投资差额损失", Decimal(amount), due),
        actions.TermInput(row_b.pk, row_a.pk, "performance", "在官网发布更正公告", None, due),
    ]


def _move_due_bypassing_actions(terms, due):
    """Time passes (or a draft grows old): the terms' due date moved straight in the database, which no action
    may do once a version exists."""
    AgreementTerm.objects.filter(pk__in=[t.pk for t in terms]).update(due=due)


def _sent(message_type):
    return [m.payload for m in OutboxMessage.objects.filter(type=message_type).order_by("seq")]


def _effective(case, mediator):
    """An agreement in force: drafted, revised, submitted, and signed by both parties through the signing flow's
    entry point (signature_recorded)."""
    mediation, _, _, row_a, row_b = case
    agreement = actions.draft_agreement(mediator, mediation)
    actions.revise_agreement(mediator, agreement, "双方同意如下。", _terms(row_a, row_b), "按协商结果修改")
    actions.submit_for_signing(mediator, agreement)
    actions.signature_recorded(agreement, row_a, timezone.now())
    actions.signature_recorded(agreement, row_b, timezone.now())
    agreement.refresh_from_db()
    return agreement


def test_l10_drafted_from_the_template_filled_from_the_case(case, mediator_a):
    mediation, *_, row_a, row_b = case
    agreement = actions.draft_agreement(mediator_a, mediation)
    version = agreement.current
    assert agreement.state == AgreementState.DRAFT and version.number == 1
    assert "李四与某某药业股份有限公司证券虚假陈述责任纠纷一案" in version.clauses
    assert "赔偿投资差额损失（125,000.00元）" in version.clauses
    (term,) = version.terms.all()
    assert (term.obligor_id, term.obligee_id, term.amount) == (row_b.pk, row_a.pk, Decimal("125000.00"))
    assert term.due == china_today() + dt.timedelta(days=DEFAULT_DUE_DAYS)
    # The version's PDF is stored with its hash, and the bytes are the version's own rendering.
    with open_verified(version.pdf) as f:
        data = f.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == version.sha256 == version.pdf.sha256
    assert actions.render_version(mediation, version, list(version.terms.all())) == data
    assert AuditRecord.objects.filter(action="agreement.draft").exists()
    with pytest.raises(DomainError, match="已有调解协议"):
        actions.draft_agreement(mediator_a, mediation)


def test_each_revision_is_a_new_version_and_the_old_ones_stay(case, mediator_a):
    mediation, *_, row_a, row_b = case
    agreement = actions.draft_agreement(mediator_a, mediation)
    v2 = actions.revise_agreement(mediator_a, agreement, "第二稿条款", _terms(row_a, row_b), "减少金额")
    v3 = actions.revise_agreement(mediator_a, agreement, "第三稿条款", _terms(row_a, row_b, "70000"), "再减")
    agreement.refresh_from_db()
    assert agreement.current == v3 and [v.number for v in agreement.versions.all()] == [3, 2, 1]
    assert [t.amount for t in v2.terms.all()] == [Decimal("80000.00"), None]
    assert v3.terms.first().amount == Decimal("70000.00") and v2.sha256 != v3.sha256
    assert AuditRecord.objects.filter(action="agreement.revise").count() == 2


def test_every_problem_of_a_revision_is_reported_at_once_and_nothing_saved(case, mediator_a, mediator_b):
    mediation, *_, row_a, row_b = case
    agreement = actions.draft_agreement(mediator_a, mediation)
    yesterday = china_today() - dt.timedelta(days=1)
    bad = [
        actions.TermInput(row_b.pk, row_b.pk, "payment", "", None, yesterday),
        actions.TermInput(999999, row_a.pk, "payment", "赔偿", Decimal("-1"), None),
    ]
    with pytest.raises(actions.AgreementProblems) as refused:
        actions.revise_agreement(mediator_a, agreement, " ", bad)
    found = {(p.index, p.field) for p in refused.value.problems}
    assert found == {
        (None, "clauses"),
        (0, "obligee"),
        (0, "amount"),
        (0, "due"),
        (1, "obligor"),
        (1, "amount"),
        (1, "due"),
    }
    assert agreement.versions.count() == 1
    with pytest.raises(PermissionDenied):  # another organisation's mediator
        actions.revise_agreement(mediator_b, agreement, "条款", _terms(row_a, row_b))


def test_l10_frozen_for_signing_no_edits_until_withdrawn_before_anyone_signed(case, mediator_a):
    mediation, party_a, _, row_a, row_b = case
    agreement = actions.draft_agreement(mediator_a, mediation)
    actions.submit_for_signing(mediator_a, agreement)
    agreement.refresh_from_db()
    version = agreement.current
    assert agreement.state == AgreementState.SIGNING and version.frozen_at is not None
    with pytest.raises(DomainError, match="已定稿提交签署，不能再修改"):
        actions.revise_agreement(mediator_a, agreement, "改", _terms(row_a, row_b))
    version.clauses = "偷偷改"
    with pytest.raises(FrozenVersion):  # not even past the actions
        version.save()
    assert Notification.objects.filter(recipient=party_a, kind="mediation_notice").exists()
    with pytest.raises(DomainError, match="请写明撤回修改的原因"):
        actions.withdraw_from_signing(mediator_a, agreement, " ")
    actions.withdraw_from_signing(mediator_a, agreement, "当事人要求调整履行期限")
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.DRAFT
    v2 = actions.revise_agreement(mediator_a, agreement, "调整后的条款", _terms(row_a, row_b))
    assert v2.number == 2 and AgreementVersion.objects.get(pk=version.pk).clauses != "调整后的条款"
    actions.submit_for_signing(mediator_a, agreement)
    actions.signature_recorded(agreement, row_a, timezone.now())
    with pytest.raises(DomainError, match="已有当事人签署，不能撤回修改"):
        actions.withdraw_from_signing(mediator_a, agreement, "再改")


def test_a_draft_whose_due_date_passed_is_not_frozen(case, mediator_a):
    mediation, *_, row_a, row_b = case
    agreement = actions.draft_agreement(mediator_a, mediation)
    term = agreement.current.terms.get()
    _move_due_bypassing_actions([term], china_today() - dt.timedelta(days=1))
    with pytest.raises(actions.AgreementProblems, match="履行期限不能早于今天"):
        actions.submit_for_signing(mediator_a, agreement)


def test_l10_in_force_when_every_party_signed_and_the_court_hears(case, mediator_a):
    mediation, *_, row_a, row_b = case
    agreement = actions.draft_agreement(mediator_a, mediation)
    actions.submit_for_signing(mediator_a, agreement)
    actions.signature_recorded(agreement, None, timezone.now())  # the mediator's signature
    actions.signature_recorded(agreement, row_a, timezone.now())
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNING and not _sent(MessageType.AGREEMENT_STATUS)
    actions.signature_recorded(agreement, row_b, timezone.now())
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.EFFECTIVE and agreement.effective_at is not None
    (sent,) = _sent(MessageType.AGREEMENT_STATUS)
    assert sent["step"] == "effective" and sent["sha256"] == agreement.current.sha256
    assert sent["terms"][0]["status"] == "pending" and sent["terms"][0]["amount"] == "125000.00"
    with pytest.raises(DomainError):
        actions.void_agreement(mediator_a, agreement, "不要了")


def test_performance_confirmed_by_the_obligee_or_reported_and_left_undisputed(case, mediator_a):
    mediation, party_a, party_b, row_a, row_b = case
    agreement = _effective(case, mediator_a)
    pay, act = agreement.current.terms.order_by("position")
    with pytest.raises(DomainError, match="仅该条款的义务人可报告已履行"):
        actions.confirm_performance(party_a, pay, row_a, PerformanceStep.REPORTED)
    with pytest.raises(PermissionDenied):  # nobody speaks for another party
        actions.confirm_performance(party_a, pay, row_b, PerformanceStep.REPORTED)
    actions.confirm_performance(party_b, pay, row_b, PerformanceStep.REPORTED, "已转账")
    pay.refresh_from_db()
    assert actions.status_of(pay) == TermStatus.REPORTED
    with pytest.raises(DomainError, match="请写明异议的理由"):
        actions.confirm_performance(party_a, pay, row_a, PerformanceStep.DISPUTED)
    actions.confirm_performance(party_a, pay, row_a, PerformanceStep.DISPUTED, "未收到款项")
    pay.refresh_from_db()
    assert actions.status_of(pay) == TermStatus.PENDING
    actions.confirm_performance(party_b, pay, row_b, PerformanceStep.REPORTED, "已再次转账")
    actions.confirm_performance(party_a, pay, row_a, PerformanceStep.CONFIRMED)
    pay.refresh_from_db()
    assert actions.status_of(pay) == TermStatus.PERFORMED
    with pytest.raises(DomainError, match="已履行完毕"):
        actions.confirm_performance(party_a, pay, row_a, PerformanceStep.CONFIRMED)
    assert [c.step for c in pay.confirmations.all()] == ["reported", "disputed", "reported", "confirmed"]
    statuses = [p["terms"][0]["status"] for p in _sent(MessageType.AGREEMENT_STATUS)]
    assert statuses == ["pending", "reported", "pending", "reported", "performed"]

    # The other term: reported, and the obligee says nothing for UNDISPUTED_DAYS — the scan settles it.
    actions.confirm_performance(party_b, act, row_b, PerformanceStep.REPORTED)
    # Time passes: the report is older than the dispute window.
    AgreementTerm.objects.filter(pk=act.pk).update(reported_at=timezone.now() - dt.timedelta(days=UNDISPUTED_DAYS + 1))
    assert actions.remind_performance() == 1
    act.refresh_from_db()
    assert act.performed_at is not None and act.performed_undisputed
    assert _sent(MessageType.AGREEMENT_STATUS)[-1]["terms"][1]["status"] == "performed"


def test_performance_is_confirmed_only_once_the_agreement_is_in_force(case, mediator_a):
    mediation, party_a, _, row_a, _ = case
    agreement = actions.draft_agreement(mediator_a, mediation)
    with pytest.raises(DomainError, match="尚未生效"):
        actions.confirm_performance(party_a, agreement.current.terms.get(), row_a, PerformanceStep.CONFIRMED)


def test_an_agent_confirms_within_the_sign_scope_and_the_party_sees_it(case, mediator_a):
    mediation, party_a, _, row_a, row_b = case
    agreement = _effective(case, mediator_a)
    pay = agreement.current.terms.order_by("position").first()
    agent = User.objects.create_user("lawyer", password="x" * 12, role=Role.AGENT, full_name="赵律师")
    until = timezone.localdate() + dt.timedelta(days=30)
    power = parties.grant_power(party_a, agent=agent, scopes=[AgentScope.DOCUMENTS], valid_until=until)
    with pytest.raises(PermissionDenied):  # no «sign» scope
        actions.confirm_performance(agent, pay, row_a, PerformanceStep.CONFIRMED)
    parties.revoke_power(party_a, power)
    parties.grant_power(party_a, agent=agent, scopes=[AgentScope.SIGN], valid_until=until)
    with pytest.raises(PermissionDenied):  # the power is the applicant's, not the respondent's
        actions.confirm_performance(agent, pay, row_b, PerformanceStep.REPORTED)
    confirmation = actions.confirm_performance(agent, pay, row_a, PerformanceStep.CONFIRMED, "代为确认收款")
    assert confirmation.by == agent and confirmation.party == row_a
    act = ActOnBehalf.objects.get(party__user=party_a)
    assert act.actor == agent and "确认已收到" in act.summary


def test_the_obligor_is_reminded_once_and_an_overdue_term_noted_once(case, mediator_a):
    mediation, party_a, party_b, row_a, row_b = case
    agreement = _effective(case, mediator_a)
    pay, act = agreement.current.terms.order_by("position")
    soon = china_today() + dt.timedelta(days=2)
    _move_due_bypassing_actions([pay, act], soon)
    before = Notification.objects.filter(recipient=party_b).count()
    assert actions.remind_performance() == 2
    assert actions.remind_performance() == 0  # once per term
    reminded = Notification.objects.filter(recipient=party_b).count() - before
    assert reminded >= 2 and not Notification.objects.filter(recipient=party_a, body__contains="应于").exists()
    # Past due and unperformed: overdue, noted once to both parties and the court.
    _move_due_bypassing_actions([pay, act], china_today() - dt.timedelta(days=1))
    assert actions.remind_performance() == 2
    assert actions.remind_performance() == 0
    last = _sent(MessageType.AGREEMENT_STATUS)[-1]
    assert last["step"] == "overdue" and {t["status"] for t in last["terms"]} == {"overdue"}
    assert AuditRecord.objects.filter(action="agreement.overdue").count() == 2


def test_the_mediation_ending_without_agreement_voids_the_draft(case, mediator_a):
    mediation, *_ = case
    agreement = actions.draft_agreement(mediator_a, mediation)
    delegation_actions.record_result(
        mediator_a,
        mediation.delegation,
        MediationOutcome.WITHDRAWN,
        reason="申请人撤回",
    )
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.VOID and agreement.void_reason
    with pytest.raises(DomainError, match="调解已终结"):
        actions.draft_agreement(mediator_a, mediation)


def test_after_a_free_text_success_the_agreement_may_still_be_drawn_up(case, mediator_a):
    """The existing result path (success with the terms as text) still works; the agreement is drawn up beside
    it, and the court then hears of it once in force."""
    mediation, *_ = case
    delegation_actions.record_result(mediator_a, mediation.delegation, MediationOutcome.SUCCEEDED, terms="赔偿八万元")
    agreement = actions.draft_agreement(mediator_a, mediation)
    assert agreement.state == AgreementState.DRAFT


def test_a_void_agreement_leaves_room_for_a_new_one_but_two_live_never(case, mediator_a):
    mediation, *_ = case
    first = actions.draft_agreement(mediator_a, mediation)
    with pytest.raises(DomainError, match="请写明作废的原因"):
        actions.void_agreement(mediator_a, first, "")
    actions.void_agreement(mediator_a, first, "重新起草")
    second = actions.draft_agreement(mediator_a, mediation)
    assert second.pk != first.pk
    with pytest.raises(IntegrityError), transaction.atomic():  # the database itself refuses a second live one
        Agreement.objects.filter(pk=first.pk).update(state=AgreementState.DRAFT)


def test_only_the_case_mediator_drafts(case, mediator_a2, admin_a):
    mediation, party_a, *_ = case
    for other in (mediator_a2, admin_a, party_a):
        with pytest.raises(PermissionDenied):
            actions.draft_agreement(other, mediation)


def test_failure_voids_an_agreement_awaiting_signatures(case, mediator_a):
    mediation, *_ = case
    agreement = actions.draft_agreement(mediator_a, mediation)
    actions.submit_for_signing(mediator_a, agreement)
    failure = {
        "undisputed_facts": "事实",
        "disputed_points": "金额",
        "positions": {"李四": "要求赔偿", "某某药业股份有限公司": "不同意"},
    }
    delegation_actions.record_result(
        mediator_a,
        mediation.delegation,
        MediationOutcome.FAILED,
        ground=TerminationGround.IRRECONCILABLE,
        failure_record=failure,
    )
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.VOID


def test_a_direct_applications_agreement_is_made_the_same_way_and_tells_no_court(
    sandbox,  # noqa: F811
    org_a,
    admin_a,
    mediator_a,
    client,
):
    """A party's direct application (no court): the brokerage-contract template filled from the application's
    claims, signed into force, performed — and nothing goes to a court."""
    from investor_registry_setup import id_number_for

    from sutiao.investor.actions import applications
    from sutiao.kernel.direct import RespondentSector

    def party(username, name, kind, number, mobile):
        profile = parties.register_party(
            "test", kind=kind, name=name, id_number=number, mobile=mobile, username=username, password="x" * 12
        )
        parties.verify_identity(profile.user, profile, None)
        return profile.user

    investor = party("inv_wang", "王五", PartyKind.NATURAL_PERSON, id_number_for(501), "13800000001")
    firm = party("firm_hs", "某某证券股份有限公司", PartyKind.LEGAL_PERSON, "91310000MA1FL0000N", "13800000003")
    application = applications.submit(
        investor,
        org_a,
        dispute_type="brokerage_contract",
        facts="营业部员工未经授权代为交易，造成损失。",
        claims="赔偿损失八万元",
        amount="80000",
        respondent_name="某某证券股份有限公司",
        respondent_code="91310000MA1FL0000N",
        respondent_sector=RespondentSector.SECURITIES_FIRM,
        ordinary_investor=True,
        files=(),
    )
    applications.accept(admin_a, application, mediator_a)
    applications.respond(firm, application, True)
    mediation = Mediation.objects.get(application=application)
    applicant_row, respondent_row = mediation.parties.order_by("id")
    agreement = actions.draft_agreement(mediator_a, mediation)
    assert (
        "证券经纪合同纠纷" in agreement.current.clauses and "赔偿损失八万元（80,000.00元）" in agreement.current.clauses
    )
    term = agreement.current.terms.get()
    assert (term.obligor_id, term.obligee_id, term.amount) == (respondent_row.pk, applicant_row.pk, Decimal("80000.00"))
    actions.submit_for_signing(mediator_a, agreement)
    actions.signature_recorded(agreement, applicant_row, timezone.now())
    actions.signature_recorded(agreement, respondent_row, timezone.now())
    actions.confirm_performance(investor, term, applicant_row, PerformanceStep.CONFIRMED)
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.EFFECTIVE
    assert OutboxMessage.objects.count() == 0
    client.force_login(investor)
    page = client.get(f"/mediations/{mediation.pk}/agreement/").content.decode()
    assert 'data-status="performed"' in page
