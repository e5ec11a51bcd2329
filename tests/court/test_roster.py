"""The court's invited roster (issue 4): pushes arriving through the signed docking, confirmation and
rejection, removal when the registry says so, delegation only to the roster, the parties' choice and its
deadlines (LEGAL-RULES L2, L3), and the recommendation shown when delegating."""

import datetime as dt
from decimal import Decimal

import pytest
from court_roster_setup import card, put_on_roster_bypassing_actions
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.court import selectors
from sutiao.court.actions import cases
from sutiao.court.actions import delegation as delegation_actions
from sutiao.court.actions import roster as roster_actions
from sutiao.court.models import (
    Case,
    Delegation,
    Organisation,
    RosterEntry,
    RosterEvent,
    RosterProposal,
)
from sutiao.docking.models import OutboxMessage
from sutiao.docking.schemas import MessageType
from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import ConsentMethod
from sutiao.kernel.errors import DomainError
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import CourtProposalState, CourtState, DelegationState
from token_setup import api_token


def test_a_push_waits_for_the_court_and_a_confirmation_travels_back(push, staff, court, admin):
    response = push()
    assert response.status_code == 200, response.content
    proposal = RosterProposal.objects.get(pk=response.proposal_id)
    assert proposal.state == CourtProposalState.PENDING and proposal.court == court
    assert Organisation.objects.get(pk=response.org_id).capacity == 40
    assert not selectors.organisation_on_roster(court.pk, response.org_id)

    entry = roster_actions.confirm_proposal(admin, proposal)
    assert entry.valid_until == entry.valid_from.replace(year=entry.valid_from.year + 3)
    assert selectors.organisation_on_roster(court.pk, response.org_id)
    decision = OutboxMessage.objects.get(type=MessageType.ROSTER_DECISION)
    assert decision.payload["confirmed"] is True and decision.payload["proposal_id"] == str(proposal.pk)
    assert decision.case == response.org_id
    assert RosterEvent.objects.filter(court=court, text__contains="纳入特邀调解名册").exists()
    with pytest.raises(DomainError):
        roster_actions.confirm_proposal(admin, proposal)  # decided once


def test_a_renewal_push_replaces_the_entry_it_renews(push, staff, court, admin):
    first = push()
    old = roster_actions.confirm_proposal(admin, RosterProposal.objects.get(pk=first.proposal_id))
    renewal = push(org_id=first.org_id)
    new = roster_actions.confirm_proposal(admin, RosterProposal.objects.get(pk=renewal.proposal_id))
    old.refresh_from_db()
    assert old.removed_at is not None and old.removed_reason.startswith("续期")
    assert list(selectors.roster_entries(court.pk)) == [new]
    decision = OutboxMessage.objects.filter(type=MessageType.ROSTER_DECISION).latest("occurred_at")
    assert decision.payload["proposal_id"] == str(renewal.proposal_id)
    assert decision.payload["supersedes"] == str(first.proposal_id)
    first_decision = OutboxMessage.objects.filter(type=MessageType.ROSTER_DECISION).earliest("occurred_at")
    assert first_decision.payload["supersedes"] is None
    assert RosterEvent.objects.filter(court=court, text__startswith="续期确认").exists()


def test_a_rejection_needs_a_reason_and_carries_it(push, staff, admin):
    proposal = RosterProposal.objects.get(pk=push().proposal_id)
    with pytest.raises(DomainError) as refused:
        roster_actions.reject_proposal(admin, proposal, "  ")
    assert refused.value.field == "reason"
    assert not OutboxMessage.objects.filter(type=MessageType.ROSTER_DECISION).exists()
    roster_actions.reject_proposal(admin, proposal, "该组织尚无证券期货纠纷调解经验")
    decision = OutboxMessage.objects.get(type=MessageType.ROSTER_DECISION)
    assert decision.payload == {**decision.payload, "confirmed": False, "reason": "该组织尚无证券期货纠纷调解经验"}
    assert not RosterEntry.objects.exists()


