"""What an organisation's staff and its mediators do with a delegation (委派) or entrustment (委托) from a
court (notice §4(5)): one function per action, one transaction each: permission, the state machine's
transition, the case's timeline, the audit record and the docking message to the court."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import Role, User
from sutiao.audit.log import record
from sutiao.docking import outbox
from sutiao.docking.schemas import (
    Change,
    DelegationAnswerPayload,
    MediationResultPayload,
    MediatorAssignedPayload,
    MessageType,
    ResultCorrectedPayload,
)
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.errors import DomainError
from sutiao.kernel.mediation import TerminationGround
from sutiao.kernel.workflow import INVESTOR, InvestorEvent, InvestorState

from .. import permissions
from ..mediation.models import Mediation
from ..mediation.notify import tell_parties
from ..models import Delegation, DelegationEvent, Mediator, RegistryStatus, ResultCorrection
from ..search import index_delegations
from . import mediation

# A result recorded: what a correction within the window may change (correct_result).
RESULT_STATES = frozenset({InvestorState.SUCCEEDED, InvestorState.FAILED, InvestorState.WITHDRAWN})
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


# A result's record as the correction compares it: label, and how to read it from (terms, reason, ground, failure).
_RESULT_FIELDS = (
    ("调解协议内容", lambda r: r["terms"]),
    ("调解不成/撤回原因", lambda r: r["reason"]),
    ("终结事由", lambda r: TerminationGround(r["ground"]).label if r["ground"] else ""),
    *(
        (label, lambda r, key=key: (r["failure"] or {}).get(key, ""))
        for key, label in (
            ("undisputed_facts", "无争议事实"),
            ("disputed_points", "争议焦点"),
            ("cost_raising_conduct", "导致其他当事人诉讼成本增加的行为"),
            ("notes", "需要提示法院的其他情况"),
        )
    ),
)


def correction_window_ends(delegation: Delegation):
    """When the mediator may no longer correct the recorded result (settings.SUTIAO_RESULT_CORRECTION_HOURS);
    None when there is no result to correct."""
    if delegation.state not in RESULT_STATES or delegation.concluded_at is None:
        return None
    return delegation.concluded_at + dt.timedelta(hours=settings.SUTIAO_RESULT_CORRECTION_HOURS)


def may_correct_result(user: User, delegation: Delegation, now=None) -> bool:
    ends = correction_window_ends(delegation)
    return (
        ends is not None
        and (now or timezone.now()) <= ends
        and user.is_authenticated
        and delegation.mediator_id == user.pk
    )


@transaction.atomic
def correct_result(
    actor: User,
    delegation: Delegation,
    *,
    correction_reason: str,
    terms: str = "",
    reason: str = "",
    ground: TerminationGround | None = None,
    failure_record: dict | None = None,
) -> ResultCorrection:
    """The mediator corrects a result recorded by mistake, within settings.SUTIAO_RESULT_CORRECTION_HOURS of
    recording it (issue 15 §4): the terms, the reason, the ground or the failure record, checked as when the result
    was recorded (L7, L17), with a reason; the correction is recorded, the parties told, and the court sent the
    result as it now stands (RESULT_CORRECTED). The outcome itself is not changed here: it is what the parties
    did (signed an agreement, or not), and the court may already have acted on it."""
    delegation = _locked(delegation)
    permissions.ensure_assigned_mediator(actor, delegation)
    correction_reason = correction_reason.strip()
    if not correction_reason:
        raise DomainError(gettext("请填写更正理由"), field="correction_reason")
    ends = correction_window_ends(delegation)
    if ends is None:
        raise DomainError(gettext("尚未记录调解结果"))
    if timezone.now() > ends:
        raise DomainError(
            gettext("调解结果记录已超过 %(hours)s 小时，不能更正；如有错误，请与法院联系")
            % {"hours": f"{settings.SUTIAO_RESULT_CORRECTION_HOURS:g}"}
        )
    mediation_row = Mediation.objects.select_for_update().filter(delegation=delegation).first()
    outcome = MediationOutcome(delegation.outcome)
    terms, reason, ground, failure = mediation.ending(mediation_row, outcome, terms, reason, ground, failure_record)
    old = {
        "terms": delegation.terms,
        "reason": delegation.outcome_reason,
        "ground": mediation_row.ground if mediation_row else "",
        "failure": mediation_row.failure_record if mediation_row else {},
    }
    new = {"terms": terms, "reason": reason, "ground": ground or "", "failure": failure.model_dump() if failure else {}}
    changes = [
        {"what": label, "field": "", "before": str(read(old)), "after": str(read(new))}
        for label, read in _RESULT_FIELDS
        if str(read(old)) != str(read(new))
    ]
    positions_before, positions_after = (old["failure"] or {}).get("positions", {}), new["failure"].get("positions", {})
    changes += [
        {
            "what": f"{name}的意见",
            "field": "",
            "before": positions_before.get(name, ""),
            "after": positions_after.get(name, ""),
        }
        for name in dict.fromkeys([*positions_before, *positions_after])
        if positions_before.get(name, "") != positions_after.get(name, "")
    ]
    if not changes:
        raise DomainError(gettext("没有需要更正的内容"))
    delegation.terms, delegation.outcome_reason = terms, reason
    delegation.save(update_fields=["terms", "outcome_reason"])
    if mediation_row is not None:
        mediation_row.ground = ground or ""
        mediation_row.failure_record = new["failure"]
        mediation_row.save(update_fields=["ground", "failure_record"])
    correction = ResultCorrection.objects.create(
        delegation=delegation, actor=actor, reason=correction_reason, changes=changes
    )
    outbox.send(
        delegation.peer,
        MessageType.RESULT_CORRECTED,
        delegation.case,
        ResultCorrectedPayload(
            delegation_id=delegation.id,
            correction_id=correction.pk,
            corrected_at=correction.at,
            corrected_by=f"{delegation.organisation.name} {actor.display_name}"[:200],
            reason=correction_reason,
            changes=[Change(**c) for c in changes],
            outcome=outcome,
            terms=terms,
            result_reason=reason,
            ground=ground,
            failure_record=failure,
        ),
    )
    whats = "、".join(c["what"] for c in changes)
    add_event(delegation, actor.display_name, f"更正调解结果（{whats}）：{correction_reason}"[:500])
    record(
        actor,
        "delegation.correct_result",
        delegation,
        case=delegation.case,
        after={"reason": correction_reason, "changes": changes},
    )
    if mediation_row is not None:
        tell_parties(mediation_row, mediation_row.parties.all(), gettext("调解结果已更正"), correction_reason)
    return correction
