"""L23 in the kernel: who consents to a lower court's taking over a higher court's roster entry, and that only
that consent confirms it (《人民法院在线调解规则》Art. 27 ¶2 “经其同意”, 其 = the organisation or mediator)."""

import pytest

from sutiao.kernel.enums import AdoptionConsentBy
from sutiao.kernel.rules import adoption_consent_by
from sutiao.kernel.workflow import (
    COURT_PROPOSAL,
    INVESTOR_PROPOSAL,
    CourtProposalEvent,
    CourtProposalState,
    InvestorProposalEvent,
    InvestorProposalState,
    TransitionNotAllowed,
)


def test_l23_the_organisation_or_the_mediator_answers_never_the_higher_court():
    assert adoption_consent_by(is_mediator=False, mediator_has_account=False) == AdoptionConsentBy.ORGANISATION
    assert adoption_consent_by(is_mediator=True, mediator_has_account=True) == AdoptionConsentBy.MEDIATOR
    assert adoption_consent_by(is_mediator=True, mediator_has_account=False) == AdoptionConsentBy.RECORDED_FOR_MEDIATOR


def test_l23_only_the_subjects_consent_confirms_a_request_at_the_court():
    waiting = CourtProposalState.AWAITING_CONSENT
    assert COURT_PROPOSAL.next_state(waiting, CourtProposalEvent.SUBJECT_CONSENTED) == CourtProposalState.CONFIRMED
    assert COURT_PROPOSAL.next_state(waiting, CourtProposalEvent.SUBJECT_REFUSED) == CourtProposalState.REJECTED
    assert COURT_PROPOSAL.next_state(waiting, CourtProposalEvent.REQUEST_REFUSED) == CourtProposalState.REJECTED
    # The court admin cannot confirm a request by itself.
    with pytest.raises(TransitionNotAllowed):
        COURT_PROPOSAL.next_state(waiting, CourtProposalEvent.CONFIRM)


def test_l23_the_investor_platform_records_consent_or_refusal():
    waiting = InvestorProposalState.AWAITING_CONSENT
    assert waiting.label == "待同意"
    assert INVESTOR_PROPOSAL.next_state(waiting, InvestorProposalEvent.CONSENTED) == InvestorProposalState.CONFIRMED
    assert INVESTOR_PROPOSAL.next_state(waiting, InvestorProposalEvent.REFUSED) == InvestorProposalState.REFUSED
    with pytest.raises(TransitionNotAllowed):
        INVESTOR_PROPOSAL.next_state(InvestorProposalState.PENDING, InvestorProposalEvent.CONSENTED)
