"""Sending: a message is written to the outbox inside the caller's business transaction."""

import datetime as dt
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel

from sutiao import bulk
from sutiao.kernel.ids import new_id

from .models import CaseSequence, OutboxMessage, Peer
from .schemas import MESSAGE_ADAPTER, MessageType, message_digest

CHINA_OFFSET = dt.timezone(dt.timedelta(hours=8))  # envelopes carry Beijing time, as DESIGN.md §4 shows


def send(
    peer: Peer, message_type: MessageType, case: UUID, payload: BaseModel, causation: UUID | None = None
) -> OutboxMessage:
    """Queue a message for `peer`. Must run inside the transaction that makes the state change."""
    return send_many(peer, message_type, [(case, payload)], causation)[0]


def send_many(
    peer: Peer, message_type: MessageType, items: list[tuple[UUID, BaseModel]], causation: UUID | None = None
) -> list[OutboxMessage]:
    """Queue one message per (case, payload), numbering each case's messages on. Written in bulk, for a
    court that delegates thousands of cases at once (a representative action); still inside the caller's
    business transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("docking.outbox.send must run inside the business transaction")
    cases = [case for case, _ in items]
    sequences = {s.case: s for s in CaseSequence.objects.select_for_update().filter(peer=peer, case__in=cases)}
    known_sequences = list(sequences.values())
    new_sequences = []
    for case in cases:
        if case not in sequences:
            sequences[case] = CaseSequence(peer=peer, case=case, last_seq=0)
            new_sequences.append(sequences[case])
    now = timezone.now()
    occurred = now.astimezone(CHINA_OFFSET).isoformat()
    rows = []
    for case, payload in items:
        sequence = sequences[case]
        sequence.last_seq += 1
        envelope = {
            "id": str(new_id()),
            "type": str(message_type),
            "version": 1,
            "sender": settings.PLATFORM_ID,
            "recipient": peer.name,
            "case": str(case),
            "seq": sequence.last_seq,
            "occurred_at": occurred,
            "causation": str(causation) if causation else None,
            "payload": payload.model_dump(mode="json"),
        }
        # Validate what we send with the same schema the receiver applies: a bad message fails here, in
        # the business transaction, not hours later at the peer.
        validated = MESSAGE_ADAPTER.validate_python(envelope)
        rows.append(
            OutboxMessage(
                id=envelope["id"],
                peer=peer,
                type=message_type,
                case=case,
                seq=sequence.last_seq,
                occurred_at=now,
                causation=causation,
                payload=envelope["payload"],
                digest=message_digest(validated),
                next_attempt_at=now,
            )
        )
    bulk.insert(new_sequences)
    # Small batches: SQLite refuses the CASE expression of a bigger bulk update (depth limit 1000).
    CaseSequence.objects.bulk_update(known_sequences, ["last_seq"], batch_size=200)
    return bulk.insert(rows)


def envelope_of(message: OutboxMessage) -> dict:
    return {
        "id": str(message.id),
        "type": message.type,
        "version": message.version,
        "sender": settings.PLATFORM_ID,
        "recipient": message.peer.name,
        "case": str(message.case),
        "seq": message.seq,
        "occurred_at": message.occurred_at.astimezone(CHINA_OFFSET).isoformat(),
        "causation": str(message.causation) if message.causation else None,
        "payload": message.payload,
    }
