"""L23: a court asks to take over organisations and mediators a higher court chose for its roster, and only the
consent of that organisation or mediator — asked and answered through the docking — makes them its own
(《人民法院在线调解规则》Art. 27 ¶2 “经其同意”; 特邀调解规定 Art. 5): only from the courts above it, only what is
current there and not yet its own, a mediator only after its organisation."""

import pytest
from court_roster_setup import card
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.audit.models import AuditRecord
from sutiao.court import selectors
from sutiao.court.actions import roster as roster_actions
from sutiao.court.models import RosterEntry, RosterEvent, RosterProposal
from sutiao.docking.models import OutboxMessage
from sutiao.docking.schemas import MessageType
from sutiao.kernel.calendar import china_today
from sutiao.kernel.errors import DomainError
from sutiao.kernel.ids import new_id
from sutiao.kernel.rules import default_validity
from sutiao.kernel.workflow import CourtProposalState
from token_setup import api_token


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


@pytest.fixture
def answer(investor, post_message, make_envelope):
    """The investor platform's ROSTER_ADOPTION_ANSWER, through the real, signed endpoint. Each subject's
    messages are in order after its push (seq 1)."""
    seqs: dict = {}

    def send(proposal, consented=True, reason="", answered_by="中证资本市场法律服务中心 张管理员", seq=None):
        subject = proposal.mediator_id or proposal.organisation_id
        seqs[subject] = seq or seqs.get(subject, 1) + 1
        payload = {
            "proposal_id": str(proposal.pk),
            "consented": consented,
            "reason": reason,
            "answered_by": answered_by,
            "answered_at": timezone.now().isoformat(),
        }
        message = make_envelope(
            MessageType.ROSTER_ADOPTION_ANSWER, subject, seqs[subject], payload, "investor-platform", "court-platform"
        )
        return post_message(message, investor.key)

    return send


def test_l23_a_request_waits_for_the_subjects_consent_and_nothing_is_on_the_roster_meanwhile(
    on_high_roster, admin, court, high_court
):
    org_entry, mediator_entry = on_high_roster
    assert set(selectors.adoptable_entries(court)) == {org_entry, mediator_entry}
    with pytest.raises(DomainError, match="所属的调解组织尚未纳入本院"):
        roster_actions.request_adoption(admin, mediator_entry)

    start = china_today()
    asked = roster_actions.request_adoption(admin, org_entry)
    assert asked.state == CourtProposalState.AWAITING_CONSENT and asked.adopted_from == org_entry
    assert asked.requested_by == admin and asked.valid_until == default_validity(start)
    # Nothing on this court's roster until the organisation consents: no delegation to it.
    assert not selectors.organisation_on_roster(court.pk, org_entry.organisation_id)
    assert not RosterEntry.objects.filter(court=court).exists()
    assert set(selectors.adoptable_entries(court)) == {mediator_entry}  # not asked twice
    assert list(selectors.adoptions_awaiting_consent(admin)) == [asked]
    assert asked not in selectors.pending_proposals(admin) and asked not in selectors.decided_proposals(admin)

    message = OutboxMessage.objects.get(type=MessageType.ROSTER_ADOPTION_REQUESTED)
    assert message.case == org_entry.organisation_id
    assert message.payload["proposal_id"] == str(asked.pk)
    assert message.payload["source_proposal_id"] == str(org_entry.proposal_id)
    assert message.payload["court_id"] == str(court.pk)
    assert message.payload["valid_until"] == asked.valid_until.isoformat()
    assert "consent" not in message.payload  # the higher court's consent is not what the rule asks
    assert RosterEvent.objects.filter(court=court, text__startswith="请求沿用北京市高级人民法院名册").exists()
    assert AuditRecord.objects.filter(action="roster.adoption_requested", object_id=str(asked.pk)).exists()


