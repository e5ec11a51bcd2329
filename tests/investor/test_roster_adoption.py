"""L23 on the investor platform: a lower court's request to take an organisation or mediator over from a higher
court's roster (ROSTER_ADOPTION_REQUESTED) waits for the consent of that organisation or mediator
(《人民法院在线调解规则》Art. 27 ¶2 “经其同意”): the organisation's administrator answers for it, a mediator with
an account in person, and the administrator records the answer of a mediator without one. Each answer goes
back to the court (ROSTER_ADOPTION_ANSWER); consent admits that court's delegations."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from investor_registry_setup import id_number_for, registered_org

from sutiao.accounts.models import Role, User
from sutiao.audit.models import AuditRecord
from sutiao.docking.models import OutboxMessage
from sutiao.docking.schemas import MessageType
from sutiao.investor import selectors
from sutiao.investor.actions import registry, roster
from sutiao.investor.models import Mediator, RegistryStatus, RosterProposal
from sutiao.investor.registry.data import MediatorData
from sutiao.kernel.calendar import china_today
from sutiao.kernel.errors import DomainError
from sutiao.kernel.ids import new_id
from sutiao.kernel.rules import default_validity
from sutiao.kernel.workflow import InvestorProposalState
from token_setup import api_token

CHAOYANG = new_id()


def _confirmed_at_high_court(org, court_peer, bureau_user, mediator=None):
    today = china_today()
    return RosterProposal.objects.create(
        peer=court_peer.peer,
        subject_kind="mediator" if mediator else "organisation",
        organisation=org,
        mediator=mediator,
        court_id=new_id(),
        court_name="北京市高级人民法院",
        proposed_by=bureau_user,
        proposed_at=timezone.now(),
        state=InvestorProposalState.CONFIRMED,
        valid_from=today,
        valid_until=default_validity(today),
    )


@pytest.fixture
def ask(court_peer, post_message, make_envelope, own_key):
    """A court's ROSTER_ADOPTION_REQUESTED through the real, signed endpoint; returns the response with the
    request's id."""
    seqs: dict = {}

    def send(source, court_id=CHAOYANG, **overrides):
        subject = source.mediator_id or source.organisation_id
        seqs[subject] = seqs.get(subject, 0) + 1
        today = china_today()
        payload = {
            "proposal_id": str(new_id()),
            "source_proposal_id": str(source.pk),
            "court_id": str(court_id),
            "court_name": "北京市朝阳区人民法院",
            "valid_from": today.isoformat(),
            "valid_until": default_validity(today).isoformat(),
            "requested_by": "北京市朝阳区人民法院 赵管理",
            "requested_at": timezone.now().isoformat(),
            **overrides,
        }
        message = make_envelope(
            MessageType.ROSTER_ADOPTION_REQUESTED,
            subject,
            seqs[subject],
            payload,
            "court-platform",
            "investor-platform",
        )
        response = post_message(message, court_peer.key)
        response.proposal_id = payload["proposal_id"]
        return response

    return send


def _deliver(post_message, make_envelope, court_peer, payload):
    message = make_envelope(MessageType.DELEGATE, new_id(), 1, payload, "court-platform", "investor-platform")
    return post_message(message, court_peer.key)


def _org_admin(org, username="yan_admin"):
    return User.objects.create_user(
        username, password="x-long-password", role=Role.ORG_ADMIN, institution=org, full_name="严管理员"
    )


