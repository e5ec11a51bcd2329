"""Issue 14, the court platform's side of the docking: it acts on a refusal only when the investor platform
signed it for the very request refused (3); outside development it docks only over https (3); and what
arrives changes only what belongs to the peer that sent it (4)."""

import json

import pytest
from court_roster_setup import card
from django.core.management import CommandError, call_command
from django.utils import timezone

from peer_server import PeerServer, SignableAnswer
from sutiao.court.models import Delegation, Organisation, RosterEntry
from sutiao.docking import relay
from sutiao.docking.models import InboxMessage, OutboxMessage, OutboxStatus
from sutiao.docking.schemas import MessageType
from sutiao.docking.signing import sign_answer
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import DelegationState


def delegate_message(delegation) -> OutboxMessage:
    # Stored payloads are encrypted (docs/personal-data.md): found by case in SQL, by delegation id in Python.
    [message] = [
        m
        for m in OutboxMessage.objects.filter(type=MessageType.DELEGATE, case=delegation.case_id)
        if m.payload["delegation_id"] == str(delegation.pk)
    ]
    return message


@pytest.fixture
def fake_investor(investor):
    """The investor platform's address now answers from a loopback server a test scripts."""
    server = PeerServer().start()
    investor.peer.base_url = server.url
    investor.peer.save()
    yield server
    server.stop()


def refusal_body(code="organisation_unavailable", final=True) -> bytes:
    return json.dumps({"error": code, "message": "调解组织已暂停", "final": final}, ensure_ascii=False).encode()


def signed_refusal(key, received, status=422, body=None):
    body = body or refusal_body()
    answer = SignableAnswer(status, {"Content-Type": "application/json"}, received)
    sign_answer(answer, body, answer.request, key=key)
    return status, dict(answer.headers), body


def _relay_once():
    OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(next_attempt_at=timezone.now())
    relay.deliver_due()


def test_a_forged_unsigned_refusal_neither_parks_nor_declines(delegated, fake_investor):
    fake_investor.answer = lambda received: (422, {"Content-Type": "application/json"}, refusal_body())
    _relay_once()
    message = delegate_message(delegated)
    assert message.status == OutboxStatus.PENDING and message.attempts == 1  # retried later, like a lost answer
    assert "未签名" in message.last_error
    delegated.refresh_from_db()
    assert delegated.state == DelegationState.SENT


def test_a_refusal_signed_for_another_request_is_not_acted_on(delegated, fake_investor, investor):
    captured = []

    def answer(received):
        if not captured:  # a genuine, signed refusal of some earlier request, captured by the attacker
            earlier = type(received)("POST", received.path, {**received.headers, "Signature": "sutiao=:AAAA:"}, b"")
            captured.append(signed_refusal(investor.key, earlier))
        return captured[0]

    fake_investor.answer = answer
    _relay_once()
    message = delegate_message(delegated)
    assert message.status == OutboxStatus.PENDING
    delegated.refresh_from_db()
    assert delegated.state == DelegationState.SENT


def test_a_refusal_signed_by_the_peer_for_this_request_is_acted_on(delegated, fake_investor, investor):
    fake_investor.answer = lambda received: signed_refusal(investor.key, received)
    _relay_once()
    message = delegate_message(delegated)
    assert message.status == OutboxStatus.PARKED
    delegated.refresh_from_db()
    assert delegated.state == DelegationState.DECLINED


def test_a_refusal_signed_by_another_peers_key_is_not_acted_on(delegated, fake_investor, make_peer):
    stranger = make_peer("third-platform")
    fake_investor.answer = lambda received: signed_refusal(stranger.key, received)
    _relay_once()
    assert delegate_message(delegated).status == OutboxStatus.PENDING


