"""Every figure the dashboards and the public page show, each defined once, here, with what exactly it counts.

A count is a condition on the fact columns (`facts.py`): the same condition gives the figure (COUNT … FILTER,
grouped in the database) and the list of cases behind it (the drill-down), so the two cannot disagree. A rate
is a ratio of two counts, a duration the mean of a difference of two fact columns, both computed per group in
the database. A delegation is the unit: a case delegated twice (the first organisation did not accept) counts
once at each organisation it reached, which is what each organisation's figures must show.

Each figure declares the fact columns it needs (`needs`); each platform's fact source declares the columns it
provides (`FactSource.columns`). A figure whose columns a platform does not hold is not computed there: the
dashboard and the reports show it as 本平台无此数据 (`NOT_HERE`), never as a guessed 0."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth, TruncQuarter, TruncYear
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.calendar import CHINA
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.mediation import FAILURE_GROUNDS, TerminationGround

from .facts import source

# What the dashboard and the reports show for a figure the platform holds no facts for.
NOT_HERE = _("本平台无此数据")


@dataclass(frozen=True)
class CountMetric:
    key: str
    label: Promise
    condition: Callable[[dt.date], Q]
    doc: str
    needs: frozenset[str]
    kind = "count"


@dataclass(frozen=True)
class RateMetric:
    key: str
    label: Promise
    numerator: str
    denominator: str
    doc: str
    needs: frozenset[str]
    kind = "rate"


@dataclass(frozen=True)
class DaysMetric:
    key: str
    label: Promise
    start: str
    end: str
    doc: str
    needs: frozenset[str]
    kind = "days"

    @property
    def total(self) -> str:
        # The aggregates carried to _finish: the sum of the differences and how many rows have one.
        return f"{self.key}_days_total"

    @property
    def count(self) -> str:
        return f"{self.key}_days_count"


@dataclass(frozen=True)
class SumMetric:
    """The total of a numeric fact column over the rows (a row without the fact adds nothing)."""

    key: str
    label: Promise
    column: str
    doc: str
    needs: frozenset[str]
    kind = "sum"


@dataclass(frozen=True)
class AmountMetric(SumMetric):
    """A sum of money in yuan, to the fen."""

    kind = "amount"


@dataclass(frozen=True)
class ScoreMetric:
    """A mean score: the sum of the points given (column `points`) ÷ (the answers (the sum metric `answers`) ×
    the scores each answer gives), to one decimal."""

    key: str
    label: Promise
    points: str
    answers: str
    per_answer: int
    doc: str
    needs: frozenset[str]
    kind = "score"

    @property
    def total(self) -> str:
        # The aggregate of points carried to _finish (no metric's key ends so).
        return f"{self.key}_points_total"


Metric = CountMetric | RateMetric | DaysMetric | SumMetric | ScoreMetric
METRICS: dict[str, Metric] = {}

# The columns every figure on delegations reads (facts.COMMON); a figure on a platform's own facts adds its own.
_OUTCOME = frozenset({"r_outcome"})


def count(label, needs):
    """Register a count: the decorated function returns the condition on a fact row (given today's date in
    China, for figures that depend on it); its docstring is the definition shown on the dashboard. `needs`: the
    fact columns the condition reads."""

    def register(fn):
        METRICS[fn.__name__] = CountMetric(fn.__name__, label, fn, fn.__doc__, frozenset(needs))
        return fn

    return register


def _count(key, label, condition, doc, needs):
    METRICS[key] = CountMetric(key, label, condition, doc, frozenset(needs))


def _rate(key, label, numerator, denominator, doc):
    # A rate needs what both its counts need.
    needs = METRICS[numerator].needs | METRICS[denominator].needs
    METRICS[key] = RateMetric(key, label, numerator, denominator, doc, needs)


def _days(key, label, start, end, doc):
    METRICS[key] = DaysMetric(key, label, start, end, doc, frozenset({start, end}))


def _sum(key, label, column, doc, money=False):
    METRICS[key] = (AmountMetric if money else SumMetric)(key, label, column, doc, frozenset({column}))


def _score(key, label, points, answers, per_answer, doc):
    needs = METRICS[answers].needs | {points}
    METRICS[key] = ScoreMetric(key, label, points, answers, per_answer, doc, needs)


# --- counts ---


@count(_("收到委派/委托"), ("r_received",))
def received(today):
    """Delegations and entrustments the organisation received, counted by the day received (China time)."""
    return Q()


@count(_("接受"), ("r_answered", "r_declined"))
def accepted(today):
    """Received delegations the organisation answered by accepting (whatever happened after)."""
    return Q(r_answered__isnull=False, r_declined=False)


@count(_("不予接受"), ("r_declined",))
def declined(today):
    """Received delegations the organisation did not accept (不予接受), including a refusal of the delegation
    for good by the mediation platform."""
    return Q(r_declined=True)


@count(_("逾期答复"), ("r_answered", "r_due"))
def answered_late(today):
    """Delegations answered (accepted or not) on a day after the last day to answer: the fifth working day
    after receipt (《人民法院在线调解规则》Art. 13; LEGAL-RULES L4), days taken in China time."""
    return Q(r_answered__isnull=False, r_answered_day__gt=F("r_due"))


@count(_("逾期未答复"), ("r_answered", "r_recalled", "r_due"))
def unanswered_overdue(today):
    """Delegations with no answer whose last day to answer (LEGAL-RULES L4) has passed, unless recalled."""
    return Q(r_answered__isnull=True, r_recalled=False, r_due__lt=today)


@count(_("法院撤回"), ("r_recalled",))
def recalled(today):
    """Delegations the court recalled (before an answer, or during the mediation)."""
    return Q(r_recalled=True)


@count(_("调解成功"), _OUTCOME)
def succeeded(today):
    """Mediations whose recorded result is success (an agreement was reached)."""
    return Q(r_outcome=MediationOutcome.SUCCEEDED)


@count(_("调解不成"), _OUTCOME)
def failed(today):
    """Mediations whose recorded result is failure."""
    return Q(r_outcome=MediationOutcome.FAILED)


@count(_("当事人撤回"), _OUTCOME)
def withdrawn(today):
    """Mediations that ended because the applicant withdrew (《人民法院在线调解规则》Art. 25)."""
    return Q(r_outcome=MediationOutcome.WITHDRAWN)


@count(_("调解结束"), _OUTCOME)
def ended(today):
    """Mediations with a recorded result: succeeded, failed or withdrawn by the applicant."""
    return Q(r_outcome__in=[o.value for o in MediationOutcome])


# --- how the mediation went: the investor platform's facts (it holds the mediation and the agreement) ---


@count(_("首次调解已举行"), ("r_first_session",))
def session_held(today):
    """Accepted delegations whose mediation has held at least one session (a session with a recorded time held)."""
    return Q(r_first_session__isnull=False)


@count(_("调解期限延长"), ("r_extensions",))
def extended(today):
    """Mediations whose period was extended at least once: an extension every party consented to (granted,
    《人民法院在线调解规则》Art. 26; LEGAL-RULES L6). Proposed or refused extensions do not count."""
    return Q(r_extensions__gt=0)


def _ground_condition(ground):
    return lambda today: Q(r_ground=ground.value)


for _ground in TerminationGround:
    if _ground in FAILURE_GROUNDS:
        _count(
            f"ended_{_ground.value}",
            format_lazy("{}：{}", _("终止调解"), _(_ground.label)),
            _ground_condition(_ground),
            f"Mediations that ended on this ground of 《人民法院在线调解规则》Art. 25 (LEGAL-RULES L7): "
            f"“{_ground.label}”. One count per ground; the two other grounds, agreement and the applicant's "
            f"withdrawal, are the counts 调解成功 and 当事人撤回.",
            ("r_ground",),
        )


@count(_("应履行"), ("r_terms", "r_terms_open", "r_terms_last_due"))
def performance_due(today):
    """Mediations with an agreement in force that has terms to perform, whose every term is performed or whose
    last term's due date has passed (before today, China time): the cases whose performance can be judged."""
    return Q(r_terms__gt=0) & (Q(r_terms_open=0) | Q(r_terms_last_due__lt=today))


