"""The mediation period as this platform computes it: the kernel's rule (L6) over the stored acceptance,
extensions and appraisals, on the operator's working-day calendar."""

from sutiao.kernel.calendar import Deadline
from sutiao.kernel.mediation import Pause, mediation_deadline, period_rule
from sutiao.workdays.selectors import calendar


def deadline(mediation) -> Deadline | None:
    d = mediation.delegation
    pauses = [Pause(a.started_on, a.ended_on) for a in mediation.appraisals.all()]
    return mediation_deadline(
        calendar(), period_rule(d.kind, d.simple_procedure), mediation.accepted_on, mediation.extension_days, pauses
    )


def refresh_due(mediation) -> list[str]:
    """Set `due` and `due_provisional` from the rule; returns the fields changed, for the caller's save."""
    found = deadline(mediation)
    mediation.due = found.due if found else None
    mediation.due_provisional = bool(found and found.provisional)
    return ["due", "due_provisional"]
