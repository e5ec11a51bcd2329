from django.conf import settings

from sutiao.kernel.calendar import Deadline, WorkdayCalendar, china_date
from sutiao.kernel.rules import ANSWER_PERIODS

from .models import DayOverride, HolidayYear


def calendar() -> WorkdayCalendar:
    """The calendar as loaded now (two small queries; the table holds a few dozen rows a year)."""
    overrides = dict(DayOverride.objects.values_list("date", "is_workday"))
    return WorkdayCalendar(overrides, HolidayYear.objects.values_list("year", flat=True))


def answer_deadline(received_at, cal: WorkdayCalendar | None = None) -> Deadline:
    """L4: the organisation answers within the configured period from the day the investor platform
    records receipt; that day itself is not counted (《民法典》Art. 201)."""
    rule = ANSWER_PERIODS[settings.SUTIAO_ANSWER_PERIOD]
    return (cal or calendar()).deadline(china_date(received_at), rule)