def test_only_the_court_pushed_to_decides_and_the_spc_decides_the_joint_list(
    push, other_staff, staff, db, admin, other_admin
):
    proposal = RosterProposal.objects.get(pk=push().proposal_id)
    with pytest.raises(PermissionDenied):
        roster_actions.confirm_proposal(other_admin, proposal)
    national = RosterProposal.objects.get(pk=push(court_id=None).proposal_id)
    with pytest.raises(PermissionDenied):
        roster_actions.confirm_proposal(admin, national)
    spc = Institution.objects.create(kind=InstitutionKind.SUPREME_COURT, name="最高人民法院")
    spc_staff = User.objects.create_user("spc", password="x-long-password", role=Role.COURT_ADMIN, institution=spc)
    entry = roster_actions.confirm_proposal(spc_staff, national)
    # The jointly recognised entry stands on every court's roster.
    assert entry.court is None
    assert selectors.organisation_on_roster(staff.institution_id, national.organisation_id)
    assert selectors.organisation_on_roster(other_staff.institution_id, national.organisation_id)


def test_a_push_to_an_unknown_court_is_refused(push):
    response = push(court_id=str(new_id()))
    assert response.status_code == 422 and response.json()["error"] == "unknown_court"
    assert not RosterProposal.objects.exists()


def test_suspension_takes_the_organisation_and_its_mediators_off_every_roster(
    push, staff, court, investor, post_message, make_envelope, admin
):
    org_push = push()
    roster_actions.confirm_proposal(admin, RosterProposal.objects.get(pk=org_push.proposal_id))
    mediator_id = new_id()
    mediator_push = push(org_id=org_push.org_id, mediator_id=mediator_id)
    roster_actions.confirm_proposal(admin, RosterProposal.objects.get(pk=mediator_push.proposal_id))
    assert selectors.mediator_on_roster(court.pk, mediator_id)

    changed = {
        "organisation": card(org_push.org_id, version=2, active=False),
        "reason": "整改期间暂停调解业务",
        "changed_at": timezone.now().isoformat(),
    }
    message = make_envelope(
        MessageType.ROSTER_CHANGED, org_push.org_id, 2, changed, "investor-platform", "court-platform"
    )
    assert post_message(message, investor.key).status_code == 200
    assert not selectors.organisation_on_roster(court.pk, org_push.org_id)
    assert not selectors.mediator_on_roster(court.pk, mediator_id)
    assert set(RosterEntry.objects.values_list("removed_reason", flat=True)) == {"整改期间暂停调解业务"}
    assert RosterEvent.objects.filter(court=court, text__contains="已移出特邀调解名册：整改期间暂停调解业务").exists()

    # An older card arriving late changes nothing.
    stale = {**changed, "organisation": card(org_push.org_id, version=1, active=True, capacity=999)}
    message = make_envelope(
        MessageType.ROSTER_CHANGED, org_push.org_id, 3, stale, "investor-platform", "court-platform"
    )
    assert post_message(message, investor.key).status_code == 200
    org = Organisation.objects.get(pk=org_push.org_id)
    assert org.active is False and org.capacity == 40


def test_delegation_only_to_the_roster(staff, appointable_case, organisation, investor):
    outsider = Organisation.objects.create(id=new_id(), peer=investor.peer, name="未入册调解中心", capacity=10)
    with pytest.raises(DomainError) as refused:
        delegation_actions.delegate_case(staff, appointable_case, outsider)
    assert "不在本院特邀调解名册中" in refused.value.message
    entry = RosterEntry.objects.get(organisation=organisation)
    entry.valid_until = timezone.localdate() - dt.timedelta(days=1)
    entry.save()
    with pytest.raises(DomainError):  # out of date
        delegation_actions.delegate_case(staff, appointable_case, organisation)
    assert Case.objects.get(pk=appointable_case.pk).state == CourtState.CONSENTED
    assert not Delegation.objects.exists()


def test_the_parties_joint_choice_binds_the_delegation(staff, consented_case, organisation, investor, court):
    other = Organisation.objects.create(id=new_id(), peer=investor.peer, name="北京证券期货纠纷调解中心", capacity=10)
    put_on_roster_bypassing_actions(court, other, staff)
    cases.record_joint_choice(staff, consented_case, organisation)
    with pytest.raises(DomainError) as refused:
        delegation_actions.delegate_case(staff, consented_case, other)
    assert "当事人已共同选择" in refused.value.message
    delegation_actions.delegate_case(staff, consented_case, organisation)


