"""Test set-up shared by the court suites."""

from django.utils import timezone

from sutiao.court.models import RosterEntry, RosterProposal
from sutiao.kernel.ids import new_id


def put_on_roster(court, organisation, confirmed_by, mediator=None):
    """Test set-up: the organisation (or mediator) confirmed on the court's invited roster."""
    proposal = RosterProposal.objects.create(
        id=new_id(),
        court=court,
        subject_kind="mediator" if mediator else "organisation",
        organisation=organisation,
        mediator=mediator,
        proposed_by="中国证监会投资者保护局",
        proposed_at=timezone.now(),
        state="confirmed",
        decided_by=confirmed_by,
        decided_at=timezone.now(),
    )
    today = timezone.localdate()
    return RosterEntry.objects.create(
        court=court,
        subject_kind=proposal.subject_kind,
        organisation=organisation,
        mediator=mediator,
        proposal=proposal,
        valid_from=today,
        valid_until=today.replace(year=today.year + 3),
        confirmed_by=confirmed_by,
        confirmed_at=timezone.now(),
    )
