"""Batches: one signature, a receipt or refusal per message; new in-order messages are applied in bulk,
anything else message by message with the same guarantees."""

import json

from sutiao.docking.models import InboxMessage
from sutiao.docking.schemas import MessageType
from sutiao.investor.models import Delegation
from sutiao.kernel.ids import new_id


def _batch(client, sign_headers, key, messages):
    body = json.dumps({"messages": messages}, ensure_ascii=False).encode()
    headers = sign_headers(body, key, path="/docking/v1/batches")
    response = client.post("/docking/v1/batches", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _delegate(make_envelope, delegate_payload, organisation, **overrides):
    return make_envelope(
        MessageType.DELEGATE,
        new_id(),
        1,
        delegate_payload(organisation, **overrides),
        "court-platform",
        "investor-platform",
    )


def test_a_batch_of_new_delegations_is_applied_whole(
    client, sign_headers, court_peer, own_key, make_envelope, delegate_payload, org_a
):
    messages = [_delegate(make_envelope, delegate_payload, org_a) for _ in range(5)]
    results = _batch(client, sign_headers, court_peer.key, messages)
    assert [r["status"] for r in results] == ["applied"] * 5
    assert Delegation.objects.count() == 5 and InboxMessage.objects.filter(status="applied").count() == 5
    again = _batch(client, sign_headers, court_peer.key, messages)  # the relay's retry of the same batch
    assert [r["status"] for r in again] == ["duplicate"] * 5
    assert [r["received_at"] for r in again] == [r["received_at"] for r in results]
    assert Delegation.objects.count() == 5


def test_one_refused_message_does_not_hold_back_the_others(
    client, sign_headers, court_peer, own_key, make_envelope, delegate_payload, org_a
):
    good = [_delegate(make_envelope, delegate_payload, org_a) for _ in range(2)]
    bad = _delegate(make_envelope, delegate_payload, org_a, organisation_id=str(new_id()))
    results = _batch(client, sign_headers, court_peer.key, [good[0], bad, good[1]])
    assert [r.get("status") or r.get("error") for r in results] == ["applied", "unknown_organisation", "applied"]
    assert results[1]["message_id"] == bad["id"]
    assert Delegation.objects.count() == 2 and InboxMessage.objects.count() == 2
