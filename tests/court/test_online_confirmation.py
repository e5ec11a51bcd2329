"""Judicial confirmation applied for online (issue 11 §4; L11–L13), the court's side: the parties' platform sends
CONFIRMATION_APPLIED naming the agreement by its hash; the court refuses at once what the message alone decides (out
of the 30 days, with its citation), else fetches the agreement in its fetch job, outside the inbox's transaction,
from a real signed HTTP answer, and checks the hash and the signatures before registering the application as ONLINE;
its decisions and its sealed ruling go back to the parties' platform."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from docking_documents_checks import signed_bytes
from documents_checks import sandbox  # noqa: F401 (a fixture)
from peer_server import PeerServer
from signing_checks import agreement_pdf, ca_files, platform_ca, sign_all, signers  # noqa: F401 (fixtures)
from sutiao.court.actions import confirmation as actions
from sutiao.court.confirmation.models import Channel, ConfirmationApplication, CourtArea, IncomingApplication
from sutiao.docking.models import OutboxMessage, SharedDocument
from sutiao.docking.schemas import MessageType
from sutiao.kernel.calendar import china_today
from sutiao.kernel.confirmation import RulingOutcome
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import ConfirmationState

INVESTOR_ID = "11010519491231002X"
PDF_BYTES = agreement_pdf()  # readable, unsigned (an agreement signed on paper and uploaded)


def _uscc():
    from sutiao.kernel.identifiers import uscc_check_character

    return "91110000MA0000000" + uscc_check_character("91110000MA0000000")


@pytest.fixture
def area(court):
    return CourtArea.objects.create(court=court, prefix="110105", note="朝阳区")


@pytest.fixture
def scripted(investor):
    """The parties' platform, answering the court's signed document reads from a loopback server."""
    server = PeerServer().start()
    investor.peer.base_url = server.url
    investor.peer.save()
    yield server
    server.stop()


@pytest.fixture
def apply(investor, post_message, make_envelope, court, own_key):
    """Send a CONFIRMATION_APPLIED through the real, signed endpoint; returns (request id, HTTP response)."""

    def send(pdf: bytes, effective_on=None, **overrides):
        request_id = new_id()
        now = timezone.now()
        body = {
            "request_id": str(request_id),
            "court_id": str(court.pk),
            "dispute_type": "brokerage_contract",
            "organisation_name": "中证资本市场法律服务中心",
            "organisation_seat": "110102",
            "agreement_sha256": hashlib.sha256(pdf).hexdigest(),
            "agreement_size": len(pdf),
            "agreement_effective_on": (effective_on or china_today() - dt.timedelta(days=3)).isoformat(),
            "amount": "8000.00",
            "parties": [
                {
                    "role": "applicant",
                    "kind": "natural_person",
                    "name": "张三",
                    "id_number": INVESTOR_ID,
                    "phone": "13800138000",
                    "domicile": "110105",
                    "joined_at": now.isoformat(),
                    "via": "本人",
                },
                {
                    "role": "respondent",
                    "kind": "legal_person",
                    "name": "某某证券股份有限公司",
                    "id_number": _uscc(),
                    "domicile": "110105",
                    "joined_at": now.isoformat(),
                    "via": "委托代理",
                },
            ],
            "applied_at": now.isoformat(),
            **overrides,
        }
        message = make_envelope(
            MessageType.CONFIRMATION_APPLIED, request_id, 1, body, "investor-platform", "court-platform"
        )
        return request_id, post_message(message, investor.key)

    return send


def _serve(scripted, investor, data: bytes):
    scripted.answer = lambda received: signed_bytes(investor.key, received, data)


def _decided(request_id) -> list[dict]:
    return [m.payload for m in OutboxMessage.objects.filter(case=request_id).order_by("seq")]


def test_l11_a_joint_online_application_is_fetched_checked_and_received(apply, area, scripted, investor, sandbox):  # noqa: F811
    request_id, response = apply(PDF_BYTES)
    assert response.status_code == 200 and response.json()["status"] == "applied", response.content
    # Nothing is fetched inside the inbox's transaction: the application waits for the fetch job.
    incoming = IncomingApplication.objects.get(pk=request_id)
    assert incoming.done_at is None and not scripted.received and not ConfirmationApplication.objects.exists()
    _serve(scripted, investor, PDF_BYTES)
    assert actions.fetch_online_applications() == 1
    application = ConfirmationApplication.objects.get(request_id=request_id)
    assert application.channel == Channel.ONLINE and application.state == ConfirmationState.RECEIVED
    assert application.received_by is None and application.peer == investor.peer
    assert application.agreement.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert {p.name for p in application.parties.all()} == {"张三", "某某证券股份有限公司"}
    assert application.parties.get(name="张三").id_number == INVESTOR_ID  # encrypted at rest, read in clear
    assert scripted.received[0].path.endswith(application.agreement.sha256)
    (received,) = _decided(request_id)
    assert received["step"] == "received" and "决定是否受理" in received["reasons"]


def test_a_document_whose_hash_does_not_match_is_refused_and_the_refusal_sent_back(
    apply,
    area,
    scripted,
    investor,
    sandbox,  # noqa: F811
):
    request_id, _ = apply(PDF_BYTES)
    _serve(scripted, investor, PDF_BYTES.replace(b"AMOUNT 125000.00", b"AMOUNT 925000.00"))
    actions.fetch_online_applications()
    incoming = IncomingApplication.objects.get(pk=request_id)
    assert incoming.done_at is not None and "SHA-256 校验值不符" in incoming.refused_reason
    assert not ConfirmationApplication.objects.exists()
    (refused,) = _decided(request_id)
    assert refused["step"] == "refused" and "SHA-256 校验值不符" in refused["reasons"]


def test_an_unreachable_platform_is_asked_again_later(apply, area, scripted, investor, sandbox, settings):  # noqa: F811
    settings.SUTIAO_CONFIRMATION_FETCH_ATTEMPTS = 3
    request_id, _ = apply(PDF_BYTES)
    scripted.answer = lambda received: (503, {}, b"")
    actions.fetch_online_applications()
    incoming = IncomingApplication.objects.get(pk=request_id)
    assert incoming.done_at is None and incoming.attempts == 1 and "503" in incoming.last_error
    assert incoming.next_attempt_at > timezone.now() and not _decided(request_id)
    IncomingApplication.objects.filter(pk=request_id).update(next_attempt_at=timezone.now())
    _serve(scripted, investor, PDF_BYTES)
    actions.fetch_online_applications()
    assert ConfirmationApplication.objects.get(request_id=request_id).channel == Channel.ONLINE


def test_an_agreement_whose_signatures_do_not_verify_is_refused(apply, area, scripted, investor, sandbox, signers):  # noqa: F811
    signed = sign_all(agreement_pdf(), signers)
    tampered = signed.replace(b"AMOUNT 125000.00", b"AMOUNT 925000.00")
    assert tampered != signed
    request_id, _ = apply(tampered)
    _serve(scripted, investor, tampered)  # the right bytes for the hash named: the signatures are what fail
    actions.fetch_online_applications()
    incoming = IncomingApplication.objects.get(pk=request_id)
    assert "电子签名未通过验证" in incoming.refused_reason and not ConfirmationApplication.objects.exists()
    (refused,) = _decided(request_id)
    assert refused["step"] == "refused" and "签名后" in refused["reasons"]

    good_id, _ = apply(signed)
    _serve(scripted, investor, signed)
    actions.fetch_online_applications()
    application = ConfirmationApplication.objects.get(request_id=good_id)
    assert any("电子签名经验证有效" in s.text for s in application.steps.all())


def test_l11_an_application_after_the_30_days_is_refused_with_its_citation(apply, area, scripted):
    request_id, response = apply(PDF_BYTES, effective_on=china_today() - dt.timedelta(days=45))
    assert response.status_code == 422 and response.json()["final"] is True
    assert "第二百零五条" in response.json()["message"] and "已届满" in response.json()["message"]
    assert not IncomingApplication.objects.exists() and not scripted.received


def test_l11_a_court_not_competent_refuses_naming_where_to_apply(apply, area, scripted):
    parties = [
        {**p, "domicile": "310115"}
        for p in [
            {"role": "applicant", "kind": "natural_person", "name": "张三", "id_number": INVESTOR_ID},
            {"role": "respondent", "kind": "legal_person", "name": "某某证券股份有限公司", "id_number": _uscc()},
        ]
    ]
    now = timezone.now().isoformat()
    parties = [{**p, "joined_at": now, "via": "本人"} for p in parties]
    _, response = apply(PDF_BYTES, parties=parties, organisation_seat="")
    assert response.status_code == 422 and "没有管辖权" in response.json()["message"]


def test_l12_l13_decisions_and_the_sealed_ruling_go_back(
    apply,
    area,
    scripted,
    investor,
    staff,
    judge,
    sandbox,  # noqa: F811
    platform_ca,  # noqa: F811
):
    request_id, _ = apply(PDF_BYTES)
    _serve(scripted, investor, PDF_BYTES)
    actions.fetch_online_applications()
    application = ConfirmationApplication.objects.get(request_id=request_id)
    application = actions.accept(staff, application, judge)
    actions.request_material(judge, application, "补充交易流水", china_today() + dt.timedelta(days=5))
    request = application.material_requests.get()
    actions.record_material(judge, request, "已补充")
    ruled = actions.rule(judge, application, RulingOutcome.VALID, "协议系双方自愿达成，内容不违反法律规定。")
    steps = _decided(request_id)
    assert [s["step"] for s in steps] == ["received", "accepted", "material_requested", "ruled"]
    assert steps[1]["number"] == ruled.number and "民特" in ruled.number
    assert steps[2]["material_due"] and steps[2]["reasons"] == "补充交易流水"
    ruling = steps[3]
    assert ruling["outcome"] == "valid" and ruling["ruling_sha256"] == ruled.ruling.sha256
    # The ruling is shared with the parties' platform, which fetches it by that hash.
    assert SharedDocument.objects.filter(peer=investor.peer, sha256=ruled.ruling.sha256).exists()


def test_l11_a_delegated_case_goes_back_to_the_delegating_court(apply, delegated, answer, scripted, investor, sandbox):  # noqa: F811
    answer(delegated)
    parties = [
        {**p, "domicile": "310115", "joined_at": timezone.now().isoformat(), "via": "本人"}
        for p in [
            {"role": "applicant", "kind": "natural_person", "name": "张三", "id_number": INVESTOR_ID},
            {"role": "respondent", "kind": "legal_person", "name": "某某证券股份有限公司", "id_number": _uscc()},
        ]
    ]
    request_id, response = apply(PDF_BYTES, parties=parties, organisation_seat="", delegation_id=str(delegated.pk))
    assert response.status_code == 200, response.content  # no area configured: the inviting court is competent
    _serve(scripted, investor, PDF_BYTES)
    actions.fetch_online_applications()
    application = ConfirmationApplication.objects.get(request_id=request_id)
    assert application.case_id == delegated.case_id and application.venue_ground == "inviting_court"