@count(_("自动履行"), ("r_terms", "r_terms_open"))
def performed(today):
    """Mediations whose agreement in force has terms and every term performed: confirmed by the obligee, or
    reported by the obligor and left undisputed (kernel.agreement.UNDISPUTED_DAYS), without court enforcement."""
    return Q(r_terms__gt=0, r_terms_open=0)


# --- judicial confirmation and the 调解书: the court platform's facts ---


@count(_("申请司法确认"), ("r_outcome", "r_confirmation_applied"))
def confirmation_applied(today):
    """Succeeded mediations whose court case has at least one application for judicial confirmation of the
    agreement at the court (民事诉讼法 Art. 205), whatever became of it: one per case, however many
    applications. An application not linked to the delegated case (registered without it) is not counted."""
    return Q(r_outcome=MediationOutcome.SUCCEEDED, r_confirmation_applied=True)


@count(_("裁定调解协议有效"), ("r_outcome", "r_confirmation_valid"))
def confirmation_valid(today):
    """Succeeded mediations whose court case has an application the court ruled on by confirming the agreement
    valid (裁定调解协议有效, 民事诉讼法 Art. 206; LEGAL-RULES L13)."""
    return Q(r_outcome=MediationOutcome.SUCCEEDED, r_confirmation_valid=True)


