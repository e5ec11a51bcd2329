"""The receiving half of the docking, on the court platform: what a forged, tampered, stale, replayed,
duplicated or early message does (DESIGN.md §4; issue 2 acceptance)."""

import datetime as dt

import pytest
from django.utils import timezone

from sutiao.court.models import Case, CaseEvent
from sutiao.docking.models import InboxMessage, SeenNonce
from sutiao.docking.schemas import MessageType
from sutiao.docking.signing import ANSWER_COMPONENTS, HttpMessage, verify
from sutiao.kernel.workflow import CourtState, DelegationState


@pytest.fixture
def answer(delegated, investor, make_envelope):
    def make(seq=1, accepted=True, message_type=MessageType.DELEGATION_ANSWER, payload=None, **kwargs):
        payload = payload or {
            "delegation_id": str(delegated.id),
            "accepted": accepted,
            "reason": "" if accepted else "本组织无相关专业调解员",
            "answered_at": timezone.now().isoformat(),
            "answered_by": "中证资本市场法律服务中心 管理员",
        }
        return make_envelope(
            message_type, delegated.case_id, seq, payload, "investor-platform", "court-platform", **kwargs
        )

    return make


def _nothing_stored():
    return not InboxMessage.objects.exists() and not SeenNonce.objects.exists()


def _state(delegated):
    return Case.objects.get(pk=delegated.case_id).state


def test_authentic_answer_is_applied_with_a_signed_receipt(answer, investor, post_message, delegated):
    response = post_message(answer(), investor.key)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "applied"
    assert _state(delegated) == CourtState.MEDIATING

    class SignedResponse:  # bound to the request it answers
        status_code, headers = response.status_code, response.headers
        request = HttpMessage("POST", "http://testserver/docking/v1/messages", response.sent_headers)

    from sutiao.docking.models import PeerKey
    from sutiao.docking.signing import own_public_pem

    own = PeerKey(key_id="court-platform-test", public_key_pem=own_public_pem())
    verify(SignedResponse, response.content, components=ANSWER_COMPONENTS, key_lookup=lambda key_id: own)


@pytest.mark.parametrize(
    ("forgery", "status", "code"),
    [
        ("unsigned", 401, "signature_missing"),
        ("wrong_private_key", 401, "signature_invalid"),
        ("tampered_body", 400, "digest_mismatch"),
        ("unknown_key_id", 401, "unknown_key"),
        ("expired", 401, "signature_expired"),
        ("from_the_future", 401, "signature_not_yet_valid"),
        ("wrong_recipient", 403, "wrong_recipient"),
        ("schema_invalid", 422, "schema_invalid"),
        ("unknown_type", 422, "unknown_type"),
        ("malformed_json", 400, "malformed_json"),
    ],
)
def test_forged_or_broken_requests_are_refused_and_store_nothing(
    forgery, status, code, answer, investor, post_message, delegated, make_peer, client
):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    message, key, kwargs = answer(), investor.key, {}
    if forgery == "unsigned":
        response = client.post("/docking/v1/messages", data=b"{}", content_type="application/json")
    else:
        if forgery == "wrong_private_key":
            key = (investor.key[0], Ed25519PrivateKey.generate())
        elif forgery == "tampered_body":
            tampered = dict(message, payload={**message["payload"], "accepted": False, "reason": "篡改"})
            import json

            kwargs["body_after_signing"] = json.dumps(tampered, ensure_ascii=False).encode()
        elif forgery == "unknown_key_id":
            key = ("nobody-knows-this-key", Ed25519PrivateKey.generate())
        elif forgery == "expired":
            kwargs["now"] = timezone.now() - dt.timedelta(hours=1)
        elif forgery == "from_the_future":
            kwargs["now"] = timezone.now() + dt.timedelta(hours=1)
        elif forgery == "wrong_recipient":
            message["recipient"] = "some-other-platform"
        elif forgery == "schema_invalid":
            message["payload"]["accepted"] = "maybe"
        elif forgery == "unknown_type":
            message["type"] = "PIZZA_ORDER"
        elif forgery == "malformed_json":
            message = b'{"id": "not closed'
        response = post_message(message, key, **kwargs)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == code
    assert body["message"]  # a Chinese sentence for the operator
    assert _nothing_stored()
    assert _state(delegated) == CourtState.DELEGATED


def test_replayed_request_is_refused(answer, investor, post_message, delegated):
    message = answer()
    first = post_message(message, investor.key)
    assert first.status_code == 200
    replay = post_message(message, investor.key, headers=first.sent_headers)
    assert replay.status_code == 401
    assert replay.json()["error"] == "replay"
    assert InboxMessage.objects.count() == 1


def test_same_message_delivered_twice_changes_state_once(answer, investor, post_message, delegated):
    message = answer()
    assert post_message(message, investor.key).json()["status"] == "applied"
    events = CaseEvent.objects.count()
    again = post_message(message, investor.key)  # the relay's retry: same message, fresh signature
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert CaseEvent.objects.count() == events
    assert InboxMessage.objects.count() == 1


def test_same_id_with_other_content_is_a_conflict(answer, investor, post_message, delegated):
    message = answer()
    post_message(message, investor.key)
    changed = dict(message, payload={**message["payload"], "answered_by": "别人"})
    response = post_message(changed, investor.key)
    assert response.status_code == 409
    assert response.json()["error"] == "message_conflict"


def test_message_ahead_of_its_predecessor_waits_then_is_applied(answer, investor, post_message, delegated):
    assigned = answer(
        seq=2,
        message_type=MessageType.MEDIATOR_ASSIGNED,
        payload={
            "delegation_id": str(delegated.id),
            "mediator_id": "7",
            "mediator_name": "张调解",
            "assigned_at": timezone.now().isoformat(),
        },
    )
    early = post_message(assigned, investor.key)
    assert early.status_code == 202
    assert early.json()["status"] == "waiting"
    delegated.refresh_from_db()
    assert delegated.mediator_name == ""
    assert post_message(answer(seq=1), investor.key).status_code == 200
    delegated.refresh_from_db()
    assert delegated.state == DelegationState.ACCEPTED
    assert delegated.mediator_name == "张调解"
    assert set(InboxMessage.objects.values_list("status", flat=True)) == {"applied"}


def test_answer_for_an_unknown_delegation_is_refused(answer, investor, post_message, delegated):
    message = answer()
    message["payload"]["delegation_id"] = "01900000-0000-7000-8000-000000000000"
    response = post_message(message, investor.key)
    assert response.status_code == 422
    assert response.json()["error"] == "unknown_delegation"
    assert _nothing_stored()


def test_revoked_key_is_refused(answer, investor, post_message, delegated):
    from sutiao.docking.models import PeerKey

    PeerKey.objects.filter(key_id=investor.key[0]).update(revoked_at=timezone.now())
    response = post_message(answer(), investor.key)
    assert response.status_code == 401
    assert response.json()["error"] == "key_revoked"


def test_openapi_document_describes_every_message(client, db):
    doc = client.get("/docking/v1/openapi.json").json()
    mapping = doc["components"]["schemas"]["Message"]["discriminator"]["mapping"]
    assert set(mapping) == set(MessageType)  # a new type is described without editing this test
    assert "/docking/v1/messages" in doc["paths"]
    assert "/docking/v1/audit-heads" in doc["paths"]