def test_outside_development_an_http_peer_is_refused(settings, tmp_path, delegated, fake_investor):
    settings.DEV = False
    pem = tmp_path / "peer.pem"
    pem.write_text("unused")
    with pytest.raises(CommandError, match="https"):
        call_command(
            "register_peer",
            name="other-platform",
            display_name="其他平台",
            url="http://other.example",
            key_id="other-1",
            public_key_file=str(pem),
        )
    fake_investor.answer = lambda received: pytest.fail("nothing is sent to an http peer outside development")
    _relay_once()
    message = delegate_message(delegated)
    assert message.status == OutboxStatus.PENDING and "https" in message.last_error
    assert fake_investor.received == []


# --- 4: effects bound to the sending peer ---


def test_an_answer_from_another_peer_is_refused_for_good(delegated, make_peer, post_message, make_envelope):
    stranger = make_peer("third-platform")
    message = make_envelope(
        MessageType.DELEGATION_ANSWER,
        delegated.case_id,
        1,
        {
            "delegation_id": str(delegated.pk),
            "accepted": False,
            "reason": "冒名拒绝",
            "answered_at": timezone.now().isoformat(),
            "answered_by": "冒名者",
        },
        "third-platform",
        "court-platform",
    )
    response = post_message(message, stranger.key)
    assert response.status_code == 422 and response.json()["error"] == "wrong_peer" and response.json()["final"]
    delegated.refresh_from_db()
    assert delegated.state == DelegationState.SENT and delegated.decline_reason == ""
    assert InboxMessage.objects.get(pk=message["id"]).status == "rejected"


def test_another_peer_cannot_take_over_an_organisations_roster_data(
    organisation, make_peer, post_message, make_envelope
):
    stranger = make_peer("third-platform")
    payload = {"organisation": card(organisation.pk, name="被冒名改写", version=99, active=False), "mediator": None}
    payload |= {"reason": "冒名退出", "changed_at": timezone.now().isoformat()}
    message = make_envelope(MessageType.ROSTER_CHANGED, organisation.pk, 1, payload, "third-platform", "court-platform")
    response = post_message(message, stranger.key)
    assert response.status_code == 422 and response.json()["error"] == "wrong_peer"
    organisation.refresh_from_db()
    assert organisation.name == "中证资本市场法律服务中心" and organisation.active
    assert RosterEntry.objects.filter(organisation=organisation, removed_at__isnull=True).count() == 1


def test_another_peer_cannot_push_a_new_card_for_an_organisation_it_does_not_own(
    organisation, make_peer, post_message, make_envelope, court
):
    stranger = make_peer("third-platform")
    payload = {
        "proposal_id": str(new_id()),
        "court_id": str(court.pk),
        "court_name": court.name,
        "organisation": card(organisation.pk, name="被冒名改写", version=99),
        "mediator": None,
        "proposed_by": "冒名者",
        "proposed_at": timezone.now().isoformat(),
    }
    message = make_envelope(
        MessageType.ROSTER_PROPOSED, organisation.pk, 1, payload, "third-platform", "court-platform"
    )
    response = post_message(message, stranger.key)
    assert response.status_code == 422 and response.json()["error"] == "wrong_peer"
    assert Organisation.objects.get(pk=organisation.pk).name == "中证资本市场法律服务中心"


def test_a_receipt_is_recorded_as_the_peer_that_signed_it(delegated, fake_investor, investor):
    """The audit actor of an inbound effect is the peer that sent it, never a fixed name (court/actions/common.py
    had "investor-platform" for every peer)."""
    from sutiao.audit.models import AuditRecord

    investor.peer.name = "investor-platform-b"
    investor.peer.save()

    def receipt(received):
        messages = json.loads(received.body)["messages"]
        results = [
            {
                "message_id": m["id"],
                "status": "applied",
                "receiver": "investor-platform-b",
                "received_at": timezone.now().isoformat(),
                "message_digest": "0" * 64,
            }
            for m in messages
        ]
        return signed_refusal(investor.key, received, status=200, body=json.dumps({"results": results}).encode())

    fake_investor.answer = receipt
    _relay_once()
    assert Delegation.objects.get(pk=delegated.pk).state == DelegationState.RECEIVED
    assert list(AuditRecord.objects.filter(action="delegation.received").values_list("actor", flat=True)) == [
        "investor-platform-b"
    ]
