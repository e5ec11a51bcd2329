"""The parties' joint online application for judicial confirmation on the investor platform (issue 11 §4; L11–L14):
each party, or its agent within the «sign» scope, joins; one party alone sends nothing; the last join shares the
agreement's PDF with the court's platform and sends CONFIRMATION_APPLIED; after the 30 days nothing is sent and the
refusal cites its article; for a mediation the organisation ran on its own the parties choose among the competent
courts (the intermediate court of the issuer's seat for securities misrepresentation); the court's decisions and its
ruling come back and are shown."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from investor_registry_setup import id_number_for
from test_agreements import _effective, case  # noqa: F401 (a fixture)

from documents_checks import sandbox  # noqa: F401 (the fixture)
from signing_checks import agreement_pdf, ca_files, platform_ca, signers  # noqa: F401 (fixtures)
from sutiao.accounts import parties
from sutiao.accounts.models import ActOnBehalf, AgentScope, Role, User
from sutiao.docking.models import OutboxMessage, SharedDocument
from sutiao.docking.schemas import MessageType
from sutiao.investor.actions import agreements as agreement_actions
from sutiao.investor.actions import applications as application_actions
from sutiao.investor.actions import confirmation as actions
from sutiao.investor.agreements.models import Agreement
from sutiao.investor.confirmation import selectors
from sutiao.investor.confirmation.models import ConfirmationRequest
from sutiao.investor.mediation.models import Mediation
from sutiao.investor.models import CourtDirectory
from sutiao.kernel.confirmation import VenueGround
from sutiao.kernel.direct import RespondentSector
from sutiao.kernel.enums import PartyKind
from sutiao.kernel.errors import DomainError
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import RequestState

FIRM_CODE = "91310000MA1FL0000N"


def _applied():
    return [m for m in OutboxMessage.objects.filter(type=MessageType.CONFIRMATION_APPLIED)]


def test_l11_one_party_alone_sends_nothing_the_second_join_sends_the_application(case, mediator_a, sandbox):  # noqa: F811
    mediation, party_a, party_b, row_a, row_b = case
    agreement = _effective(case, mediator_a)
    request = actions.join_confirmation(party_a, agreement, row_a, "110105")
    assert request.state == RequestState.JOINING and request.venue_ground == VenueGround.INVITING_COURT
    assert request.court_name == "北京市朝阳区人民法院" and not _applied()
    with pytest.raises(DomainError, match="已加入申请"):
        actions.join_confirmation(party_a, agreement, row_a, "110105")
    request = actions.join_confirmation(party_b, agreement, row_b, "110102")
    assert request.state == RequestState.SENT and request.sent_at is not None
    (message,) = _applied()
    payload = message.payload
    assert message.case == request.pk and payload["request_id"] == str(request.pk)
    assert payload["delegation_id"] == str(mediation.delegation_id)
    assert payload["agreement_sha256"] == agreement.current.sha256 and payload["agreement_size"] > 0
    assert {(p["name"], p["id_number"], p["domicile"]) for p in payload["parties"]} == {
        ("李四", "110105198001010016", "110105"),
        ("某某药业股份有限公司", "91110000100000000R", "110102"),
    }
    # The PDF is shared with the court's platform in the same transaction: it fetches it by that hash.
    assert SharedDocument.objects.filter(peer=request.peer, sha256=agreement.current.sha256).exists()


def test_an_agent_joins_only_within_the_power_of_attorney(case, mediator_a, sandbox):  # noqa: F811
    mediation, party_a, party_b, row_a, row_b = case
    agreement = _effective(case, mediator_a)
    agent = User.objects.create_user("lawyer", password="x-long-password", role=Role.AGENT, full_name="王律师")
    until = timezone.localdate() + dt.timedelta(days=30)
    power = parties.grant_power(party_a, agent=agent, scopes=[AgentScope.DOCUMENTS], valid_until=until)
    with pytest.raises(PermissionDenied, match="授权代理人可申请司法确认"):
        actions.join_confirmation(agent, agreement, row_a, "110105")
    with pytest.raises(PermissionDenied):
        actions.join_confirmation(party_b, agreement, row_a, "110105")  # the other side does not join for it
    assert not ConfirmationRequest.objects.exists()
    parties.revoke_power(party_a, power)
    parties.grant_power(party_a, agent=agent, scopes=[AgentScope.SIGN], valid_until=until)
    request = actions.join_confirmation(agent, agreement, row_a, "110105")
    assert request.joins.get().via == "委托代理"
    assert ActOnBehalf.objects.filter(actor=agent, action="confirmation.join").exists()


def test_l11_after_the_30_days_the_application_is_refused_with_its_citation(case, mediator_a, sandbox):  # noqa: F811
    mediation, party_a, party_b, row_a, row_b = case
    agreement = _effective(case, mediator_a)
    Agreement.objects.filter(pk=agreement.pk).update(effective_at=timezone.now() - dt.timedelta(days=45))
    with pytest.raises(DomainError, match="第二百零五条") as refused:
        actions.join_confirmation(party_a, agreement, row_a, "110105")
    assert "已于" in refused.value.message and "届满" in refused.value.message
    assert not ConfirmationRequest.objects.exists() and not _applied()


@pytest.fixture
def directory(court_peer):
    """The courts as the court platform lists them, with the places each serves for judicial confirmation."""
    basic = CourtDirectory.objects.create(
        id=new_id(), peer=court_peer.peer, name="北京市朝阳区人民法院", kind="basic_court", areas=[{"prefix": "110105"}]
    )
    intermediate = CourtDirectory.objects.create(
        id=new_id(),
        peer=court_peer.peer,
        name="北京市第四中级人民法院",
        kind="intermediate_court",
        areas=[{"prefix": "11", "dispute_types": ["misrepresentation"]}],
    )
    return basic, intermediate


def _party(username, name, kind, number, mobile):
    profile = parties.register_party(
        "test", kind=kind, name=name, id_number=number, mobile=mobile, username=username, password="x-long-password"
    )
    parties.verify_identity(profile.user, profile, None)
    return profile.user


@pytest.fixture
def direct(db, org_a, admin_a, mediator_a, sandbox):  # noqa: F811
    """A mediation the organisation ran on its own (a direct application), its agreement in force."""

    def make(dispute_type):
        investor = _party("inv_wang", "王五", PartyKind.NATURAL_PERSON, id_number_for(501), "13800000001")
        firm = _party("firm_hs", "某某证券股份有限公司", PartyKind.LEGAL_PERSON, FIRM_CODE, "13800000003")
        application = application_actions.submit(
            investor,
            org_a,
            dispute_type=dispute_type,
            facts="发行人虚假陈述，投资者损失。",
            claims="赔偿损失八万元",
            amount="80000",
            respondent_name="某某证券股份有限公司",
            respondent_code=FIRM_CODE,
            respondent_sector=RespondentSector.SECURITIES_FIRM,
            ordinary_investor=True,
            files=(),
        )
        application_actions.accept(admin_a, application, mediator_a)
        application_actions.respond(firm, application, True)
        mediation = Mediation.objects.get(application=application)
        agreement = agreement_actions.draft_agreement(mediator_a, mediation)
        agreement_actions.submit_for_signing(mediator_a, agreement)
        row_a, row_b = mediation.parties.order_by("id")
        agreement_actions.signature_recorded(agreement, row_a, timezone.now())
        agreement_actions.signature_recorded(agreement, row_b, timezone.now())
        agreement.refresh_from_db()
        return mediation, agreement, investor, firm, row_a, row_b

    return make


def test_l11_a_direct_case_chooses_among_the_competent_courts_misrepresentation_goes_to_the_intermediate(
    direct, directory
):
    basic, intermediate = directory
    mediation, agreement, investor, firm, row_a, row_b = direct("misrepresentation")
    with pytest.raises(DomainError, match="发行人住所地"):
        selectors.competent_courts(mediation, domiciles=("110105",))
    choices = selectors.competent_courts(mediation, domiciles=("110105",), issuer_seat="110108")
    assert [(c.name, c.venue.ground) for c in choices] == [("北京市第四中级人民法院", VenueGround.ISSUER_SEAT)]
    with pytest.raises(DomainError, match="请在有管辖权的法院中选择：北京市第四中级人民法院") as refused:
        actions.join_confirmation(investor, agreement, row_a, "110105", court_id=str(basic.pk), issuer_seat="110108")
    assert "虚假陈述" in refused.value.message and refused.value.field == "court"
    request = actions.join_confirmation(
        investor, agreement, row_a, "110105", court_id=str(intermediate.pk), issuer_seat="110108"
    )
    assert str(request.court_id) == str(intermediate.pk) and request.venue_ground == VenueGround.ISSUER_SEAT
    request = actions.join_confirmation(firm, agreement, row_b, "310115")  # the court is fixed by the first join
    assert request.state == RequestState.SENT
    (message,) = _applied()
    assert message.payload["court_id"] == str(intermediate.pk) and message.payload["delegation_id"] is None
    assert message.payload["issuer_seat"] == "110108"
    ids = {p["name"]: p["id_number"] for p in message.payload["parties"]}
    assert ids == {"王五": id_number_for(501), "某某证券股份有限公司": FIRM_CODE}


def test_l11_a_direct_brokerage_dispute_goes_to_a_basic_court_of_a_place(direct, directory):
    basic, intermediate = directory
    mediation, agreement, investor, firm, row_a, row_b = direct("brokerage_contract")
    choices = selectors.competent_courts(mediation, domiciles=("110105",), organisation_seat="110102")
    assert [(c.name, c.venue.ground) for c in choices] == [("北京市朝阳区人民法院", VenueGround.PARTY_DOMICILE)]
    assert selectors.competent_courts(mediation, domiciles=("310115",)) == []


def test_the_pages_offer_joining_and_show_the_court_and_the_window(case, mediator_a, client, sandbox):  # noqa: F811
    mediation, party_a, party_b, row_a, row_b = case
    _effective(case, mediator_a)
    client.force_login(party_a)
    page = client.get(f"/mediations/{mediation.pk}/confirmation/").content.decode()
    assert 'data-testid="join-form"' in page and "申请期限" in page and "第二百零五条" in page
    response = client.post(f"/mediations/{mediation.pk}/confirmation/join/", {"party": row_a.pk, "domicile": "110105"})
    assert response.status_code == 302
    page = client.get(f"/mediations/{mediation.pk}/confirmation/").content.decode()
    assert 'data-state="joining"' in page and "李四" in page and 'data-testid="join-form"' not in page
    client.force_login(party_b)
    page = client.get(f"/mediations/{mediation.pk}/confirmation/").content.decode()
    assert 'data-testid="join-form"' in page
    response = client.post(f"/mediations/{mediation.pk}/confirmation/join/", {"party": row_a.pk, "domicile": "110105"})
    assert response.status_code == 200 and "请检查填写的内容" in response.content.decode()
    assert ConfirmationRequest.objects.get().joins.count() == 1  # nobody joins for the other side


@pytest.fixture
def sent(case, mediator_a, sandbox):  # noqa: F811
    """An application both parties joined, sent to the delegating court."""
    mediation, party_a, party_b, row_a, row_b = case
    agreement = _effective(case, mediator_a)
    actions.join_confirmation(party_a, agreement, row_a, "110105")
    return actions.join_confirmation(party_b, agreement, row_b, "110105")


@pytest.fixture
def from_court(court_peer, post_message, make_envelope, own_key):
    """CONFIRMATION_DECIDED from the court platform through the real, signed endpoint."""
    seqs: dict = {}

    def send(request, **payload):
        seqs[request.pk] = seqs.get(request.pk, 0) + 1
        body = {"request_id": str(request.pk), "at": timezone.now().isoformat(), **payload}
        message = make_envelope(
            MessageType.CONFIRMATION_DECIDED, request.pk, seqs[request.pk], body, "court-platform", "investor-platform"
        )
        response = post_message(message, court_peer.key)
        assert response.status_code == 200 and response.json()["status"] == "applied", response.content
        request.refresh_from_db()
        return request

    return send


def test_l12_l14_the_courts_decisions_and_its_sealed_ruling_are_kept_verified_and_shown(
    sent,
    case,  # noqa: F811
    from_court,
    court_peer,
    signers,  # noqa: F811
    client,
):
    from docking_documents_checks import signed_bytes
    from peer_server import PeerServer
    from sutiao.documents.signing import sign

    request = from_court(sent, step="received", reasons="应于某日前决定是否受理")
    assert request.state == RequestState.RECEIVED
    request = from_court(request, step="accepted", number="(2026)京0105民特1号")
    assert request.state == RequestState.ACCEPTED and request.number == "(2026)京0105民特1号"
    sealed = sign(
        agreement_pdf("民事裁定书"), signers["seal"], field="seal", reason="民事裁定书", location="北京", seal=True
    )

    request = from_court(
        request,
        step="ruled",
        number=request.number,
        outcome="valid",
        reasons="协议有效",
        ruling_sha256=hashlib.sha256(sealed).hexdigest(),
        ruling_size=len(sealed),
    )
    assert request.state == RequestState.CONFIRMED and request.ruling is None
    server = PeerServer().start()
    try:
        court_peer.peer.base_url = server.url
        court_peer.peer.save()
        server.answer = lambda received: signed_bytes(court_peer.key, received, sealed)
        assert actions.fetch_rulings() == 1
    finally:
        server.stop()
    request.refresh_from_db()
    assert request.ruling.sha256 == hashlib.sha256(sealed).hexdigest() and request.ruling.uploaded_by is None
    assert request.ruling_verified and request.ruling_received_at is not None
    assert selectors.objection_window(request).rule.code == "L14"
    mediation, party_a, *_ = case
    client.force_login(party_a)
    page = client.get(f"/mediations/{mediation.pk}/confirmation/").content.decode()
    assert 'data-verified="1"' in page and 'data-testid="objection-window"' in page and "申请执行" in page
    pdf = client.get(f"/mediations/{mediation.pk}/confirmation/{request.pk}/ruling/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content) == sealed


def test_l13_a_rejection_offers_the_three_ways_on(sent, case, from_court, client):  # noqa: F811
    request = from_court(sent, step="received")
    request = from_court(request, step="accepted", number="(2026)京0105民特2号")
    request = from_court(
        request,
        step="ruled",
        number=request.number,
        outcome="rejected",
        ground="内容不明确",
        reasons="履行期限不明确",
        ruling_sha256="b" * 64,
        ruling_size=100,
    )
    assert request.state == RequestState.REJECTED
    mediation, party_a, *_ = case
    client.force_login(party_a)
    page = client.get(f"/mediations/{mediation.pk}/confirmation/").content.decode()
    assert 'data-testid="rejected-paths"' in page and "达成新的调解协议" in page and "提起诉讼" in page
    assert "内容不明确" in page and "履行期限不明确" in page


def test_l11_a_refusal_by_the_court_platform_is_shown_with_its_reason(sent):
    from sutiao.investor import inbound

    message = OutboxMessage.objects.get(type=MessageType.CONFIRMATION_APPLIED)
    message.last_error = (
        "confirmation_refused: 申请司法确认的期间（30日（《中华人民共和国民事诉讼法》第二百零五条））已届满"
    )
    inbound.on_confirmation_applied_parked([message])
    sent.refresh_from_db()
    assert sent.state == RequestState.REFUSED and "第二百零五条" in sent.reasons
