"""A court takes over organisations and mediators a higher court chose for its roster, with that court's
consent (《人民法院在线调解规则》Art. 27 ¶2; 特邀调解规定 Art. 5): only from the courts above it, only what is
current there and not yet its own, a mediator only after its organisation; the entry is then the court's own
and the investor platform is told (ROSTER_ADOPTED)."""

import pytest
from court_roster_setup import card
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sutiao.accounts.models import ApiToken, Institution, InstitutionKind, Role, User
from sutiao.court import selectors
from sutiao.court.actions import roster as roster_actions
from sutiao.court.models import RosterEntry, RosterEvent, RosterProposal
from sutiao.docking.models import OutboxMessage
from sutiao.docking.schemas import MessageType
from sutiao.kernel.calendar import china_today
from sutiao.kernel.errors import DomainError
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import CourtProposalState

CONSENT = "北京市高级人民法院同意（京高法函〔2026〕12号）"


@pytest.fixture
def high_court(court):
    high = Institution.objects.create(kind=InstitutionKind.HIGH_COURT, name="北京市高级人民法院", short_code="京")
    intermediate = Institution.objects.create(
        kind=InstitutionKind.INTERMEDIATE_COURT, name="北京市第四中级人民法院", short_code="京04", parent=high
    )
    court.parent = intermediate
    court.save(update_fields=["parent"])
    return high


@pytest.fixture
def high_staff(high_court):
    return User.objects.create_user(
        "high", password="x-long-password", role=Role.COURT_ADMIN, institution=high_court, full_name="高名册"
    )


@pytest.fixture
def on_high_roster(push, high_court, high_staff):
    """An organisation and one of its mediators confirmed by the high court; returns (org entry, mediator
    entry)."""

    def confirmed(**push_args):
        pushed = push(court_id=str(high_court.pk), **push_args)
        assert pushed.status_code == 200, pushed.content
        return roster_actions.confirm_proposal(high_staff, RosterProposal.objects.get(pk=pushed.proposal_id)), pushed

    org_entry, org_push = confirmed()
    mediator_entry, _ = confirmed(org_id=org_push.org_id, mediator_id=new_id())
    return org_entry, mediator_entry


def test_a_lower_court_adopts_a_higher_courts_organisation_and_the_platform_is_told(
    on_high_roster, admin, court, high_court
):
    org_entry, mediator_entry = on_high_roster
    assert set(selectors.adoptable_entries(court)) == {org_entry, mediator_entry}
    assert not selectors.organisation_on_roster(court.pk, org_entry.organisation_id)

    with pytest.raises(DomainError) as refused:
        roster_actions.adopt_entry(admin, org_entry, "  ")
    assert refused.value.field == "consent"
    with pytest.raises(DomainError, match="所属的调解组织尚未纳入本院"):
        roster_actions.adopt_entry(admin, mediator_entry, CONSENT)

    entry = roster_actions.adopt_entry(admin, org_entry, CONSENT)
    assert entry.court == court and entry.proposal.adopted_from == org_entry
    assert entry.proposal.state == CourtProposalState.CONFIRMED and entry.proposal.note == CONSENT
    assert selectors.organisation_on_roster(court.pk, org_entry.organisation_id)
    assert set(selectors.adoptable_entries(court)) == {mediator_entry}  # not offered twice
    message = OutboxMessage.objects.get(type=MessageType.ROSTER_ADOPTED)
    assert message.case == org_entry.organisation_id
    assert message.payload["proposal_id"] == str(entry.proposal_id)
    assert message.payload["source_proposal_id"] == str(org_entry.proposal_id)
    assert message.payload["court_id"] == str(court.pk) and message.payload["consent"] == CONSENT
    assert message.payload["valid_until"] == entry.valid_until.isoformat()
    assert RosterEvent.objects.filter(court=court, text__startswith="经北京市高级人民法院同意").exists()

    roster_actions.adopt_entry(admin, mediator_entry, CONSENT)
    assert selectors.mediator_on_roster(court.pk, mediator_entry.mediator_id)
    assert not selectors.adoptable_entries(court).exists()


def test_only_the_courts_below_may_adopt_and_only_what_is_current(
    on_high_roster, admin, other_admin, other_court, high_staff, high_court
):
    org_entry, _ = on_high_roster
    assert not selectors.adoptable_entries(other_court).exists()  # not under the high court
    with pytest.raises(DomainError, match="不在上级法院的现行名册中"):
        roster_actions.adopt_entry(other_admin, org_entry, CONSENT)
    assert not selectors.adoptable_entries(high_court).exists()  # nothing above it but its own
    outsider = User.objects.create_user("org", password="x-long-password", role=Role.ORG_ADMIN, institution=None)
    with pytest.raises(PermissionDenied):
        roster_actions.adopt_entry(outsider, org_entry, CONSENT)

    roster_actions.remove_entry(high_staff, org_entry, "投诉属实")  # the mediator entry goes with its organisation
    with pytest.raises(DomainError, match="不在上级法院的现行名册中"):
        roster_actions.adopt_entry(admin, org_entry, CONSENT)
    assert not selectors.adoptable_entries(admin.institution).exists()


