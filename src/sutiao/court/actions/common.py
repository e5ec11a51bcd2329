"""What the court's actions and inbound effects share: the case's story and the one meaning of a transition."""

from django.utils import timezone

from sutiao.kernel.workflow import COURT, COURT_CLOSED_STATES, Machine

from ..models import Case, CaseEvent


def case_event(case: Case, actor, text: str) -> None:
    CaseEvent.objects.create(case=case, actor=str(actor), text=text)


def transition(obj, event, machine: Machine = COURT) -> list[str]:
    """Set `obj.state` to where `machine` takes it on `event` (refused with TransitionNotAllowed otherwise).
    Sets, never saves: the caller saves with the returned field names plus its own. A case reaching a
    closed state (filed, trial resumed, settled, withdrawn) gets its closed_at."""
    obj.state = machine.next_state(obj.state, event)
    if isinstance(obj, Case) and obj.state in COURT_CLOSED_STATES:
        obj.closed_at = timezone.now()
        return ["state", "closed_at"]
    return ["state"]