def test_a_chosen_mediator_travels_with_the_delegation(staff, consented_case, organisation, court):
    from sutiao.court.models import Mediator

    mediator = Mediator.objects.create(id=new_id(), organisation=organisation, name="黄调解")
    with pytest.raises(DomainError):  # not on the roster yet
        cases.record_joint_choice(staff, consented_case, organisation, mediator)
    put_on_roster_bypassing_actions(court, organisation, staff, mediator=mediator)
    cases.record_joint_choice(staff, consented_case, organisation, mediator)
    delegation_actions.delegate_case(staff, consented_case, organisation)
    assert OutboxMessage.objects.get(type=MessageType.DELEGATE).payload["mediator_id"] == str(mediator.pk)


def test_L3_joint_choice_runs_from_the_last_partys_consent_not_from_its_recording(staff, new_case):
    """L3 (《人民法院在线调解规则》Art. 10 ¶2): 2 working days from the parties' agreeing to mediation — the last
    party's answer — even when staff record it days later."""
    case = new_case()
    cases.ask_consent(staff, case)
    first, last = case.parties.all()
    answered = [dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC), dt.datetime(2026, 11, 27, 7, 0, tzinfo=dt.UTC)]
    for party, at in zip((first, last), answered, strict=True):
        cases.record_consent(staff, case, party, consented=True, method=ConsentMethod.PHONE, answered_at=at)
    case.refresh_from_db()
    assert case.consented_at == answered[1]
    # Consent on Friday 2026-11-27 (Beijing 15:00): the parties choose by Tuesday 12-01, 24:00.
    on_time = selectors.choice_deadlines(case, now=dt.datetime(2026, 12, 1, 15, 59, tzinfo=dt.UTC))
    assert on_time.joint_choice.due == dt.date(2026, 12, 1) and not on_time.missed_joint_choice
    late = selectors.choice_deadlines(case, now=dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC))
    assert late.missed_joint_choice
    # Nobody asked the court to appoint: no appointment period runs from registration.
    assert late.appointment is None and not late.missed_appointment


def test_L3_appointment_runs_from_the_parties_request_not_from_registration(staff, consented_case):
    """L3 (《人民法院在线调解规则》Art. 10 ¶2): the court appoints within 3 working days of the parties'
    agreeing that it appoint (同意由人民法院指定)."""
    consented_case.registered_at = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # long before
    Case.objects.filter(pk=consented_case.pk).update(registered_at=consented_case.registered_at)
    requested = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)  # Thursday, Beijing 10:00
    cases.record_appointment_request(staff, consented_case, requested_at=requested)
    case = Case.objects.get(pk=consented_case.pk)
    # Thursday + 3 working days → Tuesday 12-01, up to 24:00 Beijing time.
    on_time = selectors.choice_deadlines(case, now=dt.datetime(2026, 12, 1, 15, 59, tzinfo=dt.UTC))
    assert on_time.appointment.due == dt.date(2026, 12, 1) and not on_time.missed_appointment
    assert selectors.choice_deadlines(case, now=dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC)).missed_appointment


def test_recommendations_rank_the_roster_with_their_reasons(staff, consented_case, organisation, investor, court):
    narrow = Organisation.objects.create(
        id=new_id(),
        peer=investor.peer,
        name="广东证券纠纷调解中心",
        scope=["广东省"],
        dispute_types=["brokerage_contract"],
        capacity=10,
    )
    put_on_roster_bypassing_actions(court, narrow, staff)
    Organisation.objects.create(id=new_id(), peer=investor.peer, name="未入册", scope=["全国"], capacity=10)
    ranked = selectors.recommendations(Case.objects.select_related("court").get(pk=consented_case.pk))
    assert [r.name for r in ranked] == ["中证资本市场法律服务中心", "广东证券纠纷调解中心"]
    top = {f.key: f.points for f in ranked[0].factors}
    assert top["dispute_type"] == Decimal("35.0") and top["territory"] == Decimal("25.0")
    bottom = {f.key: f.points for f in ranked[1].factors}
    assert bottom["dispute_type"] == Decimal("0.0") and bottom["territory"] == Decimal("0.0")


