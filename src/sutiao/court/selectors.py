"""Reads that feed the court platform's pages and API. Every read is scoped to the user's court."""

from django.db.models import Case as When_
from django.db.models import IntegerField, Prefetch, Value, When
from django.http import Http404

from sutiao.kernel.workflow import CourtState

from .models import Case, Delegation, Organisation

# States in which the case waits for court staff, most urgent first.
NEEDS_STAFF = [
    CourtState.RETURNED,
    CourtState.FAILED,
    CourtState.SUCCEEDED,
    CourtState.CONSENTED,
    CourtState.AWAITING_CONSENT,
    CourtState.APPLIED,
]


def cases_for(user):
    if user.institution_id is None:
        return Case.objects.none()
    return Case.objects.filter(court_id=user.institution_id).select_related("court")


def case_for(user, case_id) -> Case:
    """A case of the user's own court; any other is answered as if it did not exist."""
    case = (
        cases_for(user)
        .prefetch_related(
            "parties",
            "claims",
            "consents__party",
            "consents__recorded_by",
            "events",
            Prefetch("delegations", queryset=Delegation.objects.select_related("organisation")),
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404("没有这个案件")
    return case


def work_queue(user):
    """What needs the court's attention: cases waiting for staff, then delegations waiting for an answer,
    soonest deadline first."""
    waiting_staff = (
        cases_for(user)
        .filter(state__in=NEEDS_STAFF)
        .annotate(
            rank=When_(*[When(state=s, then=Value(i)) for i, s in enumerate(NEEDS_STAFF)], output_field=IntegerField())
        )
        .order_by("rank", "registered_at")
    )
    waiting_answer = (
        Delegation.objects.filter(case__court_id=user.institution_id, case__state=CourtState.DELEGATED)
        .select_related("case", "organisation")
        .order_by("answer_due", "sent_at")
    )
    mediating = (
        Delegation.objects.filter(
            case__court_id=user.institution_id, case__state=CourtState.MEDIATING, state="accepted"
        )
        .select_related("case", "organisation")
        .order_by("answered_at")
    )
    return waiting_staff, waiting_answer, mediating


def organisations():
    return Organisation.objects.filter(active=True).select_related("peer")
