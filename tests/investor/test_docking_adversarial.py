"""More than a thousand generated bad requests against the investor platform's docking endpoint: each is
refused with its specific error code, nothing of it is stored, and genuine messages sent in between are
applied throughout (issue 3)."""

import copy
import datetime as dt
import json
import random

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone
from investor_registry_setup import registered_org
from test_docking_hardening import FEED, relabelled, signed_get_headers

from peer_server import PeerServer, SignableAnswer
from sutiao.audit.models import AuditRecord
from sutiao.docking import relay
from sutiao.docking.models import InboxMessage, OutboxMessage, OutboxStatus, PeerKey, SeenNonce
from sutiao.docking.refusals import PERMANENT
from sutiao.docking.schemas import MessageType
from sutiao.docking.signing import TAG, sign_answer
from sutiao.investor.actions import roster
from sutiao.investor.models import CourtDirectory, Delegation, DelegationEvent, RosterProposal
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import InvestorProposalState

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


# --- issue 14: replays, relabelled signatures, another peer's business (unsigned refusals: test_forged_answers_...) ---

ATTACKS_PER_KIND = 125  # x 4 kinds, each after its genuine request


def _domain():
    return (
        list(Delegation.objects.order_by("pk").values_list("pk", "state", "recall_reason")),
        list(RosterProposal.objects.order_by("pk").values_list("pk", "state", "ended_reason")),
        DelegationEvent.objects.count(),
        AuditRecord.objects.count(),
    )


@pytest.mark.timeout(900)  # a thousand requests: slower than the default limit on a loaded machine
def test_replays_relabelled_signatures_and_another_peers_messages_are_refused(
    court_peer, post_message, make_envelope, delegate_payload, org_a, own_key, client, make_peer
):
    """Each kind first sends its genuine traffic (which an attacker captures), then the attack: refused, and
    nothing of it stored — for another peer's message, nothing but the docking's own record of the refusal."""
    rng = random.Random(20261201)
    stranger = make_peer("court-platform-2")
    victim_payload = delegate_payload(org_a)
    victim_message = make_envelope(
        MessageType.DELEGATE, new_id(), 1, victim_payload, "court-platform", "investor-platform"
    )
    assert post_message(victim_message, court_peer.key).status_code == 200
    victim = Delegation.objects.get(pk=victim_payload["delegation_id"])

    def captured_write():
        message = make_envelope(
            MessageType.DELEGATE, new_id(), 1, delegate_payload(org_a), "court-platform", "investor-platform"
        )
        response = post_message(message, court_peer.key)
        assert response.status_code == 200
        return message, response.sent_headers

    def nonce():
        return f"{rng.getrandbits(128):032x}"

    def relabel(headers):
        forged = relabelled(headers, rng.choice([court_peer.key[0], stranger.key[0]]), nonce())
        label = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 8)))
        forged["Signature-Input"] = forged["Signature-Input"].replace("captured=", f"{label}=")
        forged["Signature"] = forged["Signature"].replace("captured=", f"{label}=")
        if rng.random() < 0.5:  # the fake entry claims our tag too
            forged["Signature-Input"] += f';tag="{TAG}"'
        return forged

    def replayed():
        message, headers = captured_write()
        return lambda: post_message(message, None, headers=headers)

    def relabelled_write():
        message, headers = captured_write()
        return lambda: post_message(message, None, headers=relabel(headers))

    def replayed_read():
        headers = signed_get_headers(court_peer.key)
        assert client.get(FEED, headers=headers).status_code == 200
        forged = relabel(headers) if rng.random() < 0.5 else headers
        return lambda: client.get(FEED, headers=forged)

    stranger_seq = iter(range(1, 10**6))

    def another_peers_business():
        message_type, payload = rng.choice(
            [
                (
                    MessageType.DELEGATION_WITHDRAWN,
                    {"delegation_id": str(victim.pk), "reason": "冒名撤回", "withdrawn_at": timezone.now().isoformat()},
                ),
                (
                    MessageType.ROSTER_REMOVED,
                    {
                        "proposal_id": str(org_a.roster_proposals.first().pk),
                        "reason": "冒名除名",
                        "removed_at": timezone.now().isoformat(),
                        "removed_by": "冒名者",
                    },
                ),
            ]
        )
        message = make_envelope(
            message_type, victim.case, next(stranger_seq), payload, "court-platform-2", "investor-platform"
        )
        return lambda: post_message(message, stranger.key)

    accepted_refusals = {(401, "replay"), (401, "signature_malformed"), (401, "signature_invalid")}
    kinds = {
        replayed: {(401, "replay")},
        relabelled_write: accepted_refusals,
        replayed_read: accepted_refusals,
        another_peers_business: {(422, "wrong_peer"), (422, "unknown_proposal")},
    }
    plan = [kind for kind in kinds for _ in range(ATTACKS_PER_KIND)]
    rng.shuffle(plan)
    wrong = []
    for kind in plan:
        attack = kind()
        stored, domain = _stored(), _domain()
        response = attack()
        body = response.json()
        got = (response.status_code, body.get("error"))
        if got not in kinds[kind] or (kind is another_peers_business and body.get("final") is not True):
            wrong.append((kind.__name__, got, body.get("message")))
        if _domain() != domain or (kind is not another_peers_business and _stored() != stored):
            wrong.append((kind.__name__, "stored something"))
    assert len(plan) >= 500 and wrong == []
    victim.refresh_from_db()
    assert victim.state == "received" and victim.recall_reason == ""