def test_l23_the_subjects_consent_puts_it_on_the_roster(on_high_roster, admin, court, answer):
    org_entry, mediator_entry = on_high_roster
    asked = roster_actions.request_adoption(admin, org_entry)
    response = answer(asked, answered_by="中证资本市场法律服务中心 张管理员")
    assert response.status_code == 200 and response.json()["status"] == "applied", response.content

    asked.refresh_from_db()
    assert asked.state == CourtProposalState.CONFIRMED and asked.decided_by == admin
    entry = RosterEntry.objects.get(proposal=asked)
    assert entry.court == court and entry.confirmed_by == admin and entry.confirmed_at == asked.decided_at
    assert (entry.valid_from, entry.valid_until) == (asked.valid_from, asked.valid_until)
    assert selectors.organisation_on_roster(court.pk, org_entry.organisation_id)
    event = RosterEvent.objects.filter(court=court).first()
    assert (
        event.text.startswith(f"经{org_entry.organisation}同意") and event.actor == "中证资本市场法律服务中心 张管理员"
    )
    audit = AuditRecord.objects.get(action="roster.adoption_consented")
    assert audit.after["consented"] is True and audit.after["entry"] == entry.pk

    # The mediator may be asked for now that its organisation is on the roster; the same answer path.
    asked_mediator = roster_actions.request_adoption(admin, mediator_entry)
    # A mediator without an account: the administrator's record of how the answer was had may be long.
    recorded = "调解员钱无号本人（由中证资本市场法律服务中心 张管理员记录：" + "电话确认，" * 80 + "）"
    assert answer(asked_mediator, answered_by=recorded[:500]).json()["status"] == "applied"
    assert selectors.mediator_on_roster(court.pk, mediator_entry.mediator_id)
    assert not selectors.adoptable_entries(court).exists()


def test_l23_a_refusal_ends_the_request_with_its_reason_on_the_roster_page(
    client, on_high_roster, admin, court, answer
):
    org_entry, _ = on_high_roster
    asked = roster_actions.request_adoption(admin, org_entry)
    response = answer(asked, consented=False, reason="本中心人手不足，暂不承接该院案件")
    assert response.json()["status"] == "applied", response.content
    asked.refresh_from_db()
    assert asked.state == CourtProposalState.REJECTED and asked.reason == "本中心人手不足，暂不承接该院案件"
    assert not RosterEntry.objects.filter(court=court).exists()
    assert AuditRecord.objects.get(action="roster.adoption_refused").after["reason"] == asked.reason
    assert org_entry in selectors.adoptable_entries(court)  # the court may ask again later
    client.force_login(admin)
    page = client.get("/roster/").content.decode()
    assert "本中心人手不足，暂不承接该院案件" in page and 'data-testid="adoptions-awaiting-consent"' not in page


def test_l23_an_answer_after_the_subject_left_changes_nothing(
    on_high_roster, admin, court, investor, post_message, make_envelope, answer
):
    org_entry, _ = on_high_roster
    asked = roster_actions.request_adoption(admin, org_entry)
    changed = {
        "organisation": card(org_entry.organisation_id, version=5, active=False),
        "reason": "整改期间暂停调解业务",
        "changed_at": timezone.now().isoformat(),
    }
    message = make_envelope(
        MessageType.ROSTER_CHANGED, org_entry.organisation_id, 2, changed, "investor-platform", "court-platform"
    )
    assert post_message(message, investor.key).status_code == 200
    asked.refresh_from_db()
    assert asked.state == CourtProposalState.WITHDRAWN
    late = answer(asked, seq=3)  # after the change (seq 2)
    assert late.status_code == 200 and late.json()["status"] == "applied", late.content
    assert AuditRecord.objects.filter(action="roster.adoption_answer_ignored").exists()
    assert not RosterEntry.objects.filter(court=court, removed_at__isnull=True).exists()


def test_l23_a_request_refused_for_good_by_the_investor_platform_ends(on_high_roster, admin, court):
    from sutiao.docking import relay
    from sutiao.docking.models import OutboxStatus
    from sutiao.docking.refusals import DeliveryFailed

    org_entry, _ = on_high_roster
    asked = roster_actions.request_adoption(admin, org_entry)
    message = OutboxMessage.objects.get(type=MessageType.ROSTER_ADOPTION_REQUESTED)
    relay._record([message], [DeliveryFailed("本平台没有该名册推送", "unknown_proposal", final=True)], None)
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.PARKED
    asked.refresh_from_db()
    assert asked.state == CourtProposalState.REJECTED and "调解平台拒收" in asked.reason
    assert not selectors.organisation_on_roster(court.pk, org_entry.organisation_id)
    assert AuditRecord.objects.filter(action="roster.adoption_request_refused").exists()


