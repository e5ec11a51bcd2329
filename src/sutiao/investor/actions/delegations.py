"""What an organisation's staff and its mediators do with a delegation (委派) or entrustment (委托) from a
court (notice §4(5)): one function per action, one transaction each: permission, the state machine's
transition, the case's timeline, the audit record and the docking message to the court."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import Role, User
from sutiao.audit.log import record
from sutiao.docking import outbox
from sutiao.docking.schemas import (
    DelegationAnswerPayload,
    MediationResultPayload,
    MediatorAssignedPayload,
    MessageType,
)
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.errors import DomainError
from sutiao.kernel.mediation import TerminationGround
from sutiao.kernel.workflow import INVESTOR, InvestorEvent

from .. import permissions
from ..mediation.models import Mediation
from ..mediation.notify import tell_parties
from ..models import Delegation, DelegationEvent, Mediator, RegistryStatus
from ..search import index_delegations
from . import mediation

OUTCOME_EVENTS = {
    MediationOutcome.SUCCEEDED: InvestorEvent.SUCCEED,
    MediationOutcome.FAILED: InvestorEvent.FAIL,
    MediationOutcome.WITHDRAWN: InvestorEvent.WITHDRAW,
}


def add_event(delegation: Delegation, actor, text: str) -> None:
    """A line of the case's timeline, as the organisation reads it."""
    DelegationEvent.objects.create(delegation=delegation, actor=str(actor), text=text)


def transition(delegation: Delegation, event: InvestorEvent) -> None:
    """Set the state the machine gives for `event` (refused if it gives none). Never saves: the caller saves
    with the other fields it changes."""
    delegation.state = INVESTOR.next_state(delegation.state, event)


def _locked(delegation: Delegation) -> Delegation:
    return (
        Delegation.objects.select_for_update(of=("self",))
        .select_related("peer", "organisation", "chosen_mediator")
        .get(pk=delegation.pk)
    )


def _answer(actor: User, delegation: Delegation, accepted: bool, reason: str) -> Delegation:
    delegation = _locked(delegation)
    permissions.ensure_org_admin(actor, delegation)
    before = delegation.state
    transition(delegation, InvestorEvent.ACCEPT if accepted else InvestorEvent.DECLINE)
    delegation.answered_at, delegation.answered_by, delegation.decline_reason = timezone.now(), actor, reason
    delegation.save(update_fields=["state", "answered_at", "answered_by", "decline_reason"])
    record(
        actor,
        "delegation.accept" if accepted else "delegation.decline",
        delegation,
        case=delegation.case,
        before={"state": before},
        after={"state": delegation.state, "reason": reason},
    )
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
    add_event(delegation, actor.display_name, f"接受{delegation.get_kind_display()}")
    # The mediation period runs from this acceptance (《人民法院在线调解规则》Art. 24 ¶2; L6).
    mediation.open_mediation(actor, delegation)
    return delegation


@transaction.atomic
def decline_delegation(actor: User, delegation: Delegation, reason: str) -> Delegation:
    """The organisation does not accept (不予接受) the delegation or entrustment."""
    # Not accepting needs written reasons (《人民法院在线调解规则》Art. 12; LEGAL-RULES L4).
    if not reason.strip():
        raise DomainError(gettext("不予接受须写明理由"), field="reason")
    delegation = _answer(actor, delegation, False, reason.strip())
    add_event(delegation, actor.display_name, f"不予接受{delegation.get_kind_display()}：{reason.strip()}")
    return delegation


@transaction.atomic
def assign_mediator(
    actor: User, delegation: Delegation, mediator: User, choice_declined_reason: str = ""
) -> Delegation:
    """Assign a mediator of the organisation's registry to the case.

    The parties' joint choice binds the organisation (《人民法院在线调解规则》Art. 10; LEGAL-RULES L3): when the
    delegation names the mediator they chose, the organisation assigns that mediator, or declines the choice
    with a reason, which travels to the court (MEDIATOR_ASSIGNED) for the court and the parties to see."""
    delegation = _locked(delegation)
    permissions.ensure_org_admin(actor, delegation)
    return assign(actor, delegation, mediator, choice_declined_reason)


def registered_mediator(organisation_id, mediator: User) -> Mediator:
    """The registry record of an active mediator of the organisation with an account, or a refusal."""
    record_of = Mediator.objects.filter(user=mediator).first()
    if (
        mediator.role != Role.MEDIATOR
        or mediator.institution_id != organisation_id
        or not mediator.is_active
        or record_of is None
        or record_of.organisation_id != organisation_id
        or record_of.status != RegistryStatus.ACTIVE
    ):
        raise DomainError(gettext("只能指派本组织在册的调解员"), field="mediator")
    return record_of


