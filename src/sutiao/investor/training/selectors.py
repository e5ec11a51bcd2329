"""Reads of mediators' training (issue 13 §6): the requirement in force, a mediator's hours within the last twelve
months against it, their records, and an organisation's mediators with their hours. Scoped as the registry is
(`selectors.mediators_for`, `permissions.organisations_in_scope`): outside one's reach a record does not exist."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext

from sutiao.kernel.calendar import add_years, china_today
from sutiao.kernel.workflow import InvestorProposalState
from sutiao.listing import Page, page

from .. import selectors as registry
from ..models import MediationOrg, Mediator, RosterProposal
from .models import TrainingRecord, TrainingRequirement

# What the requirement is until the Bureau first sets one.
DEFAULT_REQUIRED_HOURS = Decimal("12.0")
TENTH = Decimal("0.1")

RECORD_ORDER = ("-completed_on", "-id")
MEDIATOR_ORDER = ("name", "id")


def window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last twelve months, both ends counted: from the day after the same date a year earlier to today
    (today 2026-12-02: 2025-12-03 … 2026-12-02; a course completed on 2025-12-02 no longer counts). A year before
    29 February is 28 February (kernel.calendar.add_years), so the window then starts on 1 March."""
    today = today or china_today()
    return add_years(today, -1) + dt.timedelta(days=1), today


def counting(today: dt.date | None = None) -> Q:
    """The records (as seen from a Mediator: `training_records__…`) that count towards the hours today."""
    start, end = window(today)
    return Q(
        training_records__removed_at__isnull=True,
        training_records__completed_on__gte=start,
        training_records__completed_on__lte=end,
    )


def hours_expression(today: dt.date | None = None):
    """A Mediator's training hours within the window, 0 for none (one aggregate: no query per row)."""
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=7, decimal_places=1))
    return Coalesce(Sum("training_records__hours", filter=counting(today)), zero)


@dataclass(frozen=True)
class Requirement:
    hours: Decimal
    row: TrainingRequirement | None  # None: the platform's default, never set by the Bureau


def current_requirement() -> Requirement:
    row = TrainingRequirement.objects.select_related("set_by").order_by("-set_at", "-id").first()
    return Requirement(row.hours if row else DEFAULT_REQUIRED_HOURS, row)


def requirement_history():
    return TrainingRequirement.objects.select_related("set_by").order_by("-set_at", "-id")


@dataclass(frozen=True)
class Standing:
    """A mediator's hours within the window against the requirement."""

    hours: Decimal
    required: Decimal
    start: dt.date
    end: dt.date
    on_joint_roster: bool  # the requirement binds them now: on the list the SPC and the CSRC recognise jointly

    @property
    def met(self) -> bool:
        return self.hours >= self.required

    @property
    def shortfall(self) -> Decimal:
        return max(self.required - self.hours, Decimal("0"))


def live_records():
    return TrainingRecord.objects.filter(removed_at__isnull=True)


def standing(mediator: Mediator, today: dt.date | None = None) -> Standing:
    today = today or china_today()
    start, end = window(today)
    hours = live_records().filter(mediator=mediator, completed_on__gte=start, completed_on__lte=end).aggregate(
        total=Sum("hours")
    )["total"] or Decimal("0")
    joint = (
        RosterProposal.objects.filter(mediator=mediator, court_id__isnull=True, state=InvestorProposalState.CONFIRMED)
        .in_force(today)
        .exists()
    )
    return Standing(hours.quantize(TENTH), current_requirement().hours, start, end, joint)


def records_of(mediator: Mediator, cursor: str | None = None, size: int = 20) -> Page:
    """The mediator's records that count (removed ones are in the audit log), newest completed first."""
    qs = live_records().filter(mediator=mediator).select_related("entered_by", "certificate")
    return page(qs, RECORD_ORDER, cursor, size)


def record_for(user, record_id) -> TrainingRecord:
    """A record of a mediator the user may see in the registry; 404 otherwise, as if it did not exist."""
    record = (
        live_records()
        .select_related("mediator", "mediator__organisation", "certificate")
        .filter(pk=record_id, mediator__in=registry.mediators_for(user))
        .first()
    )
    if record is None:
        raise Http404(gettext("没有这条培训记录，或您无权查看"))
    return record


def organisation_training(
    org: MediationOrg, *, q: str = "", short_only: bool = False, cursor: str | None = None, size: int = 25
) -> Page:
    """The organisation's mediators by name, each with `hours` within the window, `met` and `shortfall`; `q` finds a
    mediator by any part of the name or of a course they completed; `short_only` keeps those below the
    requirement. An organisation has hundreds of mediators, not millions: the text filter reads them (through
    the organisation's index), the paging does not."""
    required = current_requirement().hours
    qs = Mediator.objects.filter(organisation_id=org.pk).annotate(hours=hours_expression())
    q = (q or "").strip()
    if q:
        course = live_records().filter(mediator=OuterRef("pk"), course__icontains=q)
        qs = qs.filter(Q(name__icontains=q) | Exists(course))
    if short_only:
        qs = qs.filter(hours__lt=required)
    result = page(qs, MEDIATOR_ORDER, cursor, size)
    for m in result.items:
        m.hours = m.hours.quantize(TENTH)  # SQLite sums to "10", PostgreSQL to "10.0": shown alike
        m.met = m.hours >= required
        m.shortfall = max(required - m.hours, Decimal("0"))
    result.extra["required"] = required
    return result
