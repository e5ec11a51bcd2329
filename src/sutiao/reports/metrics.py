"""Every figure the dashboards and the public page show, each defined once, here, with what exactly it counts.

A count is a condition on the fact columns (`facts.py`): the same condition gives the figure (COUNT … FILTER,
grouped in the database) and the list of cases behind it (the drill-down), so the two cannot disagree. A rate
is a ratio of two counts, a duration the mean of a difference of two fact columns, both computed per group in
the database. A delegation is the unit: a case delegated twice (the first organisation did not accept) counts
once at each organisation it reached, which is what each organisation's figures must show.

Figures that need facts no platform holds yet are listed in NOT_YET_AVAILABLE, not guessed."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth, TruncQuarter, TruncYear
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.calendar import CHINA
from sutiao.kernel.enums import MediationOutcome


@dataclass(frozen=True)
class CountMetric:
    key: str
    label: Promise
    condition: Callable[[dt.date], Q]
    doc: str
    kind = "count"


@dataclass(frozen=True)
class RateMetric:
    key: str
    label: Promise
    numerator: str
    denominator: str
    doc: str
    kind = "rate"


@dataclass(frozen=True)
class DaysMetric:
    key: str
    label: Promise
    start: str
    end: str
    doc: str
    kind = "days"


METRICS: dict[str, CountMetric | RateMetric | DaysMetric] = {}


def count(label):
    """Register a count: the decorated function returns the condition on a fact row (given today's date in
    China, for figures that depend on it); its docstring is the definition shown on the dashboard."""

    def register(fn):
        METRICS[fn.__name__] = CountMetric(fn.__name__, label, fn, fn.__doc__)
        return fn

    return register


def _rate(key, label, numerator, denominator, doc):
    METRICS[key] = RateMetric(key, label, numerator, denominator, doc)


def _days(key, label, start, end, doc):
    METRICS[key] = DaysMetric(key, label, start, end, doc)


# --- counts ---


@count(_("收到委派/委托"))
def received(today):
    """Delegations and entrustments the organisation received, counted by the day received (China time)."""
    return Q()


@count(_("接受"))
def accepted(today):
    """Received delegations the organisation answered by accepting (whatever happened after)."""
    return Q(r_answered__isnull=False, r_declined=False)


@count(_("不予接受"))
def declined(today):
    """Received delegations the organisation did not accept (不予接受), including a refusal of the delegation
    for good by the mediation platform."""
    return Q(r_declined=True)


@count(_("逾期答复"))
def answered_late(today):
    """Delegations answered (accepted or not) on a day after the last day to answer: the fifth working day
    after receipt (《人民法院在线调解规则》Art. 13; LEGAL-RULES L4), days taken in China time."""
    return Q(r_answered__isnull=False, r_answered_day__gt=F("r_due"))


@count(_("逾期未答复"))
def unanswered_overdue(today):
    """Delegations with no answer whose last day to answer (LEGAL-RULES L4) has passed, unless recalled."""
    return Q(r_answered__isnull=True, r_recalled=False, r_due__lt=today)


@count(_("法院撤回"))
def recalled(today):
    """Delegations the court recalled (before an answer, or during the mediation)."""
    return Q(r_recalled=True)


@count(_("调解成功"))
def succeeded(today):
    """Mediations whose recorded result is success (an agreement was reached)."""
    return Q(r_outcome=MediationOutcome.SUCCEEDED)


@count(_("调解不成"))
def failed(today):
    """Mediations whose recorded result is failure."""
    return Q(r_outcome=MediationOutcome.FAILED)


@count(_("当事人撤回"))
def withdrawn(today):
    """Mediations that ended because the applicant withdrew (《人民法院在线调解规则》Art. 25)."""
    return Q(r_outcome=MediationOutcome.WITHDRAWN)


@count(_("调解结束"))
def ended(today):
    """Mediations with a recorded result: succeeded, failed or withdrawn by the applicant."""
    return Q(r_outcome__in=[o.value for o in MediationOutcome])


# --- rates and durations ---

_rate(
    "success_rate",
    _("调解成功率"),
    "succeeded",
    "ended",
    "Succeeded ÷ ended (a withdrawal counts as ended without success); empty when nothing ended.",
)
_days(
    "days_to_answer",
    _("平均答复用时（自然日）"),
    "r_received",
    "r_answered",
    "Mean calendar days (to one decimal) from receipt to the answer, over the answered delegations. Calendar, "
    "not working days: a working-day count needs the holiday table per row; the late count above uses working days.",
)
_days(
    "days_to_result",
    _("平均调解用时（自然日）"),
    "r_received",
    "r_concluded",
    "Mean calendar days (to one decimal) from receipt to the recorded result, over the ended mediations.",
)

COUNTS = [m for m in METRICS.values() if m.kind == "count"]
# The counts an organisation or mediator would rather keep low (for evaluation, kernel.evaluation): the others,
# and every rate, are better high; every duration is better short.
LOWER_IS_BETTER = frozenset({"declined", "answered_late", "unanswered_overdue", "recalled", "failed", "withdrawn"})

# Figures issue 13 asks for whose facts no platform records yet: shown as such, never estimated.
NOT_YET_AVAILABLE = [
    _("距首次调解用时"),
    _("调解期限延长"),
    _("终止调解（按事由）"),
    _("司法确认申请与裁定"),
    _("调解书出具"),
    _("自动履行率"),
    _("协议金额与履行金额"),
    _("当事人满意度"),
]

PERIODS = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}


def prepare(facts: QuerySet) -> QuerySet:
    """The derived columns the definitions read: the answer's day in China time."""
    return facts.alias(r_answered_day=TruncDate("r_answered", tzinfo=CHINA))


