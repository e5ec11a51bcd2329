from django.conf import settings
from django.db.models import Count, Max

from sutiao.kernel.calendar import Deadline, PeriodRule, WorkdayCalendar, china_date
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


def answer_deadline(received_at, cal: WorkdayCalendar | None = None) -> Deadline:
    """L4: the organisation answers within the configured period from the day the investor platform
    records receipt; that day itself is not counted (《民法典》Art. 201)."""
    rule = ANSWER_PERIODS[settings.SUTIAO_ANSWER_PERIOD]
    return period_from(received_at, rule, cal)


def period_from(moment, rule: PeriodRule, cal: WorkdayCalendar | None = None) -> Deadline:
    """A period of `rule` running from the day of `moment` (Beijing date), that day not counted."""
    return (cal or calendar()).deadline(china_date(moment), rule)