def test_a_delegation_refused_for_good_goes_back_to_staff(staff, appointable_case, organisation):
    from sutiao.docking import relay
    from sutiao.docking.refusals import DeliveryFailed

    delegation = delegation_actions.delegate_case(staff, appointable_case, organisation)
    message = OutboxMessage.objects.get(type=MessageType.DELEGATE)
    refusal = DeliveryFailed("organisation_unavailable 调解组织目前暂停", "organisation_unavailable", final=True)
    relay._record([message], [refusal], None)
    delegation.refresh_from_db()
    assert delegation.state == DelegationState.DECLINED and "调解平台拒收" in delegation.decline_reason
    assert Case.objects.get(pk=appointable_case.pk).state == CourtState.RETURNED


def test_roster_page_confirms_and_rejects_with_errors_kept(client, push, admin, court):
    client.force_login(admin)
    first, second = push(name="甲调解中心"), push(name="乙调解中心")
    page = client.get("/roster/").content.decode()
    assert "甲调解中心" in page and "乙调解中心" in page
    refused = client.post(f"/roster/proposals/{second.proposal_id}/reject/", {f"r{second.proposal_id}-reason": ""})
    assert refused.status_code == 200 and "这个字段是必填项" in refused.content.decode()
    bad_dates = client.post(
        f"/roster/proposals/{first.proposal_id}/confirm/",
        {f"{first.proposal_id}-valid_from": "2026-12-10", f"{first.proposal_id}-valid_until": "2026-12-01"},
    )
    assert "有效期截止日不能早于起始日" in bad_dates.content.decode()
    assert "2026-12-10" in bad_dates.content.decode()  # what was typed is kept
    done = client.post(
        f"/roster/proposals/{first.proposal_id}/confirm/",
        {f"{first.proposal_id}-valid_from": "2026-12-01", f"{first.proposal_id}-valid_until": "2029-11-30"},
    )
    assert done.status_code == 302
    assert RosterEntry.objects.get(organisation_id=first.org_id).valid_until == dt.date(2029, 11, 30)


def test_pages_show_the_choice_deadlines_and_the_ranking(client, staff, appointable_case, organisation):
    client.force_login(staff)
    home = client.get("/").content.decode()
    assert "指定调解组织期限" in home
    page = client.get(f"/cases/{appointable_case.pk}/").content.decode()
    assert 'data-testid="joint-choice-due"' in page and "《人民法院在线调解规则》第十条第二款" in page
    assert 'data-testid="recommendation"' in page and "纠纷类型匹配" in page
    chosen = client.post(
        f"/cases/{appointable_case.pk}/joint-choice/", {"organisation": organisation.pk, "mediator": ""}
    )
    assert chosen.status_code == 302
    page = client.get(f"/cases/{appointable_case.pk}/").content.decode()
    assert "当事人共同选择" in page and 'data-testid="chosen"' in page


def test_entries_about_to_expire_stand_out(client, staff, organisation):
    client.force_login(staff)
    assert 'data-testid="expiring"' not in client.get("/roster/").content.decode()
    RosterEntry.objects.filter(organisation=organisation).update(
        valid_until=timezone.localdate() + dt.timedelta(days=10)
    )
    assert 'data-testid="expiring"' in client.get("/roster/").content.decode()


