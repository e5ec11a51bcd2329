"""More than a thousand generated bad requests against the investor platform's docking endpoint: each is
refused with its specific error code, nothing of it is stored, and genuine messages sent in between are
applied throughout (issue 3)."""

import copy
import datetime as dt
import json
import random

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from sutiao.docking.models import InboxMessage, PeerKey, SeenNonce
from sutiao.docking.schemas import MessageType
from sutiao.investor.models import Delegation
from sutiao.kernel.ids import new_id

PER_KIND = 90  # x 13 kinds = 1,170 bad requests


def _stored():
    return InboxMessage.objects.count(), SeenNonce.objects.count(), Delegation.objects.count()


def test_a_thousand_bad_requests_are_refused_precisely(
    court_peer, post_message, make_envelope, delegate_payload, org_a, own_key, client
):
    rng = random.Random(20261128)
    revoked_key = ("court-platform-revoked", Ed25519PrivateKey.generate())
    from cryptography.hazmat.primitives import serialization

    PeerKey.objects.create(
        peer=court_peer.peer,
        key_id=revoked_key[0],
        revoked_at=timezone.now(),
        public_key_pem=revoked_key[1]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
    )

    def good():
        payload = delegate_payload(org_a)
        return make_envelope(MessageType.DELEGATE, new_id(), 1, payload, "court-platform", "investor-platform")

    genuine = good()
    assert post_message(genuine, court_peer.key).status_code == 200

    def forged(m):
        return post_message(m, (court_peer.key[0], Ed25519PrivateKey.generate()))

    def tampered(m):
        changed = copy.deepcopy(m)
        field = rng.choice(["amount", "court_name", "dispute_type", "facts"])
        changed["payload"][field] = {
            "amount": "9999999.00",
            "court_name": "假法院",
            "dispute_type": "other",
            "facts": "篡改" * rng.randint(1, 9),
        }[field]
        return post_message(m, court_peer.key, body_after_signing=json.dumps(changed, ensure_ascii=False).encode())

    def unknown_key(m):
        return post_message(m, (f"key-{rng.getrandbits(64):x}", Ed25519PrivateKey.generate()))

    def revoked(m):
        return post_message(m, revoked_key)

    def future(m):
        return post_message(m, court_peer.key, now=timezone.now() + dt.timedelta(seconds=rng.randint(120, 10**7)))

    def expired(m):
        return post_message(m, court_peer.key, now=timezone.now() - dt.timedelta(seconds=rng.randint(400, 10**7)))

    def replayed_id(m):
        again = copy.deepcopy(genuine)
        again["payload"]["facts"] = f"同一标识、不同内容 {rng.random()}"
        return post_message(again, court_peer.key)

    def wrong_recipient(m):
        m["recipient"] = rng.choice(["court-platform", "investor-platform-2", "x" * rng.randint(1, 50)])
        return post_message(m, court_peer.key)

    def oversized(m):
        m["payload"]["facts"] = "长" * (2 * 1024 * 1024)
        return post_message(m, court_peer.key)

    def malformed(m):
        raw = json.dumps(m, ensure_ascii=False).encode()
        return post_message(raw[: rng.randint(0, len(raw) - 1)], court_peer.key)

    def schema_invalid(m):
        target = rng.choice(["seq", "id", "amount", "parties", "consent", "claims", "kind", "occurred_at", "extra"])
        if target == "seq":
            m["seq"] = rng.choice([0, -1, "one", None])
        elif target == "id":
            m["id"] = rng.choice(["not-a-uuid", 42, ""])
        elif target == "occurred_at":
            m["occurred_at"] = rng.choice(["yesterday", "2026-11-28T09:00:00"])  # the second has no time zone
        elif target == "extra":
            m["payload"]["note"] = "多余字段"
        elif target in ("parties", "claims"):
            m["payload"][target] = []
        elif target == "consent":
            m["payload"]["consent"][0]["consented"] = False
        else:
            m["payload"][target] = rng.choice(["-1.00", "abc", "1.234"]) if target == "amount" else "unknown"
        return post_message(m, court_peer.key)

    def unknown_type(m):
        m["type"] = rng.choice(["PIZZA", "DELEGATE_V2", "delegate", "ROSTER_PROPOSED_X"])
        return post_message(m, court_peer.key)

    def unknown_version(m):
        m["version"] = rng.choice([0, 2, 99])
        return post_message(m, court_peer.key)

    kinds = {
        forged: (401, "signature_invalid"),
        tampered: (400, "digest_mismatch"),
        unknown_key: (401, "unknown_key"),
        revoked: (401, "key_revoked"),
        future: (401, "signature_not_yet_valid"),
        expired: (401, "signature_expired"),
        replayed_id: (409, "message_conflict"),
        wrong_recipient: (403, "wrong_recipient"),
        oversized: (413, "body_too_large"),
        malformed: (400, "malformed_json"),
        schema_invalid: (422, "schema_invalid"),
        unknown_type: (422, "unknown_type"),
        unknown_version: (422, "unsupported_version"),
    }
    plan = [kind for kind in kinds for _ in range(PER_KIND if kind is not oversized else 10)]
    rng.shuffle(plan)
    wrong, refused = [], 0
    for number, kind in enumerate(plan):
        before = _stored()
        response = kind(good())
        expected = kinds[kind]
        got = (response.status_code, response.json().get("error"))
        if got != expected or _stored() != before:
            wrong.append((kind.__name__, expected, got, response.json().get("message")))
        refused += 1
        if number % 50 == 0:  # genuine traffic goes on being served in between
            assert post_message(good(), court_peer.key).status_code == 200
    assert refused >= 1000
    assert wrong == []
    assert Delegation.objects.count() == 1 + len(range(0, len(plan), 50))