@count(_("出具调解书"), ("r_document_issued",))
def document_issued(today):
    """Entrusted cases (委托调解) for which the court issued a 民事调解书 on the agreement (民事诉讼法 Art. 100;
    LEGAL-RULES L15), in force or not yet."""
    return Q(r_document_issued=True)


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

_days(
    "days_to_first_session",
    _("平均首次调解用时（自然日）"),
    "r_answered",
    "r_first_session",
    "Mean calendar days (to one decimal) from the organisation's acceptance to the first session held, over the "
    "mediations that held one.",
)
_rate(
    "performance_rate",
    _("自动履行率"),
    "performed",
    "performance_due",
    "Performed ÷ due to perform (自动履行 ÷ 应履行): of the agreements in force whose performance can be judged, "
    "the share performed in full; empty when none.",
)
_sum(
    "extensions_granted",
    _("延长次数"),
    "r_extensions",
    "Extensions of the mediation period granted (every party consented, LEGAL-RULES L6), all mediations together.",
)
_sum(
    "amount_agreed",
    _("协议金额（元）"),
    "r_amount_agreed",
    "The sum of the amounts of the terms of each agreement in force (terms without an amount add nothing).",
    money=True,
)
_sum(
    "amount_paid",
    _("已履行金额（元）"),
    "r_amount_paid",
    "The sum of the amounts of those terms whose performance is confirmed (by the obligee, or reported and left "
    "undisputed).",
    money=True,
)
_sum(
    "satisfaction_answers",
    _("满意度评价份数"),
    "r_survey_answers",
    "Answers to the parties' satisfaction survey, each party at most once per mediation, after it ended.",
)
_score(
    "satisfaction",
    _("当事人满意度（1–5分）"),
    "r_survey_points",
    "satisfaction_answers",
    3,
    "The mean score (1 to 5, to one decimal) over every answer to the survey and its three questions alike: the "
    "fairness of the process, the mediator's conduct, the convenience of mediating online; empty without answers. "
    "Read with the number of answers beside it.",
)