def test_an_entry_confirmed_to_start_later_is_shown_but_not_delegated_to(client, staff, court, organisation):

    client.force_login(staff)
    assert 'data-testid="not-yet"' not in client.get("/roster/").content.decode()
    RosterEntry.objects.filter(organisation=organisation).update(valid_from=china_today() + dt.timedelta(days=10))
    page = client.get("/roster/").content.decode()
    assert 'data-testid="not-yet"' in page and organisation.name in page
    assert not selectors.organisation_on_roster(court.pk, organisation.pk)
    token = api_token(staff, name="办案系统")
    listed = client.get("/api/v1/roster", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [(e["organisation"]["id"], e["in_force"]) for e in listed] == [(str(organisation.pk), False)]


def test_the_api_tells_the_choice_and_its_deadlines(client, staff, consented_case, organisation):

    token = api_token(staff, name="办案系统")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    api = "/api/v1/cases"
    chosen = client.post(
        f"{api}/{consented_case.pk}/joint-choice",
        {"organisation_id": str(organisation.pk)},
        content_type="application/json",
        **auth,
    ).json()
    deadlines = selectors.choice_deadlines(Case.objects.get(pk=consented_case.pk))
    assert chosen["chosen_by"] == "parties" and chosen["chosen_organisation_id"] == str(organisation.pk)
    assert chosen["joint_choice_due"] == deadlines.joint_choice.due.isoformat()
    assert chosen["appointment_due"] is None and deadlines.appointment is None  # the parties chose; no appointment
    ranked = client.get(f"{api}/{consented_case.pk}/recommendations", **auth).json()
    assert ranked[0]["organisation_id"] == str(organisation.pk) and ranked[0]["rank"] == 1
    assert [f["key"] for f in ranked[0]["factors"]] == [
        "dispute_type",
        "territory",
        "capacity",
        "timeliness",
        "success",
    ]


def test_the_court_removes_an_organisation_with_its_mediators_and_tells_the_platform(
    push, staff, other_staff, court, client, admin, other_admin
):
    from sutiao.court.models import Mediator

    org_push = push()
    entry = roster_actions.confirm_proposal(admin, RosterProposal.objects.get(pk=org_push.proposal_id))
    mediator_id = new_id()
    mediator_push = push(org_id=org_push.org_id, mediator_id=mediator_id)
    roster_actions.confirm_proposal(admin, RosterProposal.objects.get(pk=mediator_push.proposal_id))
    with pytest.raises(PermissionDenied):
        roster_actions.remove_entry(other_admin, entry, "投诉属实")
    with pytest.raises(DomainError) as refused:
        roster_actions.remove_entry(admin, entry, " ")
    assert refused.value.field == "reason"

    client.force_login(staff)  # filing staff see the roster but may not remove (court admins keep it)
    assert client.post(f"/roster/entries/{entry.pk}/remove/", {f"x{entry.pk}-reason": "投诉"}).status_code == 403
    client.force_login(admin)
    reason = {f"x{entry.pk}-reason": "经审查，当事人投诉其强迫调解属实"}
    # Irreversible: a second look names the consequence, and nothing is removed until it is confirmed (issue 15 §4).
    asked = client.post(f"/roster/entries/{entry.pk}/remove/", reason)
    assert asked.status_code == 200 and "不能再向其委派" in asked.content.decode()
    assert selectors.organisation_on_roster(court.pk, org_push.org_id)
    response = client.post(f"/roster/entries/{entry.pk}/remove/", {**reason, "confirmed": "1"})
    assert response.status_code == 302
    assert not selectors.organisation_on_roster(court.pk, org_push.org_id)
    assert not selectors.mediator_on_roster(court.pk, mediator_id)
    removals = OutboxMessage.objects.filter(type=MessageType.ROSTER_REMOVED).order_by("case")
    assert {m.payload["proposal_id"] for m in removals} == {str(org_push.proposal_id), str(mediator_push.proposal_id)}
    assert {m.case for m in removals} == {org_push.org_id, mediator_id}
    assert all(m.payload["reason"] == "经审查，当事人投诉其强迫调解属实" for m in removals)
    assert Mediator.objects.get(
        pk=mediator_id
    ).active  # the registry still lists the mediator; only this roster changed
    with pytest.raises(Http404):  # gone from the roster: nothing left to remove
        selectors.roster_entry_for(staff, entry.pk)


def test_a_delegation_parked_for_any_other_reason_stays_with_the_operator(staff, appointable_case, organisation):
    """Out of attempts (the platform unreachable): the message may still arrive when retried, so the case is
    not taken back — a re-delegation would otherwise wait behind it on the other platform."""
    from sutiao.docking import relay
    from sutiao.docking.models import OutboxStatus
    from sutiao.docking.refusals import DeliveryFailed

    delegation = delegation_actions.delegate_case(staff, appointable_case, organisation)
    message = OutboxMessage.objects.get(type=MessageType.DELEGATE)
    message.attempts = 99
    relay._record([message], [DeliveryFailed("网络错误：ConnectionError")], None)
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.PARKED
    delegation.refresh_from_db()
    assert delegation.state == DelegationState.SENT
    assert Case.objects.get(pk=appointable_case.pk).state == CourtState.DELEGATED