FORGED_ANSWERS = 400


@pytest.mark.timeout(900)
def test_forged_answers_never_park_a_push_or_change_it(court_peer, regional_office, bureau_user, own_key, settings):
    """The sending side: whatever an attacker on the path answers — unsigned refusals of every kind, answers signed
    by another key, a genuine signed refusal of another request, a signed answer whose body was changed — the push
    stays pending and is sent again; only the court platform's own signature over its answer to that very request
    is believed."""
    settings.SUTIAO_RELAY_MAX_ATTEMPTS = 10**6  # this test counts refusals, not the operator's patience
    rng = random.Random(20261202)
    org = registered_org("待推送调解中心", 9, regional_office, court_peer, bureau_user, on_every_roster=False)
    court = CourtDirectory.objects.create(id=new_id(), peer=court_peer.peer, name="北京市朝阳区人民法院")
    proposal = roster.propose_organisation(bureau_user, org.registry, court.pk)
    server = PeerServer().start()
    court_peer.peer.base_url = server.url
    court_peer.peer.save()
    stranger_key = ("court-platform-key-1", Ed25519PrivateKey.generate())  # the right key id, not the right key
    captured = []

    def refusal_body():
        code = rng.choice(sorted(PERMANENT) + ["unknown_court", "organisation_unavailable", "replay", ""])
        return json.dumps({"error": code, "message": "拒收", "final": rng.random() < 0.7}).encode()

    def signed(received, key, body, status):
        answer = SignableAnswer(status, {"Content-Type": "application/json"}, received)
        sign_answer(answer, body, answer.request, key=key)
        return status, dict(answer.headers), body

    def answer(received):
        status = rng.choice([400, 401, 403, 404, 409, 413, 422, 500, 502])
        kind = rng.choice(["unsigned", "other_key", "captured", "tampered"])
        if kind == "unsigned" or (kind == "captured" and not captured):
            if not captured:
                captured.append(signed(received, court_peer.key, refusal_body(), 422))  # genuine, for this request
                return 503, {"Content-Type": "text/plain"}, b"down"  # ...but lost on the way
            return status, {"Content-Type": "application/json"}, refusal_body()
        if kind == "other_key":
            return signed(received, stranger_key, refusal_body(), status)
        if kind == "captured":
            return captured[0]
        code, headers, body = signed(received, court_peer.key, refusal_body(), status)
        return code, headers, body.replace(b'"final": false', b'"final": true').replace(b"}", b" }", 1)

    server.answer = answer
    try:
        for _ in range(FORGED_ANSWERS):
            OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(next_attempt_at=timezone.now())
            assert relay.deliver_due() == 0
            message = OutboxMessage.objects.get(type=MessageType.ROSTER_PROPOSED)
            assert message.status == OutboxStatus.PENDING, message.last_error
            assert RosterProposal.objects.get(pk=proposal.pk).state == InvestorProposalState.PENDING
    finally:
        server.stop()
    assert len(server.received) == FORGED_ANSWERS
    assert OutboxMessage.objects.get(type=MessageType.ROSTER_PROPOSED).attempts == FORGED_ANSWERS
