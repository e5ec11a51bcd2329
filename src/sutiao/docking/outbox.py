"""Sending: a message is written to the outbox inside the caller's business transaction."""

import datetime as dt
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel

from sutiao.kernel.ids import new_id

from .models import CaseSequence, OutboxMessage, Peer
from .schemas import MESSAGE_ADAPTER, message_digest


def send(peer: Peer, message_type: str, case: UUID, payload: BaseModel, causation: UUID | None = None) -> OutboxMessage:
    """Queue a message for `peer`. Must run inside the transaction that makes the state change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("docking.outbox.send must run inside the business transaction")
    sequence, _ = CaseSequence.objects.select_for_update().get_or_create(peer=peer, case=case)
    sequence.last_seq += 1
    sequence.save(update_fields=["last_seq"])
    now = timezone.now()
    envelope = {
        "id": str(new_id()),
        "type": message_type,
        "version": 1,
        "sender": settings.PLATFORM_ID,
        "recipient": peer.name,
        "case": str(case),
        "seq": sequence.last_seq,
        "occurred_at": now.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat(),
        "causation": str(causation) if causation else None,
        "payload": payload.model_dump(mode="json"),
    }
    # Validate what we send with the same schema the receiver applies: a bad message fails here, in
    # the business transaction, not hours later at the peer.
    validated = MESSAGE_ADAPTER.validate_python(envelope)
    return OutboxMessage.objects.create(
        id=envelope["id"],
        peer=peer,
        type=message_type,
        case=case,
        seq=envelope["seq"],
        occurred_at=now,
        causation=causation,
        payload=envelope["payload"],
        digest=message_digest(validated),
        next_attempt_at=now,
    )


def envelope_of(message: OutboxMessage) -> dict:
    return {
        "id": str(message.id),
        "type": message.type,
        "version": message.version,
        "sender": settings.PLATFORM_ID,
        "recipient": message.peer.name,
        "case": str(message.case),
        "seq": message.seq,
        "occurred_at": message.occurred_at.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat(),
        "causation": str(message.causation) if message.causation else None,
        "payload": message.payload,
    }