def _aggregates(today: dt.date) -> dict:
    out = {m.key: Count("pk", filter=m.condition(today)) for m in COUNTS}
    for m in METRICS.values():
        if m.kind == "days":
            out[m.key] = Avg(
                ExpressionWrapper(F(m.end) - F(m.start), output_field=DurationField()),
                filter=Q(**{f"{m.end}__isnull": False}),
            )
    return out


def _finish(row: dict) -> dict:
    """Turn one group's aggregates into figures: rates as percentages, durations as days, to one decimal."""
    for m in METRICS.values():
        if m.kind == "rate":
            den = row[m.denominator]
            row[m.key] = None if not den else _one_decimal(Decimal(100 * row[m.numerator]) / den)
        elif m.kind == "days":
            value = row[m.key]
            row[m.key] = None if value is None else _one_decimal(Decimal(value.total_seconds()) / 86400)
    return row


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def totals(facts: QuerySet, today: dt.date) -> dict:
    """Every figure over all the fact rows given."""
    return _finish(prepare(facts).aggregate(**_aggregates(today)))


def by_dimension(facts: QuerySet, dimension: str, today: dt.date) -> list[dict]:
    """Every figure per organisation, mediator, office, court or dispute type (`d_<dimension>`): one GROUP BY.
    Rows carry `key` and `name`; rows with no key (e.g. no mediator yet) form one group of their own."""
    rows = (
        prepare(facts)
        .values(key=F(f"d_{dimension}"), name=F(f"d_{dimension}_name"))
        .annotate(**_aggregates(today))
        .order_by("-received", "name")
    )
    return [_finish(dict(row)) for row in rows]


def empty() -> dict:
    """The figures of a group with no case: counts 0, rates and durations unknown."""
    row = {m.key: 0 for m in COUNTS}
    row.update({m.key: None for m in METRICS.values() if m.kind == "days"})
    return _finish(row)


def by_period(facts: QuerySet, period: str, today: dt.date) -> list[dict]:
    """Every figure per month, quarter or year of receipt (China time), oldest first."""
    trunc = PERIODS[period]
    rows = (
        prepare(facts)
        .annotate(period=trunc("r_received", tzinfo=CHINA))
        .values("period")
        .annotate(**_aggregates(today))
        .order_by("period")
    )
    return [_finish(dict(row)) for row in rows]


def period_label(start, period: str) -> str:
    """2026年 / 2026年第4季度 / 2026年11月."""
    start = start.astimezone(CHINA) if isinstance(start, dt.datetime) else start
    if period == "year":
        return f"{start.year}年"
    if period == "quarter":
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年{start.month}月"


def cases_behind(facts: QuerySet, metric: str, today: dt.date) -> QuerySet:
    """The fact rows a count is made of: the drill-down from a figure to its cases."""
    return prepare(facts).filter(METRICS[metric].condition(today))
