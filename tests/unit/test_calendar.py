"""Working days against the State Council's 2026 arrangement, and the provisional rule for unknown years
(issue 2 acceptance; LEGAL-RULES L4, L21; 《民法典》Art. 201, 203)."""

import datetime as dt

import chinese_calendar
import pytest

from sutiao.kernel.calendar import CHINA, PeriodRule, WorkdayCalendar, statutory_holidays
from sutiao.kernel.rules import ANSWER_PERIOD_GENERAL, ANSWER_PERIOD_SECURITIES

D = dt.date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 9, 30), D(2026, 10, 13)),  # National Day; Saturday 10-10 is a working day
        (D(2026, 2, 13), D(2026, 2, 27)),  # Spring Festival; Saturdays 02-14 and 02-28 are working days
        (D(2026, 11, 27), D(2026, 12, 4)),  # an ordinary week: the day of receipt is not counted
        (D(2026, 11, 28), D(2026, 12, 4)),  # received on a Saturday
    ],
)
def test_answer_period_follows_state_council_2026(received, due):
    """L4: 5 working days from the day after receipt, on the State Council's 2026 arrangement."""
    deadline = WorkdayCalendar().add_working_days(received, ANSWER_PERIOD_SECURITIES)
    assert deadline.due == due
    assert deadline.provisional is False


def test_saturday_make_up_days_count_and_holidays_do_not():
    cal = WorkdayCalendar()
    assert cal.is_workday(D(2026, 10, 10)) == (True, False)
    assert cal.is_workday(D(2026, 2, 14)) == (True, False)
    assert cal.is_workday(D(2026, 10, 5)) == (False, False)


def test_unknown_year_is_provisional_then_exact_once_loaded():
    """L21: in a year not yet published, 元旦 is still a rest day and the deadline is provisional; loading the
    year makes it exact."""
    received = D(2026, 12, 28)
    before = WorkdayCalendar().add_working_days(received, ANSWER_PERIOD_SECURITIES)
    # 12-29, 12-30, 12-31, then 2027: Fri 01-01 is 元旦, so Mon 01-04 and Tue 01-05.
    assert before == before.__class__(ANSWER_PERIOD_SECURITIES, received, D(2027, 1, 5), provisional=True)
    loaded = WorkdayCalendar({D(2027, 1, 1): False, D(2027, 1, 4): False}, loaded_years=[2027])
    after = loaded.add_working_days(received, ANSWER_PERIOD_SECURITIES)
    assert after.due == D(2027, 1, 6)
    assert after.provisional is False


def test_l21_a_delegation_received_before_new_year_is_not_due_on_new_years_day():
    """L21 (issue 9 acceptance): 2026-12-25 + 5 working days is 2027-01-04 or later, and provisional."""
    deadline = WorkdayCalendar().add_working_days(D(2026, 12, 25), ANSWER_PERIOD_SECURITIES)
    assert deadline.due >= D(2027, 1, 4)
    assert deadline.due == D(2027, 1, 4)  # 12-28…12-31, then 01-01 (元旦) rests: Monday 01-04
    assert deadline.provisional is True


def test_l21_the_installed_chinese_calendar_knows_2004_to_2026_only():
    """L21: which years need the statutory-holiday rule; when the package learns 2027, these tests of 2027
    still hold through `statutory_holidays` and the loaded-year override, but this one says so."""
    cal = WorkdayCalendar()
    assert [y for y in range(2000, 2031) if cal.knows(y)] == list(range(2004, 2027))


# The statutory holidays of 2027 and 2028, read from published lunar calendars and the 清明 solar terms (checked
# against chinese-calendar's own solar-term formula below), not from lunar-python.
STATUTORY = {
    2027: {
        "元旦": [D(2027, 1, 1)],
        "春节": [D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)],  # 除夕 02-05, 正月初一 02-06
        "清明节": [D(2027, 4, 5)],
        "劳动节": [D(2027, 5, 1), D(2027, 5, 2)],
        "端午节": [D(2027, 6, 9)],
        "中秋节": [D(2027, 9, 15)],
        "国庆节": [D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)],
    },
    2028: {
        "元旦": [D(2028, 1, 1)],
        "春节": [D(2028, 1, 25), D(2028, 1, 26), D(2028, 1, 27), D(2028, 1, 28)],  # 除夕 01-25, 正月初一 01-26
        "清明节": [D(2028, 4, 4)],
        "劳动节": [D(2028, 5, 1), D(2028, 5, 2)],
        "端午节": [D(2028, 5, 28)],
        "中秋节": [D(2028, 10, 3)],  # within 国庆
        "国庆节": [D(2028, 10, 1), D(2028, 10, 2), D(2028, 10, 3)],
    },
}


