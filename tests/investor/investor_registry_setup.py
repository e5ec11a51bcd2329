"""Test set-up shared by the investor suites."""

from django.utils import timezone

from sutiao.accounts.models import Institution, InstitutionKind
from sutiao.kernel.calendar import china_today
from sutiao.kernel.identifiers import resident_id_check_digit, uscc_check_character
from sutiao.kernel.rules import default_validity
from sutiao.kernel.workflow import InvestorProposalState


def uscc_for(n: int) -> str:
    first17 = f"5111000{n:010d}"
    return first17 + uscc_check_character(first17)


def id_number_for(n: int) -> str:
    first17 = f"11010519800101{n:03d}"
    return first17 + resident_id_check_digit(first17)


def registered_org(name, n, office, court_peer, proposer, on_every_roster=True):
    """Test set-up: an organisation in the registry and, unless told otherwise, confirmed on the jointly
    recognised roster (every court), so delegations from any court reach it."""
    from sutiao.investor.models import MediationOrg, RosterProposal

    org = Institution.objects.create(kind=InstitutionKind.MEDIATION_ORG, name=name, parent=office)
    MediationOrg.objects.create(
        institution=org,
        uscc=uscc_for(n),
        kind="industry",
        scope=["全国"],
        dispute_types=["misrepresentation"],
        capacity=50,
    )
    if on_every_roster:
        today = china_today()
        RosterProposal.objects.create(
            peer=court_peer.peer,
            subject_kind="organisation",
            organisation=org,
            court_id=None,
            court_name="全国各级人民法院",
            proposed_by=proposer,
            proposed_at=timezone.now(),
            state=InvestorProposalState.CONFIRMED,
            decided_at=timezone.now(),
            decided_by="最高人民法院",
            valid_from=today,
            valid_until=default_validity(today),
        )
    return org