COUNTS = [m for m in METRICS.values() if m.kind == "count"]
# The counts an organisation or mediator would rather keep low (for evaluation, kernel.evaluation): the others,
# and every rate, are better high; every duration is better short.
LOWER_IS_BETTER = frozenset(
    {"declined", "answered_late", "unanswered_overdue", "recalled", "failed", "withdrawn", "extended"}
    | {f"ended_{g.value}" for g in FAILURE_GROUNDS}
)
# The kinds an evaluation may weigh (kernel.evaluation scores counts, rates and durations); sums are reported only.
EVALUABLE_KINDS = frozenset({"count", "rate", "days"})

PERIODS = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}


def here(columns: frozenset[str] | None = None) -> dict[str, Metric]:
    """The figures this platform can give: those whose every column its fact source provides, in METRICS order."""
    columns = source().columns if columns is None else columns
    return {k: m for k, m in METRICS.items() if m.needs <= columns}


def not_here(columns: frozenset[str] | None = None) -> list[Metric]:
    """The figures this platform holds no facts for: shown as NOT_HERE."""
    available = here(columns)
    return [m for k, m in METRICS.items() if k not in available]


def prepare(facts: QuerySet) -> QuerySet:
    """The derived columns the definitions read: the answer's day in China time."""
    return facts.alias(r_answered_day=TruncDate("r_answered", tzinfo=CHINA))


def _aggregates(today: dt.date, metrics: dict[str, Metric]) -> dict:
    """Each figure's aggregates, all of them sums (a count is a sum of ones): a group's are the sums of its
    parts' (`overview`), and `_finish` makes the figures from them."""
    out = {}
    for m in metrics.values():
        if m.kind == "count":
            out[m.key] = Count("pk", filter=m.condition(today))
        elif m.kind == "days":
            # The mean is the sum of the differences ÷ how many rows have one (_finish), as AVG makes it. No filter:
            # a row without either end has no difference, which SUM and COUNT leave out.
            difference = ExpressionWrapper(F(m.end) - F(m.start), output_field=DurationField())
            out[m.total], out[m.count] = Sum(difference), Count(difference)
        elif m.kind == "amount":
            out[m.key] = Sum(m.column, output_field=DecimalField(max_digits=20, decimal_places=2))
        elif m.kind == "sum":
            out[m.key] = Sum(m.column)
        elif m.kind == "score":
            out[m.total] = Sum(m.points)
    return out


