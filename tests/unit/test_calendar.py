"""Working days against the State Council's 2026 arrangement, and the provisional rule for unknown years
(issue 2 acceptance; LEGAL-RULES L4; 《民法典》Art. 201, 203)."""

import datetime as dt

import pytest

from sutiao.kernel.calendar import CHINA, PeriodRule, WorkdayCalendar
from sutiao.kernel.enums import DelegationKind
from sutiao.kernel.rules import ANSWER_PERIOD_GENERAL, ANSWER_PERIOD_SECURITIES, MEDIATION_PERIOD

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
    deadline = WorkdayCalendar().add_working_days(received, ANSWER_PERIOD_SECURITIES)
    assert deadline.due == due
    assert deadline.provisional is False


def test_saturday_make_up_days_count_and_holidays_do_not():
    cal = WorkdayCalendar()
    assert cal.is_workday(D(2026, 10, 10)) == (True, False)
    assert cal.is_workday(D(2026, 2, 14)) == (True, False)
    assert cal.is_workday(D(2026, 10, 5)) == (False, False)


def test_unknown_year_is_provisional_then_exact_once_loaded():
    received = D(2026, 12, 28)
    before = WorkdayCalendar().add_working_days(received, ANSWER_PERIOD_SECURITIES)
    # 12-29, 12-30, 12-31, then 2027 judged by weekends alone: Fri 01-01 and Mon 01-04.
    assert before == before.__class__(ANSWER_PERIOD_SECURITIES, received, D(2027, 1, 4), provisional=True)
    loaded = WorkdayCalendar({D(2027, 1, 1): False}, loaded_years=[2027])
    after = loaded.add_working_days(received, ANSWER_PERIOD_SECURITIES)
    assert after.due == D(2027, 1, 5)
    assert after.provisional is False


def test_override_corrects_a_known_year():
    cal = WorkdayCalendar({D(2026, 12, 1): False})
    assert cal.add_working_days(D(2026, 11, 27), ANSWER_PERIOD_SECURITIES).due == D(2026, 12, 7)


def test_general_rule_is_three_working_days_and_both_cite_their_source():
    assert WorkdayCalendar().add_working_days(D(2026, 9, 30), ANSWER_PERIOD_GENERAL).due == D(2026, 10, 10)
    assert "313" in ANSWER_PERIOD_SECURITIES.citation
    assert "第十二条" in ANSWER_PERIOD_GENERAL.citation


def test_calendar_day_period_ending_on_a_holiday_moves_to_next_working_day():
    rule = PeriodRule("test", 5, False, "test")
    # 2026-09-26 + 5 days = 10-01, National Day (10-01…10-07): the period ends on 10-08, the next working day.
    assert WorkdayCalendar().add_calendar_days(D(2026, 9, 26), rule).due == D(2026, 10, 8)
    assert WorkdayCalendar().add_calendar_days(D(2026, 11, 2), MEDIATION_PERIOD[DelegationKind.DELEGATION]).due == D(
        2026, 12, 2
    )


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
