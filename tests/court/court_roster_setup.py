"""Test set-up shared by the court suites."""

from django.utils import timezone

from sutiao.court.models import RosterEntry, RosterProposal, SubjectKind
from sutiao.kernel.calendar import china_today
from sutiao.kernel.identifiers import uscc_check_character
from sutiao.kernel.ids import new_id
from sutiao.kernel.rules import default_validity
from sutiao.kernel.workflow import CourtProposalState


def put_on_roster_bypassing_actions(court, organisation, confirmed_by, mediator=None):
    """Test set-up: the organisation (or mediator) confirmed on the court's invited roster, written straight into
    the tables (no push arrived to confirm)."""
    proposal = RosterProposal.objects.create(
        id=new_id(),
        court=court,
        subject_kind=SubjectKind.MEDIATOR if mediator else SubjectKind.ORGANISATION,
        organisation=organisation,
        mediator=mediator,
        proposed_by="中国证监会投资者保护局",
        proposed_at=timezone.now(),
        state=CourtProposalState.CONFIRMED,
        decided_by=confirmed_by,
        decided_at=timezone.now(),
    )
    today = china_today()
    return RosterEntry.objects.create(
        court=court,
        subject_kind=proposal.subject_kind,
        organisation=organisation,
        mediator=mediator,
        proposal=proposal,
        valid_from=today,
        valid_until=default_validity(today),
        confirmed_by=confirmed_by,
        confirmed_at=timezone.now(),
    )


def card(org_id, name="深圳证券期货纠纷调解中心", version=1, active=True, **overrides):
    first17 = "51440300MJ" + f"{abs(hash(str(org_id))) % 10**7:07d}"
    return {
        "organisation_id": str(org_id),
        "name": name,
        "uscc": first17 + uscc_check_character(first17),
        "kind": "证券期货行业调解组织",
        "supervisor": "中国证监会深圳监管局",
        "scope": ["广东省", "北京市"],
        "dispute_types": ["misrepresentation"],
        "capacity": 40,
        "active": active,
        "version": version,
        **overrides,
    }


def mediator_card(mediator_id, org_id, version=1, active=True):
    return {
        "mediator_id": str(mediator_id),
        "organisation_id": str(org_id),
        "name": "黄调解",
        "id_number_masked": "110***********123X",
        "specialties": ["misrepresentation"],
        "qualifications": ["律师"],
        "training_hours": "32.0",
        "active": active,
        "version": version,
    }