@pytest.mark.parametrize(
    ("year", "name", "day"),
    [(year, name, day) for year, names in STATUTORY.items() for name, days in names.items() for day in days],
)
def test_l21_each_statutory_holiday_of_an_unknown_year_is_a_provisional_rest_day(year, name, day):
    """L21: 《全国年节及纪念日放假办法》(2024) — every statutory holiday rests even before the year is loaded."""
    assert name in statutory_holidays(year)[day]
    assert WorkdayCalendar().is_workday(day) == (False, True)


@pytest.mark.parametrize("year", sorted(STATUTORY))
def test_l21_no_other_day_is_a_statutory_holiday(year):
    """L21: 13 days a year (12 when 中秋 falls within 国庆, as in 2028); other weekdays stay working days."""
    assert set(statutory_holidays(year)) == {day for days in STATUTORY[year].values() for day in days}
    assert WorkdayCalendar().is_workday(D(year, 3, 1) + dt.timedelta(days=2)) == (D(year, 3, 3).weekday() < 5, True)


def test_l21_a_day_that_is_two_holidays_carries_both_names():
    assert statutory_holidays(2028)[D(2028, 10, 3)] == "中秋节、国庆节"


@pytest.mark.parametrize("year", [2027, 2028])
def test_l21_qingming_is_the_day_of_the_solar_term(year):
    """L21: 清明 is the day of the solar term; chinese-calendar computes solar terms by its own formula."""
    terms = dict((name, day) for day, name in chinese_calendar.get_solar_terms(D(year, 4, 1), D(year, 4, 10)))
    assert statutory_holidays(year)[terms["清明"]] == "清明节"


@pytest.mark.parametrize("year", [2025, 2026])
def test_l21_statutory_holidays_agree_with_the_published_arrangements(year):
    """L21: for the years the 2024 revision already governed, every statutory holiday computed here is a day off
    in the State Council's published arrangement (as chinese-calendar carries it)."""
    assert all(chinese_calendar.is_holiday(day) for day in statutory_holidays(year))


def test_override_corrects_a_known_year():
    cal = WorkdayCalendar({D(2026, 12, 1): False})
    assert cal.add_working_days(D(2026, 11, 27), ANSWER_PERIOD_SECURITIES).due == D(2026, 12, 7)


def test_general_rule_is_three_working_days_and_both_cite_their_source():
    """L4 (general rule 3 working days); L22: the notice cited by part and item."""
    assert WorkdayCalendar().add_working_days(D(2026, 9, 30), ANSWER_PERIOD_GENERAL).due == D(2026, 10, 10)
    assert ANSWER_PERIOD_SECURITIES.citation == "法办〔2021〕313号 四（五）"
    assert "第十二条" in ANSWER_PERIOD_GENERAL.citation


def test_calendar_day_period_ending_on_a_holiday_moves_to_next_working_day():
    rule = PeriodRule("test", 5, False, "test")
    # 2026-09-26 + 5 days = 10-01, National Day (10-01…10-07): the period ends on 10-08, the next working day.
    assert WorkdayCalendar().add_calendar_days(D(2026, 9, 26), rule).due == D(2026, 10, 8)
    thirty = PeriodRule("test", 30, False, "test")
    assert WorkdayCalendar().add_calendar_days(D(2026, 11, 2), thirty).due == D(2026, 12, 2)


def test_period_ends_at_midnight_china_time():
    deadline = WorkdayCalendar().add_working_days(D(2026, 9, 30), ANSWER_PERIOD_SECURITIES)
    assert deadline.ends_at == dt.datetime(2026, 10, 14, 0, 0, tzinfo=CHINA)
    assert not deadline.is_overdue(dt.datetime(2026, 10, 13, 23, 59, 59, tzinfo=CHINA))
    assert deadline.is_overdue(dt.datetime(2026, 10, 14, 0, 0, tzinfo=CHINA))
    assert deadline.is_overdue(dt.datetime(2026, 10, 13, 16, 0, tzinfo=dt.UTC))  # = 10-14 00:00 in Beijing


def test_default_validity_of_an_entry_confirmed_on_29_february_ends_on_28_february():
    from sutiao.kernel.rules import default_validity

    assert default_validity(dt.date(2028, 2, 29)) == dt.date(2031, 2, 28)
    assert default_validity(dt.date(2026, 12, 1)) == dt.date(2029, 12, 1)
