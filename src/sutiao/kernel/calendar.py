"""Working days and deadlines.

Working days follow the State Council's yearly holiday arrangement: `chinese-calendar` is the base, and an
override table (filled by an operator from the State Council notice) corrects it or supplies a year it
does not know. In a year nobody knows yet, the statutory holidays are still rest days (they are fixed by
law, LEGAL-RULES L21) and every other day is judged by the weekend rule; only the State Council's make-up
days (调休) are unknown, so the result is marked provisional — never a silent guess (DESIGN.md §5).

Counting follows 《民法典》Art. 201 and 203 (LEGAL-RULES, preamble): the day the period starts on is not
counted; a period ends at 24:00 of its last day; a calendar-day period whose last day is a rest day ends
on the next working day.
"""

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import chinese_calendar
from lunar_python import Lunar

CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class PeriodRule:
    code: str
    length: int
    working_days: bool
    citation: str

    @property
    def description(self) -> str:
        unit = "个工作日" if self.working_days else "日"
        return f"{self.length}{unit}（{self.citation}）"


@dataclass(frozen=True)
class Deadline:
    rule: PeriodRule
    start: dt.date
    due: dt.date
    provisional: bool

    @property
    def ends_at(self) -> dt.datetime:
        """24:00 of the last day, China time (《民法典》Art. 203)."""
        return dt.datetime.combine(self.due + dt.timedelta(days=1), dt.time(0), tzinfo=CHINA)

    def is_overdue(self, now: dt.datetime) -> bool:
        return now >= self.ends_at

    def days_left(self, today: dt.date) -> int:
        return (self.due - today).days


def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@functools.cache
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """L21: the days off that the law itself fixes for every year, before the State Council publishes that
    year's arrangement (《全国年节及纪念日放假办法》2024 revision, 国务院令第795号; text not in law/): 元旦 1-1; 春节
    农历除夕 and 正月初一至初三; 清明 (the day of the 清明 solar term); 劳动节 5-1 and 5-2; 端午 (五月初五);
    中秋 (八月十五); 国庆 10-1 to 10-3. Lunar dates come from lunar-python."""
    new_year = Lunar.fromYmd(year, 1, 1).getSolar()
    spring = dt.date(new_year.getYear(), new_year.getMonth(), new_year.getDay())
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]

    def lunar(month: int, day: int) -> dt.date:
        solar = Lunar.fromYmd(year, month, day).getSolar()
        return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())

    days = [
        (dt.date(year, 1, 1), "元旦"),
        *((spring + dt.timedelta(days=i), "春节") for i in range(-1, 3)),  # 除夕 to 初三
        (dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()), "清明节"),
        (dt.date(year, 5, 1), "劳动节"),
        (dt.date(year, 5, 2), "劳动节"),
        (lunar(5, 5), "端午节"),
        (lunar(8, 15), "中秋节"),
        *((dt.date(year, 10, d), "国庆节") for d in (1, 2, 3)),
    ]
    holidays: dict[dt.date, str] = {}
    for day, name in days:  # 中秋 may fall within 国庆 (2028-10-03): one day, both names
        holidays[day] = f"{holidays[day]}、{name}" if day in holidays else name
    return holidays


class WorkdayCalendar:
    """Answers whether a day is a working day, and whether that answer is only provisional.

    `overrides` maps a date to True (working day) or False (rest day) from the operator's table;
    `loaded_years` are the years whose whole arrangement the operator has loaded. An override always wins,
    so a mistake in the package can be corrected without waiting for a release.
    """

    def __init__(self, overrides: Mapping[dt.date, bool] | None = None, loaded_years: Iterable[int] = ()):
        self._overrides = dict(overrides or {})
        self._loaded_years = set(loaded_years)
        self._package_years: dict[int, bool] = {}
        # Each day's answer, kept: chinese-calendar checks its argument on every call (about 20 µs), and a list of
        # overdue deadlines counts hundreds of days per row (`working_days_left`).
        self._days: dict[dt.date, tuple[bool, bool]] = {}

    def knows(self, year: int) -> bool:
        if year in self._loaded_years:
            return True
        if year not in self._package_years:
            self._package_years[year] = _package_knows(year)
        return self._package_years[year]

    def is_workday(self, day: dt.date) -> tuple[bool, bool]:
        """(working day?, provisional?)"""
        if day not in self._days:
            self._days[day] = self._decide(day)
        return self._days[day]

    def _decide(self, day: dt.date) -> tuple[bool, bool]:
        if day in self._overrides:
            return self._overrides[day], False
        if self.knows(day.year) and day.year not in self._loaded_years:
            return chinese_calendar.is_workday(day), False
        # A loaded year without an override for this day follows the weekend rule exactly. An unknown year
        # rests on its statutory holidays (L21) and otherwise follows the weekend rule, provisionally: the
        # State Council's make-up days are not known yet.
        if not self.knows(day.year):
            return day not in statutory_holidays(day.year) and day.weekday() < 5, True
        return day.weekday() < 5, False

    def add_working_days(self, start: dt.date, rule: PeriodRule) -> Deadline:
        assert rule.working_days
        day, counted, provisional = start, 0, False
        while counted < rule.length:
            day += dt.timedelta(days=1)
            workday, guessed = self.is_workday(day)
            provisional |= guessed
            counted += workday
        return Deadline(rule=rule, start=start, due=day, provisional=provisional)

    def add_calendar_days(self, start: dt.date, rule: PeriodRule) -> Deadline:
        assert not rule.working_days
        day = start + dt.timedelta(days=rule.length)
        provisional = False
        while True:
            workday, guessed = self.is_workday(day)
            provisional |= guessed
            if workday:
                break
            day += dt.timedelta(days=1)
        return Deadline(rule=rule, start=start, due=day, provisional=provisional)

    def working_days_left(self, today: dt.date, due: dt.date) -> int:
        """Working days from `today` to `due` (today not counted, `due` counted); negative once `due` has
        passed, counting the working days since. A working-day period is shown in its own unit: "剩 2 个工作日"
        over a weekend is what the rule says, "剩 4 天" is not (issue 15 §5)."""
        first, last, sign = (today, due, 1) if due >= today else (due, today, -1)
        days = (first + dt.timedelta(days=i) for i in range(1, (last - first).days + 1))
        return sign * sum(self.is_workday(day)[0] for day in days)

    def deadline(self, start: dt.date, rule: PeriodRule) -> Deadline:
        return self.add_working_days(start, rule) if rule.working_days else self.add_calendar_days(start, rule)


def china_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CHINA).date()


def china_days(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The moments from 00:00 China time on `start` up to (not including) 00:00 after `end`: filter with
    `__gte` / `__lt`, so an event at 23:59:59.9 on the last day counts and one at 00:00 the next day does not."""
    return (
        dt.datetime.combine(start, dt.time(0), tzinfo=CHINA),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=CHINA),
    )


def china_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in China, the one date every deadline and validity is judged by."""
    return china_date(now or dt.datetime.now(CHINA))


def add_years(start: dt.date, years: int) -> dt.date:
    """The same day `years` later; a period counted in years that starts on 29 February ends on the last day
    of February (《民法典》Art. 202: 没有对应日的，月末日为期间的最后一日)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a year that has none
        return start.replace(year=start.year + years, day=28)


def cn_date(day: dt.date) -> str:
    """Dates as pages and documents print them: 2026年11月28日 (DESIGN.md §9)."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(moment: dt.datetime) -> str:
    """A moment as pages print it, in China time: 2026年11月28日 14:30."""
    local = moment.astimezone(CHINA)
    return f"{cn_date(local.date())} {local:%H:%M}"