def test_only_the_courts_below_may_ask_and_only_for_what_is_current(
    on_high_roster, admin, other_admin, other_court, high_staff, high_court
):
    org_entry, _ = on_high_roster
    assert not selectors.adoptable_entries(other_court).exists()  # not under the high court
    with pytest.raises(DomainError, match="不在上级法院的现行名册中"):
        roster_actions.request_adoption(other_admin, org_entry)
    assert not selectors.adoptable_entries(high_court).exists()  # nothing above it but its own
    outsider = User.objects.create_user("org", password="x-long-password", role=Role.ORG_ADMIN, institution=None)
    with pytest.raises(PermissionDenied):
        roster_actions.request_adoption(outsider, org_entry)

    roster_actions.remove_entry(high_staff, org_entry, "投诉属实")  # the mediator entry goes with its organisation
    with pytest.raises(DomainError, match="不在上级法院的现行名册中"):
        roster_actions.request_adoption(admin, org_entry)
    assert not selectors.adoptable_entries(admin.institution).exists()


def test_an_adopted_entry_is_the_courts_own(on_high_roster, admin, court, high_staff, answer):
    """The high court taking its entry off its roster leaves the lower court's decision alone; the lower court
    removes its own."""
    org_entry, _ = on_high_roster
    asked = roster_actions.request_adoption(admin, org_entry)
    answer(asked)
    adopted = RosterEntry.objects.get(proposal=asked)
    roster_actions.remove_entry(high_staff, org_entry, "本院名册调整")
    assert selectors.organisation_on_roster(court.pk, org_entry.organisation_id)
    assert selectors.roster_entry_for(admin, adopted.pk) == adopted
    roster_actions.remove_entry(admin, adopted, "本院名册调整")
    assert not selectors.organisation_on_roster(court.pk, org_entry.organisation_id)
    removal = OutboxMessage.objects.filter(type=MessageType.ROSTER_REMOVED).latest("occurred_at")
    assert removal.payload["proposal_id"] == str(adopted.proposal_id)


def test_roster_page_offers_the_higher_courts_entries_and_keeps_errors(client, on_high_roster, admin, other_admin):
    org_entry, _ = on_high_roster
    today = china_today().isoformat()
    client.force_login(admin)
    page = client.get("/roster/").content.decode()
    assert 'data-testid="adoptable-entry"' in page and "北京市高级人民法院" in page
    assert "上级法院同意" not in page
    prefix = f"a{org_entry.pk}"
    url = f"/roster/entries/{org_entry.pk}/request-adoption/"
    backwards = client.post(url, {f"{prefix}-valid_from": "2027-12-01", f"{prefix}-valid_until": "2027-11-30"})
    assert backwards.status_code == 200 and "有效期截止日不能早于起始日" in backwards.content.decode()
    assert "2027-11-30" in backwards.content.decode()  # what was typed is kept
    done = client.post(url, {f"{prefix}-valid_from": today, f"{prefix}-valid_until": "2029-11-30"})
    assert done.status_code == 302
    page = client.get("/roster/").content.decode()
    assert 'data-testid="adoption-awaiting-consent"' in page and "请求沿用，待本人同意" in page
    client.force_login(other_admin)
    assert client.post(url, {}).status_code == 404


def test_the_api_lists_and_asks(client, on_high_roster, admin):
    org_entry, mediator_entry = on_high_roster
    token = api_token(admin, name="办案系统")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    offered = client.get("/api/v1/roster/adoptable", **auth).json()
    assert {e["id"] for e in offered} == {org_entry.pk, mediator_entry.pk}
    assert {e["court_name"] for e in offered} == {"北京市高级人民法院"}
    asked = client.post(
        f"/api/v1/roster/adoptable/{org_entry.pk}/request", {}, content_type="application/json", **auth
    ).json()
    assert asked["state"] == CourtProposalState.AWAITING_CONSENT
    assert client.get("/api/v1/roster", **auth).json() == []  # not on the roster before consent
    again = client.post(f"/api/v1/roster/adoptable/{org_entry.pk}/request", {}, content_type="application/json", **auth)
    assert again.status_code == 404
