"""The mediation period as this platform computes it: the kernel's rule (L6 for a delegated case, the platform's
setting for a direct application) over the stored acceptance, extensions and appraisals, on the operator's
working-day calendar."""

from sutiao.kernel.calendar import Deadline, PeriodRule
from sutiao.kernel.mediation import Pause, mediation_deadline, period_rule
from sutiao.workdays.selectors import calendar

from ..direct.rules import mediation_rule


def rule(mediation) -> PeriodRule:
    if mediation.direct:
        return mediation_rule()
    d = mediation.delegation
    return period_rule(d.kind, d.simple_procedure)


def deadline(mediation) -> Deadline | None:
    pauses = [Pause(a.started_on, a.ended_on) for a in mediation.appraisals.all()]
    return mediation_deadline(calendar(), rule(mediation), mediation.accepted_on, mediation.extension_days, pauses)


def refresh_due(mediation) -> list[str]:
    """Set `due` and `due_provisional` from the rule; returns the fields changed, for the caller's save."""
    found = deadline(mediation)
    mediation.due = found.due if found else None
    mediation.due_provisional = bool(found and found.provisional)
    return ["due", "due_provisional"]
