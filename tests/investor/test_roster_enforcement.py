"""The investor platform's half of "delegation only to the confirmed roster" (issue 4; LEGAL-RULES L2): a
DELEGATE from a court that has not confirmed the organisation, or to a suspended organisation, is refused
with a machine-readable reason, and nothing of it is stored."""

import datetime as dt

from django.utils import timezone
from investor_registry_setup import registered_org
from registry_fixtures import from_peer

from sutiao.docking.models import InboxMessage
from sutiao.docking.schemas import MessageType
from sutiao.investor import inbound, selectors
from sutiao.investor.actions import registry, roster
from sutiao.investor.models import CourtDirectory, Delegation, Mediator, RegistryStatus, RosterProposal
from sutiao.kernel.calendar import china_today
from sutiao.kernel.ids import new_id
from sutiao.kernel.rules import default_validity
from sutiao.kernel.workflow import InvestorProposalState


def _deliver(post_message, make_envelope, court_peer, payload):
    message = make_envelope(MessageType.DELEGATE, new_id(), 1, payload, "court-platform", "investor-platform")
    return post_message(message, court_peer.key)


def test_a_court_that_has_not_confirmed_the_organisation_cannot_delegate_to_it(
    court_peer, post_message, make_envelope, delegate_payload, regional_office, bureau_user, own_key
):
    org = registered_org("未入册调解中心", 7, regional_office, court_peer, bureau_user, on_every_roster=False)
    court_id = new_id()
    today = china_today()
    pending = RosterProposal.objects.create(
        peer=court_peer.peer,
        subject_kind="organisation",
        organisation=org,
        court_id=court_id,
        court_name="北京市朝阳区人民法院",
        proposed_by=bureau_user,
        proposed_at=timezone.now(),
    )
    # Pushed, and the court's decision not here yet: it may have confirmed and delegated at once. Retried;
    # nothing stored.
    response = _deliver(post_message, make_envelope, court_peer, delegate_payload(org, court_id=str(court_id)))
    assert response.status_code == 422 and response.json()["error"] == "roster_pending"
    assert response.json()["final"] is False
    assert not Delegation.objects.exists() and not InboxMessage.objects.exists()

    # Not confirmed by that court (or no longer in date): refused for good, recorded, the case goes on.
    pending.state, pending.valid_from, pending.valid_until = (
        InvestorProposalState.CONFIRMED,
        today - dt.timedelta(days=400),
        today,
    )
    pending.valid_until = today - dt.timedelta(days=1)
    pending.save()
    expired = _deliver(post_message, make_envelope, court_peer, delegate_payload(org, court_id=str(court_id)))
    assert expired.json()["error"] == "not_on_roster" and expired.json()["final"] is True
    assert InboxMessage.objects.get().status == "rejected" and not Delegation.objects.exists()
    RosterProposal.objects.update(valid_until=today)
    taken = _deliver(post_message, make_envelope, court_peer, delegate_payload(org, court_id=str(court_id)))
    assert taken.status_code == 200, taken.content
    # The delegating court is now one the Bureau can push to.
    assert CourtDirectory.objects.get(pk=court_id).name == "北京市朝阳区人民法院"


def test_a_suspended_organisation_refuses_for_good(
    court_peer, post_message, make_envelope, delegate_payload, org_a, bureau_user, own_key
):
    registry.set_organisation_status(bureau_user, org_a.registry, RegistryStatus.SUSPENDED, "整改期间暂停调解业务")
    response = _deliver(post_message, make_envelope, court_peer, delegate_payload(org_a))
    assert response.status_code == 422 and response.json()["error"] == "organisation_unavailable"
    assert response.json()["final"] is True  # the court gets the case back (court.inbound.on_delegate_parked)
    assert not Delegation.objects.exists()


def test_the_mediator_the_parties_chose_arrives_with_the_delegation(receive, org_a, org_b, mediator_a, mediator_b):
    chosen = Mediator.objects.get(user=mediator_a)
    delegation = receive(org_a, mediator_id=str(chosen.pk))
    assert delegation.chosen_mediator == chosen
    other = Mediator.objects.get(user=mediator_b)
    try:
        receive(org_a, mediator_id=str(other.pk))
    except AssertionError as refused:
        assert "unknown_mediator" in str(refused)
    else:
        raise AssertionError("a mediator of another organisation was accepted")


def test_only_the_court_platform_pushed_to_decides(org_a, bureau_user, court_peer, make_peer):
    from sutiao.docking.refusals import Rejected
    from sutiao.docking.schemas import RosterDecisionPayload

    proposal = RosterProposal.objects.create(
        peer=court_peer.peer,
        subject_kind="organisation",
        organisation=org_a,
        court_id=new_id(),
        court_name="北京市朝阳区人民法院",
        proposed_by=bureau_user,
        proposed_at=timezone.now(),
    )
    decision = RosterDecisionPayload(
        proposal_id=proposal.pk, confirmed=False, reason="不符合条件", decided_by="某法院", decided_at=timezone.now()
    )
    try:
        inbound.on_roster_decision(from_peer(make_peer("another-court-platform").peer, decision))
    except Rejected as refused:
        assert refused.code == "unknown_proposal"
    else:
        raise AssertionError("a decision from another platform was taken")
    proposal.refresh_from_db()
    assert proposal.state == InvestorProposalState.PENDING
    inbound.on_roster_decision(from_peer(court_peer.peer, decision))
    proposal.refresh_from_db()
    assert proposal.state == InvestorProposalState.REJECTED and proposal.reason == "不符合条件"


