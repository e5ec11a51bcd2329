"""The investor platform's half of "delegation only to the confirmed roster" (issue 4; LEGAL-RULES L2): a
DELEGATE from a court that has not confirmed the organisation, or to a suspended organisation, is refused
with a machine-readable reason, and nothing of it is stored."""

import datetime as dt

from django.utils import timezone
from investor_registry_setup import registered_org

from sutiao.docking.models import InboxMessage
from sutiao.docking.relay import PERMANENT
from sutiao.investor import registry
from sutiao.investor.models import CourtDirectory, Delegation, Mediator, RosterProposal
from sutiao.kernel.ids import new_id


def _deliver(post_message, make_envelope, court_peer, payload):
    message = make_envelope("DELEGATE", new_id(), 1, payload, "court-platform", "investor-platform")
    return post_message(message, court_peer.key)


def test_a_court_that_has_not_confirmed_the_organisation_cannot_delegate_to_it(
    court_peer, post_message, make_envelope, delegate_payload, regional_office, bureau_user, own_key
):
    org = registered_org("未入册调解中心", 7, regional_office, court_peer, bureau_user, on_every_roster=False)
    court_id = new_id()
    response = _deliver(post_message, make_envelope, court_peer, delegate_payload(org, court_id=str(court_id)))
    assert response.status_code == 422 and response.json()["error"] == "not_on_roster"
    # Retried by the sender: the court's confirmation may still be on its way.
    assert "not_on_roster" not in PERMANENT
    assert not Delegation.objects.exists() and not InboxMessage.objects.exists()

    today = timezone.localdate()
    RosterProposal.objects.create(
        peer=court_peer.peer,
        subject_kind="organisation",
        organisation=org,
        court_id=court_id,
        court_name="北京市朝阳区人民法院",
        proposed_by=bureau_user,
        proposed_at=timezone.now(),
        state="confirmed",
        valid_from=today - dt.timedelta(days=400),
        valid_until=today - dt.timedelta(days=1),
    )
    expired = _deliver(post_message, make_envelope, court_peer, delegate_payload(org, court_id=str(court_id)))
    assert expired.json()["error"] == "not_on_roster"
    RosterProposal.objects.update(valid_until=today)
    taken = _deliver(post_message, make_envelope, court_peer, delegate_payload(org, court_id=str(court_id)))
    assert taken.status_code == 200, taken.content
    # The delegating court is now one the Bureau can push to.
    assert CourtDirectory.objects.get(pk=court_id).name == "北京市朝阳区人民法院"


def test_a_suspended_organisation_refuses_for_good(
    court_peer, post_message, make_envelope, delegate_payload, org_a, bureau_user, own_key
):
    registry.set_organisation_status(bureau_user, org_a.registry, "suspended", "整改期间暂停调解业务")
    response = _deliver(post_message, make_envelope, court_peer, delegate_payload(org_a))
    assert response.status_code == 422 and response.json()["error"] == "organisation_unavailable"
    assert "organisation_unavailable" in PERMANENT  # the court gets the case back (court.services)
    assert not Delegation.objects.exists()


def test_the_mediator_the_parties_chose_arrives_with_the_delegation(receive, org_a, org_b, mediator_a, mediator_b):
    chosen = Mediator.objects.get(user=mediator_a)
    delegation = receive(org_a, mediator_id=str(chosen.pk))
    assert delegation.requested_mediator == chosen
    other = Mediator.objects.get(user=mediator_b)
    try:
        receive(org_a, mediator_id=str(other.pk))
    except AssertionError as refused:
        assert "unknown_mediator" in str(refused)
    else:
        raise AssertionError("a mediator of another organisation was accepted")


def test_only_the_court_platform_pushed_to_decides(org_a, bureau_user, court_peer, make_peer):
    from sutiao.docking.registry import Rejected
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
        registry.record_roster_decision(decision, make_peer("another-court-platform").peer)
    except Rejected as refused:
        assert refused.code == "unknown_proposal"
    else:
        raise AssertionError("a decision from another platform was taken")
    proposal.refresh_from_db()
    assert proposal.state == "pending"
    registry.record_roster_decision(decision, court_peer.peer)
    proposal.refresh_from_db()
    assert proposal.state == "rejected" and proposal.reason == "不符合条件"


def test_a_court_removing_the_organisation_ends_its_membership(
    court_peer, post_message, make_envelope, delegate_payload, regional_office, bureau_user, own_key
):
    org = registered_org("被移出调解中心", 8, regional_office, court_peer, bureau_user, on_every_roster=False)
    court_id = new_id()
    today = timezone.localdate()
    proposal = RosterProposal.objects.create(
        peer=court_peer.peer,
        subject_kind="organisation",
        organisation=org,
        court_id=court_id,
        court_name="北京市朝阳区人民法院",
        proposed_by=bureau_user,
        proposed_at=timezone.now(),
        state="confirmed",
        valid_from=today,
        valid_until=today.replace(year=today.year + 3),
    )
    removal = {
        "proposal_id": str(proposal.pk),
        "reason": "经审查，当事人投诉其强迫调解属实",
        "removed_by": "北京市朝阳区人民法院 王立案",
        "removed_at": timezone.now().isoformat(),
    }
    message = make_envelope("ROSTER_REMOVED", org.pk, 1, removal, "court-platform", "investor-platform")
    assert post_message(message, court_peer.key).status_code == 200
    proposal.refresh_from_db()
    assert proposal.state == "ended" and "强迫调解" in proposal.ended_reason
    assert org.registry.__class__.objects.get(pk=org.pk).version == 2  # the history shows the removal
    refused = _deliver(post_message, make_envelope, court_peer, delegate_payload(org, court_id=str(court_id)))
    assert refused.json()["error"] == "not_on_roster"
