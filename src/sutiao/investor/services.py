"""Every change on the investor platform: one function per user-visible action, one transaction each,
the docking message it causes in the same transaction (DESIGN.md §3)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.docking import outbox
from sutiao.docking.models import InboxMessage
from sutiao.docking.refusals import Rejected
from sutiao.docking.schemas import (
    DelegatePayload,
    DelegationAnswerPayload,
    DelegationWithdrawnPayload,
    MediationResultPayload,
    MediatorAssignedPayload,
    MessageType,
)
from sutiao.kernel.calendar import cn_date
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import INVESTOR, InvestorEvent
from sutiao.workdays.selectors import answer_deadline

from . import registry
from .models import CourtDirectory, Delegation, DelegationEvent, Mediator, RegistryStatus

SYSTEM = "系统"
OUTCOME_EVENTS = {
    MediationOutcome.SUCCEEDED: InvestorEvent.SUCCEED,
    MediationOutcome.FAILED: InvestorEvent.FAIL,
    MediationOutcome.WITHDRAWN: InvestorEvent.WITHDRAW,
}


def ensure_org_admin(user: User, delegation: Delegation) -> None:
    """An organisation's staff act only on their own organisation's delegations."""
    if not user.is_authenticated or user.role != Role.ORG_ADMIN or user.institution_id != delegation.organisation_id:
        raise PermissionDenied(gettext("仅受委派调解组织的管理员可进行此操作"))


def ensure_assigned_mediator(user: User, delegation: Delegation) -> None:
    if not user.is_authenticated or delegation.mediator_id != user.pk:
        raise PermissionDenied(gettext("仅本案调解员可记录调解结果"))


def _event(delegation: Delegation, actor, text: str) -> None:
    DelegationEvent.objects.create(delegation=delegation, actor=str(actor), text=text)


def _transition(delegation: Delegation, event: InvestorEvent) -> None:
    delegation.state = INVESTOR.next_state(delegation.state, event)


def _locked(delegation: Delegation) -> Delegation:
    return Delegation.objects.select_for_update().select_related("peer", "organisation").get(pk=delegation.pk)


@transaction.atomic
def receive_delegations(items: list[tuple[InboxMessage, DelegatePayload]]) -> list[Delegation]:
    """Courts' delegations arrive (one, or a representative action's thousands); each answer period starts
    from today, the day of receipt (LEGAL-RULES L4)."""
    wanted = {payload.organisation_id for _, payload in items}
    organisations = {
        o.pk: o for o in Institution.objects.filter(pk__in=wanted, kind=InstitutionKind.MEDIATION_ORG, active=True)
    }
    for unknown in wanted - organisations.keys():
        raise Rejected("unknown_organisation", f"本平台没有可接受委派的调解组织 {unknown}")
    # Only an organisation on that court's confirmed invited roster takes its delegations (notice §4(4)(5);
    # 特邀调解规定 Art. 5; LEGAL-RULES L2): enforced here too, not only by the court.
    for org_id, court_id in {(p.organisation_id, p.court_id) for _, p in items}:
        refusal = registry.roster_refusal(org_id, court_id)
        if refusal is not None:
            raise refusal
    _learn_courts(items)
    chosen = {p.mediator_id for _, p in items if p.mediator_id}
    mediators = {
        m.pk: m
        for m in Mediator.objects.filter(pk__in=chosen, status=RegistryStatus.ACTIVE).select_related("organisation")
    }
    for _message, payload in items:
        m = mediators.get(payload.mediator_id) if payload.mediator_id else None
        if payload.mediator_id and (m is None or m.organisation_id != payload.organisation_id):
            raise Rejected("unknown_mediator", f"调解员 {payload.mediator_id} 不是该组织在册的调解员")
    # Received when the inbox took the message (a batch's messages share it): the instant the signed receipt
    # tells the court, so both platforms date the answer period alike.
    received_at = items[0][0].received_at
    deadline = answer_deadline(received_at)
    delegations = Delegation.objects.bulk_create(
        [
            Delegation(
                id=payload.delegation_id,
                case=message.case,
                peer=message.peer,
                organisation=organisations[payload.organisation_id],
                kind=payload.kind,
                court_id=payload.court_id,
                court_name=payload.court_name,
                court_case_number=payload.court_case_number,
                dispute_type=payload.dispute_type,
                facts=payload.facts,
                amount=payload.amount,
                claims=[c.model_dump(mode="json") for c in payload.claims],
                parties=[p.model_dump(mode="json") for p in payload.parties],
                consent=[c.model_dump(mode="json") for c in payload.consent],
                delegated_at=payload.delegated_at,
                received_at=received_at,
                answer_due=deadline.due,
                answer_due_provisional=deadline.provisional,
                requested_mediator=mediators.get(payload.mediator_id),
            )
            for message, payload in items
        ],
        batch_size=500,
    )
    due = f"答复期限 {cn_date(deadline.due)}" + ("（暂定）" if deadline.provisional else "")
    DelegationEvent.objects.bulk_create(
        [
            DelegationEvent(delegation=d, actor=d.court_name, text=f"收到{d.court_name}的{d.get_kind_display()}，{due}")
            for d in delegations
        ],
        batch_size=500,
    )
    return delegations


def _learn_courts(items) -> None:
    """Courts that delegate become pushable: the Bureau can then send organisations to their rosters."""
    courts = {p.court_id: (message.peer_id, p.court_name) for message, p in items}
    known = set(CourtDirectory.objects.filter(pk__in=courts).values_list("pk", flat=True))
    CourtDirectory.objects.bulk_create(
        [CourtDirectory(id=pk, peer_id=peer, name=name) for pk, (peer, name) in courts.items() if pk not in known],
        ignore_conflicts=True,
    )


def _answer(actor: User, delegation: Delegation, accepted: bool, reason: str) -> Delegation:
    delegation = _locked(delegation)
    ensure_org_admin(actor, delegation)
    _transition(delegation, InvestorEvent.ACCEPT if accepted else InvestorEvent.DECLINE)
    delegation.answered_at, delegation.answered_by, delegation.decline_reason = timezone.now(), actor, reason
    delegation.save(update_fields=["state", "answered_at", "answered_by", "decline_reason"])
    outbox.send(
        delegation.peer,
        MessageType.DELEGATION_ANSWER,
        delegation.case,
        DelegationAnswerPayload(
            delegation_id=delegation.id,
            accepted=accepted,
            reason=reason,
            answered_at=delegation.answered_at,
            answered_by=f"{delegation.organisation.name} {actor.display_name}",
        ),
    )
    return delegation


@transaction.atomic
def accept_delegation(actor: User, delegation: Delegation) -> Delegation:
    delegation = _answer(actor, delegation, True, "")
    _event(delegation, actor.display_name, f"接受{delegation.get_kind_display()}")
    return delegation


@transaction.atomic
def decline_delegation(actor: User, delegation: Delegation, reason: str) -> Delegation:
    # Declining needs written reasons (《人民法院在线调解规则》Art. 12; LEGAL-RULES L4).
    if not reason.strip():
        raise DomainError(gettext("拒绝委派须写明理由"), field="reason")
    delegation = _answer(actor, delegation, False, reason.strip())
    _event(delegation, actor.display_name, f"拒绝{delegation.get_kind_display()}：{reason.strip()}")
    return delegation


@transaction.atomic
def assign_mediator(actor: User, delegation: Delegation, mediator: User) -> Delegation:
    delegation = _locked(delegation)
    ensure_org_admin(actor, delegation)
    record = Mediator.objects.filter(user=mediator).first()
    if (
        mediator.role != Role.MEDIATOR
        or mediator.institution_id != delegation.organisation_id
        or not mediator.is_active
        or record is None
        or record.organisation_id != delegation.organisation_id
        or record.status != RegistryStatus.ACTIVE
    ):
        raise DomainError(gettext("只能指派本组织在册的调解员"), field="mediator")
    _transition(delegation, InvestorEvent.ASSIGN_MEDIATOR)
    delegation.mediator, delegation.mediator_assigned_at = mediator, timezone.now()
    delegation.save(update_fields=["state", "mediator", "mediator_assigned_at"])
    outbox.send(
        delegation.peer,
        MessageType.MEDIATOR_ASSIGNED,
        delegation.case,
        MediatorAssignedPayload(
            delegation_id=delegation.id,
            mediator_id=str(record.pk),
            mediator_name=mediator.display_name,
            assigned_at=delegation.mediator_assigned_at,
        ),
    )
    _event(delegation, actor.display_name, f"指派调解员：{mediator.display_name}")
    return delegation


@transaction.atomic
def record_result(
    actor: User, delegation: Delegation, outcome: MediationOutcome, terms: str = "", reason: str = ""
) -> Delegation:
    """The mediator records the outcome; it travels back to the court (notice §4(5))."""
    delegation = _locked(delegation)
    ensure_assigned_mediator(actor, delegation)
    terms, reason = terms.strip(), reason.strip()
    if outcome == MediationOutcome.SUCCEEDED and not terms:
        raise DomainError(gettext("调解成功须填写调解协议内容"), field="terms")
    if outcome != MediationOutcome.SUCCEEDED and not reason:
        # A record of why it failed is kept (《人民法院在线调解规则》Art. 21; LEGAL-RULES L17).
        raise DomainError(gettext("请写明调解不成或撤回的原因"), field="reason")
    _transition(delegation, OUTCOME_EVENTS[outcome])
    delegation.outcome, delegation.terms, delegation.outcome_reason = outcome, terms, reason
    delegation.concluded_at = timezone.now()
    delegation.save(update_fields=["state", "outcome", "terms", "outcome_reason", "concluded_at"])
    outbox.send(
        delegation.peer,
        MessageType.MEDIATION_RESULT,
        delegation.case,
        MediationResultPayload(
            delegation_id=delegation.id,
            outcome=outcome,
            terms=terms,
            reason=reason,
            concluded_at=delegation.concluded_at,
        ),
    )
    _event(delegation, actor.display_name, f"记录调解结果：{MediationOutcome(outcome).label}")
    return delegation


@transaction.atomic
def recall_delegation(payload: DelegationWithdrawnPayload) -> None:
    """The court took the delegation back (recalled, or the answer period ended)."""
    delegation = Delegation.objects.select_for_update().filter(pk=payload.delegation_id).first()
    if delegation is None:
        raise Rejected("unknown_delegation", f"本平台没有标识为 {payload.delegation_id} 的委派")
    if (delegation.state, InvestorEvent.RECALL) not in INVESTOR.transitions:
        _event(delegation, delegation.court_name, f"法院撤回委派（{payload.reason}），本案已结束，未予处理")
        return
    _transition(delegation, InvestorEvent.RECALL)
    delegation.recall_reason = payload.reason
    delegation.save(update_fields=["state", "recall_reason"])
    _event(delegation, delegation.court_name, f"法院撤回委派：{payload.reason}")
