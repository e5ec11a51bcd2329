"""The investor platform's roster-proposal and import-job machines (kernel.workflow)."""

import pytest

from sutiao.kernel.workflow import (
    IMPORT_ACTIVE,
    IMPORT_JOB,
    INVESTOR_PROPOSAL,
    INVESTOR_PROPOSAL_LIVE,
    ImportEvent,
    ImportState,
    InvestorProposalEvent,
    InvestorProposalState,
    TransitionNotAllowed,
)

P, PE = InvestorProposalState, InvestorProposalEvent


def test_a_push_is_decided_once():
    assert INVESTOR_PROPOSAL.next_state(P.PENDING, PE.CONFIRMED) == P.CONFIRMED
    assert INVESTOR_PROPOSAL.next_state(P.PENDING, PE.REJECTED) == P.REJECTED
    for decided in (P.CONFIRMED, P.REJECTED, P.ENDED):
        with pytest.raises(TransitionNotAllowed):
            INVESTOR_PROPOSAL.next_state(decided, PE.CONFIRMED)


def test_only_a_membership_is_removed_or_superseded():
    for event in (PE.REMOVED, PE.SUPERSEDED):
        assert INVESTOR_PROPOSAL.next_state(P.CONFIRMED, event) == P.ENDED
        with pytest.raises(TransitionNotAllowed):
            INVESTOR_PROPOSAL.next_state(P.PENDING, event)


def test_a_subject_leaving_ends_every_live_push():
    assert {s for s in P if (s, PE.SUBJECT_INACTIVE) in INVESTOR_PROPOSAL.transitions} == set(INVESTOR_PROPOSAL_LIVE)


def test_an_import_runs_once_and_ends_done_or_failed():
    assert IMPORT_JOB.next_state(ImportState.QUEUED, ImportEvent.START) == ImportState.RUNNING
    assert IMPORT_JOB.next_state(ImportState.RUNNING, ImportEvent.FINISH) == ImportState.DONE
    assert IMPORT_JOB.next_state(ImportState.RUNNING, ImportEvent.FAIL) == ImportState.FAILED
    assert IMPORT_JOB.allowed_events(ImportState.DONE) == [] == IMPORT_JOB.allowed_events(ImportState.FAILED)
    assert set(IMPORT_ACTIVE) == {ImportState.QUEUED, ImportState.RUNNING}