def test_a_court_removing_the_organisation_ends_its_membership(
    court_peer, post_message, make_envelope, delegate_payload, regional_office, bureau_user, own_key
):
    org = registered_org("被移出调解中心", 8, regional_office, court_peer, bureau_user, on_every_roster=False)
    court_id = new_id()
    today = china_today()
    proposal = RosterProposal.objects.create(
        peer=court_peer.peer,
        subject_kind="organisation",
        organisation=org,
        court_id=court_id,
        court_name="北京市朝阳区人民法院",
        proposed_by=bureau_user,
        proposed_at=timezone.now(),
        state=InvestorProposalState.CONFIRMED,
        valid_from=today,
        valid_until=default_validity(today),
    )
    removal = {
        "proposal_id": str(proposal.pk),
        "reason": "经审查，当事人投诉其强迫调解属实",
        "removed_by": "北京市朝阳区人民法院 王立案",
        "removed_at": timezone.now().isoformat(),
    }
    message = make_envelope(MessageType.ROSTER_REMOVED, org.pk, 1, removal, "court-platform", "investor-platform")
    assert post_message(message, court_peer.key).status_code == 200
    proposal.refresh_from_db()
    assert proposal.state == InvestorProposalState.ENDED and "强迫调解" in proposal.ended_reason
    assert org.registry.__class__.objects.get(pk=org.pk).version == 2  # the history shows the removal
    refused = _deliver(post_message, make_envelope, court_peer, delegate_payload(org, court_id=str(court_id)))
    assert refused.json()["error"] == "not_on_roster"


def test_a_final_refusal_lets_the_cases_next_message_through(
    court_peer, post_message, make_envelope, delegate_payload, org_a, org_b, bureau_user, own_key
):
    """The court re-delegates after a final refusal: the new DELEGATE (the case's next sequence number) is
    applied at once, not held back waiting for the refused one; the refused one, sent again, is refused again."""
    registry.set_organisation_status(bureau_user, org_a.registry, RegistryStatus.SUSPENDED, "整改期间暂停调解业务")
    case = new_id()
    first = make_envelope(MessageType.DELEGATE, case, 1, delegate_payload(org_a), "court-platform", "investor-platform")
    assert post_message(first, court_peer.key).json()["error"] == "organisation_unavailable"
    again = post_message(first, court_peer.key)
    assert again.status_code == 422 and again.json()["error"] == "organisation_unavailable"
    second = make_envelope(
        MessageType.DELEGATE, case, 2, delegate_payload(org_b), "court-platform", "investor-platform"
    )
    response = post_message(second, court_peer.key)
    assert response.status_code == 200 and response.json()["status"] == "applied"
    assert Delegation.objects.get().organisation == org_b


def test_a_push_the_court_platform_refuses_for_good_ends_as_not_confirmed(regional_office, bureau_user, court_peer):
    from sutiao.docking import relay
    from sutiao.docking.models import OutboxMessage
    from sutiao.docking.refusals import DeliveryFailed

    org = registered_org("待推送调解中心", 9, regional_office, court_peer, bureau_user, on_every_roster=False)
    court = CourtDirectory.objects.create(id=new_id(), peer=court_peer.peer, name="已撤销的法院")
    proposal = roster.propose_organisation(bureau_user, org.registry, court.pk)
    message = OutboxMessage.objects.get(type=MessageType.ROSTER_PROPOSED)
    relay._record([message], [DeliveryFailed("unknown_court 本平台没有该法院", "unknown_court", final=True)], None)
    proposal.refresh_from_db()
    assert proposal.state == InvestorProposalState.REJECTED and "法院平台拒收" in proposal.reason


def test_the_court_platforms_list_keeps_the_court_directory_current(court_peer, regional_office, bureau_user):
    """/docking/v1/courts, as the worker records it: new courts added, renamed and closed ones followed, an
    unlisted one kept for the pushes that name it but no longer offered for new pushes."""
    from sutiao.docking.schemas import CourtCard
    from sutiao.kernel.errors import DomainError

    learned = CourtDirectory.objects.create(id=new_id(), peer=court_peer.peer, name="北京市东城区人民法院")
    high, basic = new_id(), new_id()
    inbound.on_court_list(
        court_peer.peer,
        [
            CourtCard(court_id=high, name="北京市高级人民法院", kind="high_court", parent_id=None, active=True),
            CourtCard(court_id=basic, name="北京市朝阳区法院", kind="basic_court", parent_id=high, active=True),
        ],
    )
    assert {c.pk for c in selectors.courts()} == {high, basic}
    assert CourtDirectory.objects.get(pk=basic).parent_id == high
    learned.refresh_from_db()
    assert not learned.active  # the court platform does not list it

    inbound.on_court_list(
        court_peer.peer,
        [
            CourtCard(court_id=high, name="北京市高级人民法院", kind="high_court", parent_id=None, active=False),
            CourtCard(court_id=basic, name="北京市朝阳区人民法院", kind="basic_court", parent_id=high, active=True),
        ],
    )
    assert [c.name for c in selectors.courts()] == ["北京市朝阳区人民法院"]
    org = registered_org("名录调解中心", 12, regional_office, court_peer, bureau_user, on_every_roster=False)
    try:
        roster.propose_organisation(bureau_user, org.registry, high)
    except DomainError as refused:
        assert refused.field == "court"
    else:
        raise AssertionError("a push to a court no longer in the directory was taken")
    assert roster.propose_organisation(bureau_user, org.registry, basic).court_name == "北京市朝阳区人民法院"