def _finish(row: dict, metrics: dict[str, Metric]) -> dict:
    """Turn one group's aggregates into figures: rates as percentages, durations as days, to one decimal; sums of
    nothing as 0 (the platform holds the facts: there is nothing to add, not nothing known)."""
    for m in metrics.values():
        if m.kind == "rate":
            den = row[m.denominator]
            row[m.key] = None if not den else _one_decimal(Decimal(100 * row[m.numerator]) / den)
        elif m.kind == "days":
            total, n = row.pop(m.total, None), row.pop(m.count, None) or 0
            row[m.key] = _one_decimal(Decimal(total // _MICROSECOND) / (n * _DAY_MICROSECONDS)) if n else None
        elif m.kind == "amount":
            row[m.key] = Decimal(str(row[m.key] or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        elif m.kind == "sum":
            row[m.key] = int(row[m.key] or 0)
        elif m.kind == "score":
            points, answers = row.pop(m.total, None) or 0, row[m.answers] or 0
            row[m.key] = _one_decimal(Decimal(points) / (answers * m.per_answer)) if answers else None
    return row


_MICROSECOND = dt.timedelta(microseconds=1)
_DAY_MICROSECONDS = 86_400_000_000


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def totals(facts: QuerySet, today: dt.date) -> dict:
    """Every figure this platform can give over all the fact rows given."""
    metrics = here()
    return _finish(prepare(facts).aggregate(**_aggregates(today, metrics)), metrics)


def by_dimension(facts: QuerySet, dimension: str, today: dt.date) -> list[dict]:
    """Every figure per organisation, mediator, office, court or dispute type (`d_<dimension>`): one GROUP BY.
    Rows carry `key` and `name`; rows with no key (e.g. no mediator yet) form one group of their own."""
    metrics = here()
    rows = (
        prepare(facts)
        .values(key=F(f"d_{dimension}"), name=F(f"d_{dimension}_name"))
        .annotate(**_aggregates(today, metrics))
        .order_by("-received", "name")
    )
    return [_finish(dict(row), metrics) for row in rows]


def empty() -> dict:
    """The figures of a group with no case: counts and sums 0, rates and durations unknown."""
    metrics = here()
    row = {m.key: 0 for m in metrics.values() if m.kind in ("count", "sum", "amount")}
    row.update({m.key: None for m in metrics.values() if m.kind == "days"})
    row.update({m.total: None for m in metrics.values() if m.kind == "score"})
    return _finish(row, metrics)


def by_period(facts: QuerySet, period: str, today: dt.date) -> list[dict]:
    """Every figure per month, quarter or year of receipt (China time), oldest first."""
    metrics = here()
    trunc = PERIODS[period]
    rows = (
        prepare(facts)
        .annotate(period=trunc("r_received", tzinfo=CHINA))
        .values("period")
        .annotate(**_aggregates(today, metrics))
        .order_by("period")
    )
    return [_finish(dict(row), metrics) for row in rows]


def overview(facts: QuerySet, dimension: str, period: str, today: dt.date) -> tuple[dict, list[dict], list[dict]]:
    """`totals`, `by_dimension` and `by_period` of the same rows (what the dashboard shows), from one GROUP BY of the
    dimension and the period: each row is read once (each aggregate computed once per row, not three times), and
    the three are added up from its groups. Every aggregate is a sum (`_aggregates`), so a sum of groups is the
    group of their rows; the figures are made from the sums as the three functions make them (`_finish`), and
    the groups keep their order: by dimension most received first, then by name; by period oldest first."""
    metrics = here()
    aggregates = _aggregates(today, metrics)
    rows = list(
        prepare(facts)
        .annotate(period=PERIODS[period]("r_received", tzinfo=CHINA))
        .values("period", key=F(f"d_{dimension}"), name=F(f"d_{dimension}_name"))
        .annotate(**aggregates)
        .order_by()
    )
    everything: dict = {}
    groups: dict = {}
    periods: dict = {}
    for row in rows:
        _add(everything, row, aggregates)
        _add(groups.setdefault(row["key"], {"key": row["key"], "name": row["name"]}), row, aggregates)
        _add(periods.setdefault(row["period"], {"period": row["period"]}), row, aggregates)
    totals = _finish(everything if rows else _nothing(aggregates), metrics)
    by_group = sorted(groups.values(), key=lambda g: (-g["received"], g["name"] is None, g["name"] or ""))
    by_time = sorted(periods.values(), key=lambda p: p["period"])
    return totals, [_finish(g, metrics) for g in by_group], [_finish(p, metrics) for p in by_time]


def _add(into: dict, row: dict, aggregates: dict) -> None:
    """Add a group's aggregates to `into`'s: a sum over no row (null) adds nothing."""
    for key in aggregates:
        value = row[key]
        into[key] = value if into.get(key) is None else into[key] if value is None else into[key] + value


def _nothing(aggregates: dict) -> dict:
    """The aggregates of no row, as the database gives them: counts 0, sums null."""
    return {key: 0 if isinstance(a, Count) else None for key, a in aggregates.items()}


def period_label(start, period: str) -> str:
    """2026年 / 2026年第4季度 / 2026年11月."""
    start = start.astimezone(CHINA) if isinstance(start, dt.datetime) else start
    if period == "year":
        return f"{start.year}年"
    if period == "quarter":
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年{start.month}月"


def cases_behind(facts: QuerySet, metric: str, today: dt.date) -> QuerySet:
    """The fact rows a count is made of: the drill-down from a figure to its cases. Only a count this platform
    can give has cases behind it (KeyError otherwise)."""
    return prepare(facts).filter(here()[metric].condition(today))