def test_l23_a_request_waits_for_the_organisations_consent_then_its_delegations_are_taken(
    court_peer, ask, post_message, make_envelope, delegate_payload, regional_office, bureau_user
):
    org = registered_org("沿用调解中心", 10, regional_office, court_peer, bureau_user, on_every_roster=False)
    admin = _org_admin(org)
    source = _confirmed_at_high_court(org, court_peer, bureau_user)
    asked = ask(source)
    assert asked.status_code == 200, asked.content
    request = RosterProposal.objects.get(pk=asked.proposal_id)
    assert request.state == InvestorProposalState.AWAITING_CONSENT and request.adopted_from == source
    assert request.court_id == CHAOYANG and request.valid_until == default_validity(china_today())
    assert list(selectors.adoption_requests_for(admin)) == [request]
    # Not yet the court's: its delegations are refused for good.
    refused = _deliver(post_message, make_envelope, court_peer, delegate_payload(org, court_id=str(CHAOYANG)))
    assert refused.json()["error"] == "not_on_roster" and refused.json()["final"] is True

    roster.consent_to_adoption(admin, request)
    request.refresh_from_db()
    assert request.state == InvestorProposalState.CONFIRMED and request.decided_by == "沿用调解中心 严管理员"
    message = OutboxMessage.objects.get(type=MessageType.ROSTER_ADOPTION_ANSWER)
    assert message.case == org.pk and message.payload["proposal_id"] == str(request.pk)
    assert message.payload["consented"] is True and message.payload["answered_by"] == "沿用调解中心 严管理员"
    audit = AuditRecord.objects.get(action="roster.adoption_answer")
    assert audit.after["consented"] is True and audit.after["state"] == InvestorProposalState.CONFIRMED
    assert "同意北京市朝阳区人民法院沿用上级法院名册" in selectors.history("organisation", org.pk)[0].summary
    assert not selectors.adoption_requests_for(admin).exists()
    taken = _deliver(post_message, make_envelope, court_peer, delegate_payload(org, court_id=str(CHAOYANG)))
    assert taken.status_code == 200, taken.content
    with pytest.raises(DomainError, match="已处理"):
        roster.refuse_adoption(admin, request, "改变主意")


def test_l23_a_refusal_needs_its_reason_and_goes_back_to_the_court(court_peer, ask, regional_office, bureau_user):
    org = registered_org("拒绝调解中心", 12, regional_office, court_peer, bureau_user, on_every_roster=False)
    admin = _org_admin(org)
    request = RosterProposal.objects.get(pk=ask(_confirmed_at_high_court(org, court_peer, bureau_user)).proposal_id)
    with pytest.raises(DomainError) as missing:
        roster.refuse_adoption(admin, request, "  ")
    assert missing.value.field == "reason"
    roster.refuse_adoption(admin, request, "本中心人手不足")
    request.refresh_from_db()
    assert request.state == InvestorProposalState.REFUSED and request.reason == "本中心人手不足"
    message = OutboxMessage.objects.get(type=MessageType.ROSTER_ADOPTION_ANSWER)
    assert message.payload["consented"] is False and message.payload["reason"] == "本中心人手不足"
    assert not RosterProposal.objects.filter(court_id=CHAOYANG).in_force(china_today()).exists()


def test_l23_a_mediator_with_an_account_answers_in_person(
    court_peer, ask, regional_office, bureau_user, mediator_a, admin_a, org_a, admin_b
):
    mediator = Mediator.objects.get(user=mediator_a)
    source = _confirmed_at_high_court(org_a, court_peer, bureau_user, mediator=mediator)
    request = RosterProposal.objects.get(pk=ask(source).proposal_id)
    assert list(selectors.adoption_requests_for(mediator_a)) == [request]
    # The organisation's administrator sees it but may not answer for a mediator who can answer in person.
    assert list(selectors.adoption_requests_for(admin_a)) == [request]
    with pytest.raises(PermissionDenied, match="调解员本人"):
        roster.consent_to_adoption(admin_a, request)
    with pytest.raises(PermissionDenied):
        roster.consent_to_adoption(admin_b, request)
    roster.consent_to_adoption(mediator_a, request)
    message = OutboxMessage.objects.get(type=MessageType.ROSTER_ADOPTION_ANSWER)
    assert message.case == mediator.pk and message.payload["answered_by"] == "调解员张调解本人"