def test_an_adopted_entry_is_the_courts_own(on_high_roster, admin, court, high_staff, investor, make_envelope):
    """The high court taking its entry off its roster leaves the lower court's decision alone; the lower court
    removes its own; a suspension in the registry takes both."""
    org_entry, _ = on_high_roster
    adopted = roster_actions.adopt_entry(admin, org_entry, CONSENT)
    roster_actions.remove_entry(high_staff, org_entry, "本院名册调整")
    assert selectors.organisation_on_roster(court.pk, org_entry.organisation_id)
    assert selectors.roster_entry_for(admin, adopted.pk) == adopted
    roster_actions.remove_entry(admin, adopted, "本院名册调整")
    assert not selectors.organisation_on_roster(court.pk, org_entry.organisation_id)
    removal = OutboxMessage.objects.filter(type=MessageType.ROSTER_REMOVED).latest("occurred_at")
    assert removal.payload["proposal_id"] == str(adopted.proposal_id)


def test_a_suspension_takes_adopted_entries_off_too(
    on_high_roster, admin, court, investor, post_message, make_envelope
):
    org_entry, _ = on_high_roster
    roster_actions.adopt_entry(admin, org_entry, CONSENT)
    changed = {
        "organisation": card(org_entry.organisation_id, version=5, active=False),
        "reason": "整改期间暂停调解业务",
        "changed_at": timezone.now().isoformat(),
    }
    message = make_envelope(
        MessageType.ROSTER_CHANGED, org_entry.organisation_id, 2, changed, "investor-platform", "court-platform"
    )
    assert post_message(message, investor.key).status_code == 200
    assert not RosterEntry.objects.filter(removed_at__isnull=True).exists()


def test_a_refused_adoption_comes_off_the_roster(on_high_roster, admin, court):
    from sutiao.docking import relay
    from sutiao.docking.models import OutboxStatus
    from sutiao.docking.refusals import DeliveryFailed

    org_entry, _ = on_high_roster
    adopted = roster_actions.adopt_entry(admin, org_entry, CONSENT)
    message = OutboxMessage.objects.get(type=MessageType.ROSTER_ADOPTED)
    relay._record([message], [DeliveryFailed("本平台没有该名册推送", "unknown_proposal", final=True)], None)
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.PARKED
    adopted.refresh_from_db()
    assert adopted.removed_at is not None and "调解平台拒收" in adopted.removed_reason
    assert not selectors.organisation_on_roster(court.pk, org_entry.organisation_id)


def test_roster_page_offers_the_higher_courts_entries_and_keeps_errors(client, on_high_roster, admin, other_admin):
    org_entry, _ = on_high_roster
    today = china_today().isoformat()
    client.force_login(admin)
    page = client.get("/roster/").content.decode()
    assert 'data-testid="adoptable-entry"' in page and "北京市高级人民法院" in page
    prefix = f"a{org_entry.pk}"
    missing = client.post(
        f"/roster/entries/{org_entry.pk}/adopt/",
        {f"{prefix}-valid_from": "2026-12-01", f"{prefix}-valid_until": "2027-11-30", f"{prefix}-consent": ""},
    )
    assert missing.status_code == 200 and "这个字段是必填项" in missing.content.decode()
    assert "2027-11-30" in missing.content.decode()  # what was typed is kept
    done = client.post(
        f"/roster/entries/{org_entry.pk}/adopt/",
        {f"{prefix}-valid_from": today, f"{prefix}-valid_until": "2029-11-30", f"{prefix}-consent": CONSENT},
    )
    assert done.status_code == 302
    page = client.get("/roster/").content.decode()
    assert "沿用上级法院名册" in page
    client.force_login(other_admin)
    assert client.post(f"/roster/entries/{org_entry.pk}/adopt/", {}).status_code == 404


def test_the_api_lists_and_adopts(client, on_high_roster, admin):
    org_entry, mediator_entry = on_high_roster
    _, token = ApiToken.issue(admin, "办案系统")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    offered = client.get("/api/v1/roster/adoptable", **auth).json()
    assert {e["id"] for e in offered} == {org_entry.pk, mediator_entry.pk}
    assert {e["court_name"] for e in offered} == {"北京市高级人民法院"}
    refused = client.post(
        f"/api/v1/roster/adoptable/{org_entry.pk}/adopt", {"consent": ""}, content_type="application/json", **auth
    )
    assert refused.status_code == 400, refused.content
    adopted = client.post(
        f"/api/v1/roster/adoptable/{org_entry.pk}/adopt", {"consent": CONSENT}, content_type="application/json", **auth
    ).json()
    assert adopted["adopted_from_court"] == "北京市高级人民法院" and adopted["court_name"] == "北京市朝阳区人民法院"
    listed = client.get("/api/v1/roster", **auth).json()
    assert [e["organisation"]["id"] for e in listed] == [str(org_entry.organisation_id)]
    missing = client.post(
        f"/api/v1/roster/adoptable/{org_entry.pk}/adopt", {"consent": CONSENT}, content_type="application/json", **auth
    )
    assert missing.status_code == 404
