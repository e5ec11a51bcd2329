"""The kernel's mediation rules: the period (L6) with holidays, extensions and appraisal time, the notice to the
other party (L5), the grounds of termination (L7), recusal (L9), identity checks (L8) and the failure record
(L17). The 2025 National Day holiday runs 1–8 October, with Sunday 28 September and Saturday 11 October
worked instead (国办发明电〔2024〕12号)."""

import datetime as dt

import pytest

from sutiao.kernel.calendar import WorkdayCalendar
from sutiao.kernel.enums import DelegationKind
from sutiao.kernel.mediation import (
    NOTIFY_PERIOD,
    Pause,
    TerminationGround,
    extension_allowed,
    failure_record_problems,
    identities_checked,
    identity_cleared,
    mediation_deadline,
    period_rule,
    refusing_every_replacement_ends,
    termination_allowed,
)
from sutiao.kernel.workflow import MEDIATION, MediationEvent, MediationState, TransitionNotAllowed

CAL = WorkdayCalendar()
D = dt.date


@pytest.mark.parametrize(
    ("kind", "simple", "days"),
    [
        (DelegationKind.DELEGATION, False, 30),
        (DelegationKind.ENTRUSTMENT, False, 15),
        (DelegationKind.ENTRUSTMENT, True, 7),
        (DelegationKind.DELEGATION, True, 30),  # simple procedure exists only once a case is filed
    ],
)
def test_L6_period_length_by_kind_and_procedure(kind, simple, days):
    rule = period_rule(kind, simple)
    assert rule.length == days and not rule.working_days and "第二十四条" in rule.citation


def test_L6_calendar_days_and_a_last_day_in_the_national_day_holiday_moves_to_the_next_working_day():
    # 30 calendar days from 1 September (the start day not counted) is 1 October, a holiday: 9 October.
    assert mediation_deadline(CAL, period_rule("delegation", False), D(2025, 9, 1)).due == D(2025, 10, 9)
    assert mediation_deadline(CAL, period_rule("entrustment", True), D(2025, 9, 24)).due == D(2025, 10, 9)
    assert mediation_deadline(CAL, period_rule("entrustment", False), D(2025, 9, 20)).due == D(2025, 10, 9)
    # A plain working day stays: 30 days from 3 March 2025 is Wednesday 2 April.
    assert mediation_deadline(CAL, period_rule("delegation", False), D(2025, 3, 3)).due == D(2025, 4, 2)


def test_L6_an_extension_lengthens_the_period_and_needs_every_party():
    # 2 more days lands on 4 April 2025 (清明), so the period ends on Monday 7 April.
    assert mediation_deadline(CAL, period_rule("delegation", False), D(2025, 3, 3), 2).due == D(2025, 4, 7)
    assert not extension_allowed({1}, {1, 2})
    assert not extension_allowed(set(), set())
    assert extension_allowed({1, 2}, {1, 2})


def test_L6_appraisal_time_is_not_counted_and_a_running_appraisal_stops_the_clock():
    rule = period_rule("delegation", False)
    five_days = Pause(D(2025, 3, 10), D(2025, 3, 15))
    assert mediation_deadline(CAL, rule, D(2025, 3, 3), 0, [five_days]).due == D(2025, 4, 7)
    assert mediation_deadline(CAL, rule, D(2025, 3, 3), 3, [five_days]).due == D(2025, 4, 10)
    assert mediation_deadline(CAL, rule, D(2025, 3, 3), 0, [Pause(D(2025, 3, 10))]) is None


def test_L6_the_mediation_machine_extends_pauses_and_resumes():
    assert MEDIATION.next_state(MediationState.ACTIVE, MediationEvent.EXTEND) == MediationState.ACTIVE
    assert MEDIATION.next_state(MediationState.ACTIVE, MediationEvent.PAUSE) == MediationState.APPRAISAL
    assert MEDIATION.next_state(MediationState.APPRAISAL, MediationEvent.RESUME) == MediationState.ACTIVE
    with pytest.raises(TransitionNotAllowed):
        MEDIATION.next_state(MediationState.APPRAISAL, MediationEvent.EXTEND)
    with pytest.raises(TransitionNotAllowed):
        MEDIATION.next_state(MediationState.SUCCEEDED, MediationEvent.TERMINATE)


def test_L5_three_working_days_over_the_national_day_holiday():
    # Accepted Tuesday 30 September 2025: 9, 10 and (worked) Saturday 11 October.
    assert CAL.deadline(D(2025, 9, 30), NOTIFY_PERIOD).due == D(2025, 10, 11)


def test_L7_grounds_of_art_25_and_period_expiry_only_after_the_end():
    deadline = mediation_deadline(CAL, period_rule("delegation", False), D(2025, 3, 3))
    assert termination_allowed(TerminationGround.IRRECONCILABLE, D(2025, 3, 10), deadline)
    assert not termination_allowed(TerminationGround.PERIOD_EXPIRED, D(2025, 4, 2), deadline)
    assert termination_allowed(TerminationGround.PERIOD_EXPIRED, D(2025, 4, 3), deadline)
    assert not termination_allowed(TerminationGround.PERIOD_EXPIRED, D(2025, 9, 1), None)  # clock stopped
    assert not termination_allowed(TerminationGround.AGREEMENT, D(2025, 3, 10), deadline)  # that is success
    assert len(TerminationGround) == 8


def test_L8_every_participant_checked_and_warned():
    assert identities_checked({1, 2}, {1, 2, 3})
    assert not identities_checked({1, 2}, {1})
    assert not identities_checked(set(), {1})
    # One participant: checked with a positive result and warned; a failed or missing check, or no warning, is not.
    assert identity_cleared(True, True)
    assert not identity_cleared(True, False) and not identity_cleared(False, True) and not identity_cleared(None, True)


def test_L9_refusing_the_replacement_too_is_refusing_mediation():
    assert not refusing_every_replacement_ends(0)
    assert refusing_every_replacement_ends(1)


def test_L17_a_failure_record_has_facts_points_and_every_sides_position():
    complete = {"undisputed_facts": "无", "disputed_points": "损失数额", "positions": {"甲": "赔", "乙": "不赔"}}
    assert failure_record_problems(complete) == []
    assert failure_record_problems({**complete, "positions": {"甲": "赔", "乙": " "}}) == ["positions"]
    assert failure_record_problems({"positions": {}}) == ["undisputed_facts", "disputed_points", "positions"]