def test_l23_the_administrator_records_the_answer_of_a_mediator_without_an_account(
    court_peer, ask, regional_office, bureau_user, admin_a, org_a
):
    mediator = registry.register_mediator(bureau_user, org_a, MediatorData(name="钱无号", id_number=id_number_for(77)))
    source = _confirmed_at_high_court(org_a, court_peer, bureau_user, mediator=mediator)
    request = RosterProposal.objects.get(pk=ask(source).proposal_id)
    with pytest.raises(DomainError) as missing:
        roster.consent_to_adoption(admin_a, request)
    assert missing.value.field == "how_obtained"
    roster.consent_to_adoption(admin_a, request, "2026年12月1日电话确认本人同意")
    message = OutboxMessage.objects.get(type=MessageType.ROSTER_ADOPTION_ANSWER)
    answered_by = message.payload["answered_by"]
    assert answered_by.startswith("调解员钱无号本人（由") and "电话确认本人同意" in answered_by
    assert AuditRecord.objects.get(action="roster.adoption_answer").after["how_obtained"].startswith("2026年12月1日")


def test_l23_a_request_nobody_could_consent_to_is_refused_for_good(
    court_peer, ask, regional_office, bureau_user, make_peer
):
    org = registered_org("暂停调解中心", 11, regional_office, court_peer, bureau_user, on_every_roster=False)
    source = _confirmed_at_high_court(org, court_peer, bureau_user)
    unknown = ask(source, source_proposal_id=str(new_id()))
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_proposal"
    assert unknown.json()["final"] is True
    registry.set_organisation_status(bureau_user, org.registry, RegistryStatus.SUSPENDED, "整改期间暂停调解业务")
    suspended = ask(source)
    assert suspended.json()["error"] == "subject_unavailable" and suspended.json()["final"] is True
    assert RosterProposal.objects.filter(organisation=org).count() == 1  # only the high court's


def test_l23_the_workbench_shows_the_request_and_keeps_a_refusal_without_reason(
    client, court_peer, ask, regional_office, bureau_user
):
    org = registered_org("页面调解中心", 13, regional_office, court_peer, bureau_user, on_every_roster=False)
    admin = _org_admin(org)
    request = RosterProposal.objects.get(pk=ask(_confirmed_at_high_court(org, court_peer, bureau_user)).proposal_id)
    client.force_login(admin)
    page = client.get("/").content.decode()
    assert 'data-testid="adoption-request"' in page and "北京市朝阳区人民法院" in page
    url = f"/registry/adoption-requests/{request.pk}/answer/"
    kept = client.post(url, {"answer": "refuse", f"a{request.pk}-reason": ""})
    assert kept.status_code == 200 and "不同意沿用须写明理由" in kept.content.decode()
    done = client.post(url, {"answer": "consent"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.state == InvestorProposalState.CONFIRMED
    assert 'data-testid="adoption-request"' not in client.get("/").content.decode()
    assert client.post(url, {"answer": "consent"}).status_code == 404  # answered: no longer offered


def test_l23_the_api_lists_and_answers(client, court_peer, ask, regional_office, bureau_user):
    org = registered_org("接口调解中心", 14, regional_office, court_peer, bureau_user, on_every_roster=False)
    admin = _org_admin(org)
    request = RosterProposal.objects.get(pk=ask(_confirmed_at_high_court(org, court_peer, bureau_user)).proposal_id)
    token = api_token(admin, name="办公系统")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listed = client.get("/api/v1/registry/adoption-requests", **auth).json()
    assert [p["id"] for p in listed] == [str(request.pk)] and listed[0]["state"] == "awaiting_consent"
    base = f"/api/v1/registry/adoption-requests/{request.pk}"
    no_reason = client.post(f"{base}/refuse", {}, content_type="application/json", **auth)
    assert no_reason.status_code == 400, no_reason.content
    refused = client.post(f"{base}/refuse", {"reason": "暂不承接"}, content_type="application/json", **auth).json()
    assert refused["state"] == InvestorProposalState.REFUSED and refused["reason"] == "暂不承接"
