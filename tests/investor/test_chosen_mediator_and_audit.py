"""The parties' chosen mediator binds the organisation (LEGAL-RULES L3), membership of a court's roster has one
meaning (`in_force`), and every action and inbound effect leaves an audit record."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from investor_registry_setup import registered_org
from registry_fixtures import from_peer, make_id_number

from sutiao.accounts.models import Role, User
from sutiao.audit.models import AuditRecord
from sutiao.docking.models import OutboxMessage
from sutiao.docking.schemas import MessageType, RosterDecisionPayload
from sutiao.investor import inbound
from sutiao.investor.actions import delegations as actions
from sutiao.investor.actions import registry, roster
from sutiao.investor.models import CourtDirectory, Mediator, RegistryStatus, RosterProposal
from sutiao.investor.registry.data import MediatorData
from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.errors import DomainError
from sutiao.kernel.ids import new_id
from sutiao.kernel.mediation import TerminationGround
from sutiao.kernel.workflow import InvestorProposalState, InvestorState


@pytest.fixture
def second_mediator(org_a, admin_a):
    """Another mediator of org A, registered through the registry action."""
    user = User.objects.create_user(
        "a_mediator2", password="x-long-password", role=Role.MEDIATOR, institution=org_a, full_name="周调解"
    )
    registry.register_mediator(
        admin_a,
        org_a,
        MediatorData(name="周调解", id_number=make_id_number(901), training_hours=Decimal("8")),
        user=user,
    )
    return user


def _assigned_payload():
    return OutboxMessage.objects.filter(type=MessageType.MEDIATOR_ASSIGNED).get().payload


def test_L3_the_organisation_assigns_the_mediator_the_parties_chose(receive, org_a, admin_a, mediator_a):
    chosen = Mediator.objects.get(user=mediator_a)
    delegation = receive(org_a, chosen_mediator_id=str(chosen.pk))
    assert delegation.chosen_mediator == chosen
    actions.accept_delegation(admin_a, delegation)
    assigned = actions.assign_mediator(admin_a, delegation, mediator_a)
    assert assigned.state == InvestorState.MEDIATING and assigned.choice_declined_reason == ""
    assert _assigned_payload()["choice_declined_reason"] == ""


def test_L3_assigning_another_mediator_is_refused_unless_the_choice_is_declined_with_a_reason(
    receive, org_a, admin_a, mediator_a, second_mediator
):
    chosen = Mediator.objects.get(user=mediator_a)
    delegation = receive(org_a, chosen_mediator_id=str(chosen.pk))
    actions.accept_delegation(admin_a, delegation)
    with pytest.raises(DomainError) as refused:
        actions.assign_mediator(admin_a, delegation, second_mediator)
    assert refused.value.field == "choice_declined_reason"
    assert not OutboxMessage.objects.filter(type=MessageType.MEDIATOR_ASSIGNED).exists()

    reason = "张调解与被申请人存在利害关系，已申请回避"
    assigned = actions.assign_mediator(admin_a, delegation, second_mediator, choice_declined_reason=reason)
    assert assigned.mediator == second_mediator and assigned.choice_declined_reason == reason
    # The court and, through it, the parties see why their choice was not followed.
    assert _assigned_payload()["choice_declined_reason"] == reason
    assert any(reason in e.text for e in assigned.events.all())


def test_L3_the_choice_travels_under_its_earlier_name_too(receive, org_a, mediator_a):
    chosen = Mediator.objects.get(user=mediator_a)
    assert receive(org_a, mediator_id=str(chosen.pk)).chosen_mediator == chosen


def test_L3_the_assign_page_asks_for_the_reason_and_keeps_the_choice(
    client, receive, org_a, admin_a, mediator_a, second_mediator
):
    chosen = Mediator.objects.get(user=mediator_a)
    delegation = receive(org_a, chosen_mediator_id=str(chosen.pk))
    actions.accept_delegation(admin_a, delegation)
    client.force_login(admin_a)
    page = client.post(f"/delegations/{delegation.pk}/assign/", {"mediator": second_mediator.pk}).content.decode()
    assert "应指派该调解员，或写明不予指派的理由" in page
    delegation.refresh_from_db()
    assert delegation.state == InvestorState.ACCEPTED
    done = client.post(
        f"/delegations/{delegation.pk}/assign/",
        {"mediator": second_mediator.pk, "choice_declined_reason": "当事人选定的调解员已离任"},
    )
    assert done.status_code == 302
    page = client.get(f"/delegations/{delegation.pk}/").content.decode()
    assert 'data-testid="choice-declined-reason"' in page and "当事人选定的调解员已离任" in page


# --- one meaning of "on a court's roster on a day" ---


def test_a_confirmation_whose_period_has_not_started_is_not_in_force(court_peer, regional_office, bureau_user):
    org = registered_org("未生效调解中心", 21, regional_office, court_peer, bureau_user)
    today = china_today()
    RosterProposal.objects.update(valid_from=today + dt.timedelta(days=1))
    court = RosterProposal.objects.get().court_id
    assert not RosterProposal.objects.filter(organisation=org).for_court(court).in_force(today).exists()
    assert inbound.roster_refusal(org.pk, court, today).code == "not_on_roster"
    assert inbound.roster_refusal(org.pk, court, today + dt.timedelta(days=1)) is None
    # Still a decided membership: pushing again asks nothing new.
    assert RosterProposal.objects.filter(organisation=org).blocking_a_push(today).exists()


def test_in_force_counts_both_ends_of_the_period(court_peer, regional_office, bureau_user):
    org = registered_org("期间调解中心", 22, regional_office, court_peer, bureau_user)
    today = china_today()
    RosterProposal.objects.update(valid_from=today, valid_until=today)
    memberships = RosterProposal.objects.filter(organisation=org)
    assert memberships.in_force(today).exists()
    assert not memberships.in_force(today + dt.timedelta(days=1)).exists()
    assert not memberships.in_force(today - dt.timedelta(days=1)).exists()


# --- the audit log ---

FAILURE_RECORD = {
    "undisputed_facts": "申请人于2024年买入涉案股票。",
    "disputed_points": "损失数额",
    "positions": {"申请人": "赔偿八万元", "被申请人": "不同意赔偿"},
}


def _actions_logged():
    return list(AuditRecord.objects.order_by("seq").values_list("action", "actor"))


def test_every_delegation_action_and_inbound_effect_is_audited(receive, org_a, admin_a, mediator_a):
    delegation = receive(org_a)
    actions.accept_delegation(admin_a, delegation)
    actions.assign_mediator(admin_a, delegation, mediator_a)
    actions.record_result(
        mediator_a,
        delegation,
        MediationOutcome.FAILED,
        ground=TerminationGround.IRRECONCILABLE,
        failure_record=FAILURE_RECORD,
    )
    logged = [a for a, _ in _actions_logged()]
    assert logged[-5:] == [
        "delegation.received",
        "delegation.accept",
        "mediation.open",
        "delegation.assign_mediator",
        "delegation.record_result",
    ]
    received = AuditRecord.objects.get(action="delegation.received")
    assert received.actor == "court-platform" and received.case == str(delegation.case)
    result = AuditRecord.objects.get(action="delegation.record_result")
    assert result.before == {"state": InvestorState.MEDIATING}
    assert result.after["state"] == InvestorState.FAILED


def test_registry_actions_and_sensitive_reads_are_audited(
    court_peer, regional_office, bureau_user, admin_a, org_a, mediator_a
):
    org = registered_org("审计调解中心", 23, regional_office, court_peer, bureau_user)
    registry.set_organisation_status(bureau_user, org.registry, RegistryStatus.SUSPENDED, "整改")
    status = AuditRecord.objects.get(action="registry.organisation.set_status")
    assert status.before == {"status": RegistryStatus.ACTIVE} and status.after["status"] == RegistryStatus.SUSPENDED
    assert status.after["proposals_ended"] == 1

    mediator = Mediator.objects.get(user=mediator_a)
    number = registry.reveal_id_number(admin_a, mediator, "核对身份")
    assert len(number) == 18
    shown = AuditRecord.objects.get(action="registry.mediator.reveal_id_number")
    assert shown.object_id == str(mediator.pk) and number not in str(shown.after)

    registry.export_mediators(admin_a, org_a)
    registry.export_organisations(bureau_user)
    assert {"registry.export.mediators", "registry.export.organisations"} <= {a for a, _ in _actions_logged()}


def test_a_court_decision_is_audited_with_the_court_as_actor(court_peer, regional_office, bureau_user):
    org = registered_org("决定调解中心", 24, regional_office, court_peer, bureau_user, on_every_roster=False)
    court = CourtDirectory.objects.create(id=new_id(), peer=court_peer.peer, name="北京市朝阳区人民法院")
    proposal = roster.propose_organisation(bureau_user, org.registry, court.pk)
    inbound.on_roster_decision(
        from_peer(
            court_peer.peer,
            RosterDecisionPayload(
                proposal_id=proposal.pk,
                confirmed=False,
                reason="不符合条件",
                decided_by="某法院",
                decided_at=timezone.now(),
            ),
        )
    )
    decided = AuditRecord.objects.get(action="roster.decided")
    assert decided.actor == "court-platform"
    assert decided.before == {"state": InvestorProposalState.PENDING}
    assert decided.after["state"] == InvestorProposalState.REJECTED
