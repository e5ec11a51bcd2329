import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max

from sutiao.kernel.calendar import Deadline, PeriodRule, WorkdayCalendar, china_date, china_today
from sutiao.kernel.rules import ANSWER_PERIODS

from .models import DayOverride, HolidayYear

_cache: dict = {}


def calendar() -> WorkdayCalendar:
    """The calendar as loaded now. Built once per process and version of the operator's table (every
    load stamps its year's `loaded_at`), so receiving thousands of delegations costs one small query each."""
    version = tuple(HolidayYear.objects.aggregate(n=Count("year"), last=Max("loaded_at")).values())
    if _cache.get("version") != version:
        overrides = dict(DayOverride.objects.values_list("date", "is_workday"))
        _cache.update(
            version=version, calendar=WorkdayCalendar(overrides, HolidayYear.objects.values_list("year", flat=True))
        )
    return _cache["calendar"]


def answer_period() -> PeriodRule:
    """L4: the answer period in force on this platform — 5 working days for securities and futures disputes, or
    the general 3 — as configured (settings.SUTIAO_ANSWER_PERIOD; nothing else reads that setting)."""
    return ANSWER_PERIODS[settings.SUTIAO_ANSWER_PERIOD]


def answer_deadline(received_at, cal: WorkdayCalendar | None = None) -> Deadline:
    """L4: the organisation answers within the configured period from the day the investor platform
    records receipt; that day itself is not counted (《民法典》Art. 201)."""
    return period_from(received_at, answer_period(), cal)


def period_from(moment, rule: PeriodRule, cal: WorkdayCalendar | None = None) -> Deadline:
    """A period of `rule` running from the day of `moment` (Beijing date), that day not counted."""
    return (cal or calendar()).deadline(china_date(moment), rule)


# --- provisional deadlines, for the operators (LEGAL-RULES L21) ---


@dataclass(frozen=True)
class ProvisionalDeadline:
    """A deadline that reaches a year whose holiday arrangement nobody has loaded yet."""

    due: dt.date
    label: str  # what is due, in the reader's language (case number, organisation …)
    url: str  # the page where it is handled


# provider(limit) -> (how many there are, the first `limit` by due date). Each platform registers its own
# (workdays imports neither platform), keyed by name so registering twice replaces.
ProvisionalDeadlineProvider = Callable[[int], tuple[int, list[ProvisionalDeadline]]]
_providers: dict[str, ProvisionalDeadlineProvider] = {}


def provides_provisional_deadlines(name: str):
    """Register a platform's provider of provisional deadlines, as a decorator."""

    def register(provider: ProvisionalDeadlineProvider) -> ProvisionalDeadlineProvider:
        _providers[name] = provider
        return provider

    return register


@dataclass(frozen=True)
class HolidayArrangementStatus:
    missing_years: list[int]  # years whose arrangement is needed now and not known
    deadlines: list[ProvisionalDeadline]  # the provisional deadlines that fall due first
    total: int  # provisional deadlines in all

    @property
    def needs_attention(self) -> bool:
        return bool(self.missing_years or self.total)


def holiday_arrangement_status(today: dt.date | None = None, limit: int = 20) -> HolidayArrangementStatus:
    """L21: what the operators must see. This year's arrangement is needed all year; next year's from 1 December,
    when deadlines start to reach it (the State Council usually publishes in late autumn). Until it is loaded,
    deadlines in that year are provisional and nothing irreversible happens on them, so the first ones to fall
    due are listed."""
    today = today or china_today()
    cal = calendar()
    wanted = [today.year] + ([today.year + 1] if today.month == 12 else [])
    total, rows = 0, []
    for provider in _providers.values():
        count, first = provider(limit)
        total += count
        rows += first
    rows.sort(key=lambda row: (row.due, row.label, row.url))
    return HolidayArrangementStatus([y for y in wanted if not cal.knows(y)], rows[:limit], total)
