"""What the court platform does with docking messages from the investor platform."""

from sutiao.docking import hooks
from sutiao.docking.refusals import Rejected
from sutiao.docking.schemas import MessageType
from sutiao.jobs.schedule import periodic
from sutiao.workdays.services import recompute_answer_deadlines, year_loaded

from . import roster, selectors, services
from .models import Delegation

hooks.handles(MessageType.ROSTER_PROPOSED)(roster.receive_proposals)
hooks.handles(MessageType.ROSTER_CHANGED)(roster.apply_changes)
hooks.on_parked(MessageType.DELEGATE)(services.record_delegations_refused)
hooks.on_parked(MessageType.ROSTER_ADOPTED)(roster.record_adoptions_refused)
hooks.lists_courts(selectors.court_cards)


def _known(delegation_id) -> None:
    if not Delegation.objects.filter(pk=delegation_id).exists():
        raise Rejected("unknown_delegation", f"本平台没有标识为 {delegation_id} 的委派")


@hooks.handles(MessageType.DELEGATION_ANSWER)
def delegation_answers(items):
    for _message, payload in items:
        _known(payload.delegation_id)
        services.record_answer(
            payload.delegation_id,
            accepted=payload.accepted,
            reason=payload.reason,
            answered_at=payload.answered_at,
            answered_by=payload.answered_by,
        )


@hooks.handles(MessageType.MEDIATOR_ASSIGNED)
def mediators_assigned(items):
    for _message, payload in items:
        _known(payload.delegation_id)
        services.record_mediator(
            payload.delegation_id, mediator_name=payload.mediator_name, assigned_at=payload.assigned_at
        )


@hooks.handles(MessageType.MEDIATION_RESULT)
def mediation_results(items):
    for _message, payload in items:
        _known(payload.delegation_id)
        services.record_result(
            payload.delegation_id,
            outcome=payload.outcome,
            terms=payload.terms,
            reason=payload.reason,
            concluded_at=payload.concluded_at,
        )


hooks.on_delivered(MessageType.DELEGATE)(services.record_delegations_received)
periodic("flag_overdue_answers")(services.flag_overdue_answers)


def _recompute(**_signal_kwargs):
    recompute_answer_deadlines(Delegation.objects.all())


year_loaded.connect(_recompute, dispatch_uid="court-recompute-deadlines")


_NEUTRAL = {
    "sent": "pending",
    "received": "pending",
    "accepted": "accepted",
    "declined": "declined",
    "overdue": "withdrawn",
    "recalled": "withdrawn",
}


@hooks.reports_case_states
def delegation_states(case_ids):
    """Each delegation's state in the vocabulary both platforms share (for reconciliation)."""
    states: dict = {}
    for case, delegation, state, outcome in Delegation.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "id", "state", "outcome"
    ):
        neutral = f"concluded:{outcome}" if state == "concluded" else _NEUTRAL[state]
        states.setdefault(case, {})[delegation] = neutral
    return states
