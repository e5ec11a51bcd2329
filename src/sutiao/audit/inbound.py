"""Effects of incoming docking messages on the audit app."""

import logging

from django.utils import timezone

from .actions import AuditAction
from .log import Entry, record_many
from .models import PeerHead

log = logging.getLogger("sutiao.audit")


def on_audit_head(items) -> None:
    """Keep each chain head a peer sent (AUDIT_HEAD) as its witness, with the record of having received it."""
    now = timezone.now()
    for message, payload in items:
        latest = PeerHead.objects.filter(peer=message.peer).order_by("-id").first()
        if latest is not None and (
            payload.seq < latest.seq or (payload.seq == latest.seq and payload.hash != latest.hash)
        ):
            # Its history went backwards or changed under an attested seq: the peer's own `audit verify
            # --peer` will name it; we keep the head as sent, and say so where operators look.
            log.error(
                "%s sent audit head #%s that contradicts #%s it sent before", message.peer.name, payload.seq, latest.seq
            )
        head = PeerHead.objects.create(
            peer=message.peer, seq=payload.seq, hash=payload.hash, at=payload.at, received_at=now
        )
        record_many(
            message.peer.name,
            [Entry(AuditAction.PEER_HEAD_RECEIVED, head, after=payload.model_dump(mode="json"))],
        )