def assign(
    actor: User, delegation: Delegation, mediator: User, choice_declined_reason: str = "", change_reason: str = ""
) -> Delegation:
    """Assign (or, on a recusal or change the organisation decided, replace) the mediator; the caller holds
    the delegation's lock, checked the actor and runs the transaction."""
    record_of = registered_mediator(delegation.organisation_id, mediator)
    choice_declined_reason = choice_declined_reason.strip()
    chosen = delegation.chosen_mediator
    if chosen is None or record_of.pk == chosen.pk or change_reason:
        # Nothing to decline: no choice, the choice is followed, or the organisation decided a recusal or
        # change the parties asked for (L9), which supersedes their earlier choice.
        choice_declined_reason = ""
    elif not choice_declined_reason:
        raise DomainError(
            gettext("当事人已共同选定调解员%(name)s：应指派该调解员，或写明不予指派的理由") % {"name": chosen.name},
            field="choice_declined_reason",
        )
    before = {"state": delegation.state, "mediator": delegation.mediator_id}
    transition(delegation, InvestorEvent.ASSIGN_MEDIATOR)
    delegation.mediator, delegation.mediator_assigned_at = mediator, timezone.now()
    delegation.choice_declined_reason = choice_declined_reason
    delegation.save(update_fields=["state", "mediator", "mediator_assigned_at", "choice_declined_reason"])
    index_delegations([delegation.pk])
    record(
        actor,
        "delegation.assign_mediator",
        delegation,
        case=delegation.case,
        before=before,
        after={
            "state": delegation.state,
            "mediator": mediator.pk,
            "chosen_mediator": str(chosen.pk) if chosen else None,
            "choice_declined_reason": choice_declined_reason,
            "change_reason": change_reason,
        },
    )
    outbox.send(
        delegation.peer,
        MessageType.MEDIATOR_ASSIGNED,
        delegation.case,
        MediatorAssignedPayload(
            delegation_id=delegation.id,
            mediator_id=str(record_of.pk),
            mediator_name=mediator.display_name,
            assigned_at=delegation.mediator_assigned_at,
            choice_declined_reason=choice_declined_reason,
            change_reason=change_reason,
        ),
    )
    if choice_declined_reason:
        add_event(
            delegation,
            actor.display_name,
            f"不予指派当事人选定的调解员{chosen.name}：{choice_declined_reason}",
        )
    add_event(delegation, actor.display_name, f"指派调解员：{mediator.display_name}")
    return delegation


@transaction.atomic
def record_result(
    actor: User,
    delegation: Delegation,
    outcome: MediationOutcome,
    terms: str = "",
    reason: str = "",
    ground: TerminationGround | None = None,
    failure_record: dict | None = None,
) -> Delegation:
    """The mediator ends the mediation: success with the agreed terms (handed on to the agreement), the
    applicant's withdrawal, or termination on a ground of Art. 25 (L7) with the failure record (L17: undisputed
    facts, points in dispute, each side's position, conduct that raised costs), which the parties see and the
    court receives (MEDIATION_RESULT; notice §4(5))."""
    delegation = _locked(delegation)
    permissions.ensure_assigned_mediator(actor, delegation)
    mediation_row = Mediation.objects.select_for_update().filter(delegation=delegation).first()
    terms, reason, ground, failure = mediation.ending(mediation_row, outcome, terms, reason, ground, failure_record)
    before = delegation.state
    transition(delegation, OUTCOME_EVENTS[outcome])
    delegation.outcome, delegation.terms, delegation.outcome_reason = outcome, terms, reason
    delegation.concluded_at = timezone.now()
    delegation.save(update_fields=["state", "outcome", "terms", "outcome_reason", "concluded_at"])
    if mediation_row is not None:
        mediation.close(mediation_row, outcome, ground, failure, delegation.concluded_at)
    record(
        actor,
        "delegation.record_result",
        delegation,
        case=delegation.case,
        before={"state": before},
        after={"state": delegation.state, "outcome": outcome, "reason": reason, "ground": ground},
    )
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
            ground=ground,
            failure_record=failure,
        ),
    )
    add_event(delegation, actor.display_name, f"记录调解结果：{MediationOutcome(outcome).label}")
    if mediation_row is not None:
        tell_parties(mediation_row, mediation_row.parties.all(), gettext("调解结果"), MediationOutcome(outcome).label)
    return delegation
