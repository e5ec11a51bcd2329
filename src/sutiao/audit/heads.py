"""The daily chain-head exchange (DESIGN.md §3 audit/): each platform sends its audit log's head to the other
through the docking (AUDIT_HEAD), and the other keeps it (`PeerHead`). A platform's own `audit verify` cannot
see an insider who changes an old record and recomputes every later hash and the head; the heads the peer
holds can (`check_peer`, `audit verify --peer`): history the peer has seen must still have the hashes it saw.

AUDIT_HEAD envelopes need a case reference and have no case: each platform uses one fixed UUID,
uuid5(NAMESPACE_URL, "urn:sutiao:audit-head:<platform id>") — court-platform
9ff3723b-2c23-57ef-8d42-3597cbf7efcc, investor-platform 63cbbf0e-0c26-520a-b7a8-fd64b8a1b8ad — so the heads
of one platform are numbered 1, 2, … like the messages of any case, and show in reconciliation as one case."""

import datetime as dt
import uuid
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sutiao.docking import outbox
from sutiao.docking.client import signed_get
from sutiao.docking.models import OutboxMessage, Peer
from sutiao.docking.schemas import AuditHeadPayload, MessageType
from sutiao.docking.signing import Refused

from .actions import AuditAction
from .log import record
from .models import AuditHead, AuditRecord, PeerHead
from .verify import hashes_at

PAGE = 500


def head_case(platform_id: str | None = None) -> uuid.UUID:
    """The fixed case reference of a platform's AUDIT_HEAD messages (see the module's docstring)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:sutiao:audit-head:{platform_id or settings.PLATFORM_ID}")


def send_heads() -> int:
    """Queue our head for every active peer that has not had one for SUTIAO_AUDIT_HEAD_SECONDS. The worker
    asks often (every deadline scan) and the outbox remembers when each peer last got one, so a restarted
    worker neither sends again at once nor waits a whole period."""
    sent = 0
    for peer in Peer.objects.filter(active=True):
        if _due(peer):  # asked first without a transaction: on SQLite every transaction takes the write lock
            with transaction.atomic():
                sent += _send_head_if_due(peer)
    return sent


def _due(peer: Peer) -> bool:
    last = (
        OutboxMessage.objects.filter(peer=peer, case=head_case(), type=MessageType.AUDIT_HEAD)
        .order_by("-seq")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return last is None or timezone.now() - last >= dt.timedelta(seconds=settings.SUTIAO_AUDIT_HEAD_SECONDS)


def _send_head_if_due(peer: Peer) -> bool:
    # Lock the head, then ask again: two workers asking at once send one head, and no record slips in between
    # the head we read and the record saying we sent it.
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    if not _due(peer):
        return False
    now = timezone.now()
    at = AuditRecord.objects.filter(seq=head.seq).values_list("at", flat=True).first() or now
    payload = AuditHeadPayload(seq=head.seq, hash=head.hash, at=at)
    outbox.send(peer, MessageType.AUDIT_HEAD, head_case(), payload)
    record(settings.PLATFORM_ID, AuditAction.HEAD_SENT, peer, after=payload.model_dump(mode="json"))
    return True


def received_page(peer: Peer, after: str, limit: int) -> dict:
    """The heads `peer` sent us, oldest first, one page (the signed read `/docking/v1/audit-heads`)."""
    limit = max(1, min(limit, PAGE))
    rows = PeerHead.objects.filter(peer=peer, id__gt=int(after or 0)).order_by("id")[:limit]
    page = list(rows.values_list("id", "seq", "hash", "at", "received_at"))
    heads = [
        {"seq": seq, "hash": digest, "at": at.isoformat(), "received_at": received.isoformat()}
        for _id, seq, digest, at, received in page
    ]
    return {"heads": heads, "next": str(page[-1][0]) if len(page) == limit else None}


@dataclass(frozen=True)
class PeerCheck:
    """What `check_peer` found: how many heads the peer holds, and the first one our chain no longer has
    (`rewritten`), or why the peer could not be asked (`unreachable`)."""

    peer: Peer
    heads: int = 0
    rewritten: dict | None = None
    unreachable: str = ""


def check_peer(peer: Peer) -> PeerCheck:
    """Read back every head `peer` received from us and check that our chain still has that hash at that seq."""
    heads, after = 0, ""
    try:
        while True:
            page = signed_get(peer, "/docking/v1/audit-heads", {"after": after, "limit": PAGE})
            ours = hashes_at({h["seq"] for h in page["heads"]})
            for head in page["heads"]:
                heads += 1
                if ours.get(head["seq"]) != head["hash"]:
                    return PeerCheck(peer, heads, rewritten=head)
            if not page["next"]:
                return PeerCheck(peer, heads)
            after = page["next"]
    except (requests.RequestException, Refused, ValueError, KeyError) as e:
        return PeerCheck(peer, heads, unreachable=str(e) or type(e).__name__)
