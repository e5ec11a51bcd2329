import pytest

from sutiao.kernel.enums import CaseStage
from sutiao.kernel.workflow import (
    COURT,
    INVESTOR,
    CourtEvent,
    CourtState,
    InvestorEvent,
    InvestorState,
    TransitionNotAllowed,
    back_to_court_event,
)


def test_court_happy_path():
    state = CourtState.APPLIED
    for event in [
        CourtEvent.ASK_CONSENT,
        CourtEvent.ALL_CONSENTED,
        CourtEvent.DELEGATE,
        CourtEvent.ACCEPTED,
        CourtEvent.SUCCEEDED,
    ]:
        state = COURT.next_state(state, event)
    assert state == CourtState.SUCCEEDED


def test_declined_case_returns_and_can_be_delegated_again_or_filed():
    state = COURT.next_state(CourtState.DELEGATED, CourtEvent.DECLINED)
    assert state == CourtState.RETURNED
    assert COURT.next_state(state, CourtEvent.DELEGATE) == CourtState.DELEGATED
    assert COURT.next_state(state, CourtEvent.FILE_CASE) == CourtState.FILED


def test_delegation_without_consent_stage_is_refused_in_chinese():
    with pytest.raises(TransitionNotAllowed) as refused:
        COURT.next_state(CourtState.APPLIED, CourtEvent.DELEGATE)
    assert "不允许" in refused.value.message


def test_failure_goes_back_to_court_by_stage():
    assert back_to_court_event(CaseStage.PRE_FILING) == CourtEvent.FILE_CASE
    assert back_to_court_event(CaseStage.IN_LITIGATION) == CourtEvent.RESUME_TRIAL
    assert COURT.next_state(CourtState.FAILED, CourtEvent.RESUME_TRIAL) == CourtState.TRIAL_RESUMED


def test_investor_machine():
    assert INVESTOR.next_state(InvestorState.RECEIVED, InvestorEvent.ACCEPT) == InvestorState.ACCEPTED
    assert INVESTOR.next_state(InvestorState.ACCEPTED, InvestorEvent.ASSIGN_MEDIATOR) == InvestorState.MEDIATING
    with pytest.raises(TransitionNotAllowed):
        INVESTOR.next_state(InvestorState.DECLINED, InvestorEvent.ACCEPT)
    with pytest.raises(TransitionNotAllowed):
        INVESTOR.next_state(InvestorState.RECEIVED, InvestorEvent.SUCCEED)
    assert set(INVESTOR.allowed_events(InvestorState.RECEIVED)) == {
        InvestorEvent.ACCEPT,
        InvestorEvent.DECLINE,
        InvestorEvent.RECALL,
    }
