"""Issue 14, the investor platform's side of the docking: replay protection takes every parameter from the one
signature it verified (1); signed reads burn their nonce like writes (2); a court platform's message changes
only what belongs to that court platform (4)."""

import datetime as dt
import json

import requests
from django.utils import timezone

from sutiao.docking.models import InboxMessage, SeenNonce
from sutiao.docking.schemas import MessageType
from sutiao.docking.signing import FEED_COMPONENTS, sign
from sutiao.investor.models import Delegation
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import InvestorState

FEED = "/docking/v1/feed?after=&limit=10"


def signed_get_headers(key, path=FEED) -> dict:
    request = requests.Request("GET", "http://testserver" + path, headers={"Content-Type": "application/json"})
    prepared = request.prepare()
    sign(prepared, b"", components=FEED_COMPONENTS, key=key)
    return {k: prepared.headers[k] for k in ("Content-Type", "Content-Digest", "Signature-Input", "Signature")}


def relabelled(headers: dict, key_id: str, nonce: str) -> dict:
    """The captured signature moved under another label, and a fake entry with our label and a fresh nonce: a
    verifier that checks one signature and reads its parameters from another lets the capture in again."""
    now = int(dt.datetime.now(dt.UTC).timestamp())
    fake = f'sutiao=("@method");created={now};expires={now + 60};nonce="{nonce}";keyid="{key_id}"'
    return {
        **headers,
        "Signature-Input": headers["Signature-Input"].replace("sutiao=", "captured=", 1) + ", " + fake,
        "Signature": headers["Signature"].replace("sutiao=", "captured=", 1) + ", sutiao=:AAAA:",
    }


def _stored():
    return InboxMessage.objects.count(), SeenNonce.objects.count(), Delegation.objects.count()


def test_a_relabelled_captured_request_is_refused(
    court_peer, post_message, make_envelope, delegate_payload, org_a, own_key
):
    message = make_envelope(
        MessageType.DELEGATE, new_id(), 1, delegate_payload(org_a), "court-platform", "investor-platform"
    )
    first = post_message(message, court_peer.key)
    assert first.status_code == 200
    before = _stored()
    again = post_message(message, None, headers=relabelled(first.sent_headers, court_peer.key[0], "f" * 24))
    assert again.status_code == 401, again.content
    assert _stored() == before


def test_a_relabelled_captured_feed_read_is_refused(client, court_peer, own_key):
    headers = signed_get_headers(court_peer.key)
    assert client.get(FEED, headers=headers).status_code == 200
    replay = client.get(FEED, headers=relabelled(headers, court_peer.key[0], "g" * 24))
    assert replay.status_code == 401 and "messages" not in replay.json()


def test_two_signatures_with_our_tag_are_refused(
    court_peer, post_message, make_envelope, delegate_payload, org_a, sign_headers, own_key
):
    message = make_envelope(
        MessageType.DELEGATE, new_id(), 1, delegate_payload(org_a), "court-platform", "investor-platform"
    )
    body = json.dumps(message, ensure_ascii=False).encode()
    one, two = sign_headers(body, court_peer.key), sign_headers(body, court_peer.key)
    headers = {
        **one,
        "Signature-Input": one["Signature-Input"] + ", " + two["Signature-Input"].replace("sutiao=", "second=", 1),
        "Signature": one["Signature"] + ", " + two["Signature"].replace("sutiao=", "second=", 1),
    }
    response = post_message(body, None, headers=headers)
    assert (response.status_code, response.json()["error"]) == (401, "signature_malformed")
    assert _stored() == (0, 0, 0)


def test_a_signed_read_cannot_be_replayed(client, court_peer, own_key):
    headers = signed_get_headers(court_peer.key)
    assert client.get(FEED, headers=headers).status_code == 200
    replay = client.get(FEED, headers=headers)
    assert (replay.status_code, replay.json()["error"]) == (401, "replay")
    cases = "/docking/v1/cases?after=&limit=10"
    headers = signed_get_headers(court_peer.key, cases)
    assert client.get(cases, headers=headers).status_code == 200
    assert client.get(cases, headers=headers).json()["error"] == "replay"


def test_a_withdrawal_from_another_court_platform_is_refused_for_good(
    receive, org_a, make_peer, post_message, make_envelope, own_key
):
    delegation = receive(org_a)
    stranger = make_peer("court-platform-2")
    message = make_envelope(
        MessageType.DELEGATION_WITHDRAWN,
        delegation.case,
        1,
        {"delegation_id": str(delegation.pk), "reason": "冒名撤回", "withdrawn_at": timezone.now().isoformat()},
        "court-platform-2",
        "investor-platform",
    )
    response = post_message(message, stranger.key)
    assert (response.status_code, response.json()["error"], response.json()["final"]) == (422, "wrong_peer", True)
    delegation.refresh_from_db()
    assert delegation.state == InvestorState.RECEIVED and delegation.recall_reason == ""
