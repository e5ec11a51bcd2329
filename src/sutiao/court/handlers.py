"""What the court platform does with docking messages from the investor platform."""

from django.urls import reverse
from django.utils.translation import gettext

from sutiao.docking import registry
from sutiao.workdays.selectors import ProvisionalDeadline, provides_provisional_deadlines
from sutiao.workdays.services import recompute_answer_deadlines, year_loaded

from . import roster, selectors, services
from .models import Delegation, DelegationState

registry.handles("ROSTER_PROPOSED")(roster.receive_proposals)
registry.handles("ROSTER_CHANGED")(roster.apply_changes)
registry.on_parked("DELEGATE")(services.record_delegations_refused)
registry.on_parked("ROSTER_ADOPTED")(roster.record_adoptions_refused)
registry.lists_courts(selectors.court_cards)


def _known(delegation_id) -> None:
    if not Delegation.objects.filter(pk=delegation_id).exists():
        raise registry.Rejected("unknown_delegation", f"本平台没有标识为 {delegation_id} 的委派")


@registry.handles("DELEGATION_ANSWER")
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


@registry.handles("MEDIATOR_ASSIGNED")
def mediators_assigned(items):
    for _message, payload in items:
        _known(payload.delegation_id)
        services.record_mediator(
            payload.delegation_id, mediator_name=payload.mediator_name, assigned_at=payload.assigned_at
        )


@registry.handles("MEDIATION_RESULT")
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


registry.on_delivered("DELEGATE")(services.record_delegations_received)
registry.periodic("flag_overdue_answers")(services.flag_overdue_answers)


def _recompute(**_signal_kwargs):
    recompute_answer_deadlines(Delegation.objects.all())


year_loaded.connect(_recompute, dispatch_uid="court-recompute-deadlines")


@provides_provisional_deadlines("court")
def provisional_answer_deadlines(limit):
    """Unanswered delegations whose answer deadline is provisional (LEGAL-RULES L21), for the operators."""
    pending = Delegation.objects.filter(state=DelegationState.RECEIVED, answer_due_provisional=True)
    first = pending.select_related("case", "organisation").order_by("answer_due", "id")[:limit]
    return pending.count(), [
        ProvisionalDeadline(
            d.answer_due,
            gettext("%(case)s：%(organisation)s答复期限")
            % {"case": d.case.number, "organisation": d.organisation.name},
            reverse("case-detail", args=[d.case_id]),
        )
        for d in first
    ]


_NEUTRAL = {
    "sent": "pending",
    "received": "pending",
    "accepted": "accepted",
    "declined": "declined",
    "overdue": "withdrawn",
    "recalled": "withdrawn",
}


@registry.reports_case_states
def delegation_states(case_ids):
    """Each delegation's state in the vocabulary both platforms share (for reconciliation)."""
    states: dict = {}
    for case, delegation, state, outcome in Delegation.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "id", "state", "outcome"
    ):
        neutral = f"concluded:{outcome}" if state == "concluded" else _NEUTRAL[state]
        states.setdefault(case, {})[delegation] = neutral
    return states
