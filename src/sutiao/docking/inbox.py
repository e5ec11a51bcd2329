"""Receiving: verify, validate, deduplicate, order, apply — the inbox row and the handler's effect
commit in one transaction (DESIGN.md §4)."""

import datetime as dt
import json
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from pydantic import ValidationError

from sutiao import bulk
from sutiao.bulk import collector_paused

from . import hooks
from .models import CaseCursor, InboxMessage, InboxStatus, Peer, SeenNonce
from .refusals import Refused, Rejected
from .schemas import MESSAGE_ADAPTER, PAYLOAD_CLASSES, MessageType, Receipt, Refusal, message_digest
from .signing import verify

log = logging.getLogger("sutiao.docking.inbox")

NONCE_RETENTION = dt.timedelta(hours=2)
MAX_BATCH = 500


def _validation_refusal(error: ValidationError) -> Refused:
    details = error.errors(include_url=False, include_context=False, include_input=False)
    kinds = {d["type"] for d in details}
    locs = [d["loc"] for d in details]
    if "union_tag_invalid" in kinds:
        return Refused("unknown_type", "未知的消息类型", status=422, detail=details)
    if "union_tag_not_found" in kinds:
        return Refused("schema_invalid", "缺少消息类型 type", status=422, detail=details)
    if any(len(loc) >= 2 and loc[1] == "version" for loc in locs):
        return Refused("unsupported_version", "不支持的消息版本", status=422, detail=details)
    return Refused("schema_invalid", "消息不符合对接规范", status=422, detail=details)


def parse(body: bytes):
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError) as e:
        raise Refused("malformed_json", "报文不是合法的 JSON", status=400) from e
    return _validated(raw)


def _validated(raw):
    try:
        return MESSAGE_ADAPTER.validate_python(raw)
    except ValidationError as e:
        raise _validation_refusal(e) from e


def receive(http_message, body: bytes) -> tuple[int, Receipt]:
    """Take one signed message. Returns (HTTP status, receipt) or raises Refused; a refused request
    leaves nothing behind."""
    verified = verify(http_message, body)
    receipt = accept(verified.peer_key.peer, parse(body), nonce=verified.nonce)
    return (202 if receipt.status == "waiting" else 200), receipt


@collector_paused()
def receive_batch(http_message, body: bytes) -> list[Receipt | Refusal]:
    """Take a signed batch: one signature, one transaction, then each message on its own (its own savepoint,
    its own receipt or refusal), so one bad message does not hold back the others."""
    verified = verify(http_message, body)
    peer = verified.peer_key.peer
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError) as e:
        raise Refused("malformed_json", "报文不是合法的 JSON", status=400) from e
    items = raw.get("messages") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH:
        raise Refused("schema_invalid", f'批量报文须为 {{"messages": [...]}}，含 1 至 {MAX_BATCH} 条消息', status=422)
    results: list[Receipt | Refusal] = []
    # One transaction for the batch (one commit, not one per message); each message in a savepoint of its own.
    with transaction.atomic():
        burn_nonce(peer, verified.nonce)
        parsed = []
        for item in items:
            try:
                parsed.append(_validated(item))
            except Refused:
                parsed = None
                break
        fast = _accept_new_in_order(peer, parsed) if parsed else None
        if fast is not None:
            return fast
        for item in items:
            try:
                results.append(accept(peer, _validated(item), nonce=None))
            except Refused as refused:
                message_id = item.get("id") if isinstance(item, dict) else None
                results.append(
                    Refusal(
                        error=refused.code,
                        message=refused.message,
                        final=refused.final,
                        message_id=str(message_id or ""),
                    )
                )
    return results


@collector_paused()
def _accept_new_in_order(peer: Peer, messages: list) -> list[Receipt] | None:
    """The common batch — each message new, the next of its own case, one message per case — applied in bulk:
    a handful of queries for the whole batch instead of a dozen per message. Returns None (and changes
    nothing) for any other batch, which then goes message by message."""
    cases = [m.case for m in messages]
    if len(set(cases)) != len(cases) or any(
        m.sender != peer.name or m.recipient != settings.PLATFORM_ID or hooks.handler_for(m.type) is None
        for m in messages
    ):
        return None
    if InboxMessage.objects.filter(pk__in=[m.id for m in messages]).exists():
        return None
    cursors = {c.case: c for c in CaseCursor.objects.select_for_update().filter(peer=peer, case__in=cases)}
    if any(
        m.seq != (cursors[m.case].applied_seq if m.case in cursors else 0) + 1
        or (m.case in cursors and cursors[m.case].waiting)
        for m in messages
    ):
        return None
    now = timezone.now()
    rows = [_row(peer, m, message_digest(m), InboxStatus.APPLIED, received_at=now, applied_at=now) for m in messages]
    try:
        with transaction.atomic():
            by_type: dict[MessageType, list] = {}
            for row, message in zip(rows, messages, strict=True):
                by_type.setdefault(row.type, []).append((row, message.payload))
            for message_type, items in by_type.items():
                hooks.handler_for(message_type)(items)
            bulk.insert(rows)
            for m in messages:
                if m.case in cursors:
                    cursors[m.case].applied_seq = m.seq
            CaseCursor.objects.bulk_update(list(cursors.values()), ["applied_seq"], batch_size=200)
            bulk.insert(
                [CaseCursor(peer=peer, case=m.case, applied_seq=m.seq) for m in messages if m.case not in cursors]
            )
    except (Rejected, IntegrityError):
        return None  # someone in the batch is refused, or a copy raced us: go message by message
    return [
        Receipt(
            message_id=r.id, status="applied", receiver=settings.PLATFORM_ID, received_at=now, message_digest=r.digest
        )
        for r in rows
    ]


def burn_nonce(peer: Peer, nonce: str) -> None:
    """Record a verified request's nonce; a second request with it is a replay, refused."""
    try:
        with transaction.atomic():
            SeenNonce.objects.create(nonce=nonce, peer=peer)
    except IntegrityError as e:
        raise Refused("replay", "重放的请求（nonce 已使用）") from e


def accept(peer: Peer, message, nonce: str | None) -> Receipt:
    """Store and apply one authentic message from `peer` (pushed, in a batch, or pulled from its feed).
    With `nonce`, the request's nonce is recorded in the same transaction."""
    if message.sender != peer.name:
        raise Refused("sender_mismatch", "消息发送方与签名密钥所属平台不一致", status=403)
    if message.recipient != settings.PLATFORM_ID:
        raise Refused("wrong_recipient", f"消息的接收方不是本平台（{settings.PLATFORM_ID}）", status=403)
    try:
        with transaction.atomic():
            if nonce is not None:
                burn_nonce(peer, nonce)
            status, row = _store_and_apply(peer, message)
        if status == "rejected":
            # Recorded (and the case moved on) with the rest of the transaction; the sender hears the refusal.
            code, _, text = row.error.partition(": ")
            raise Refused(code, text, status=422, final=True)
    except IntegrityError as e:
        # Two copies raced: the unique constraints decided which one is stored.
        row = InboxMessage.objects.filter(pk=message.id).first()
        if row is None or row.digest != message_digest(message):
            raise Refused("message_conflict", "消息序号或标识与已收到的消息冲突", status=409) from e
        status = "duplicate"
    return Receipt(
        message_id=message.id,
        status=status,
        receiver=settings.PLATFORM_ID,
        received_at=row.received_at,  # the first receipt's time, also for a duplicate: it dates the delivery
        message_digest=row.digest,
    )


def _row(peer: Peer, message, digest: str, status: str, **times) -> InboxMessage:
    """The inbox row for a message, not yet saved."""
    return InboxMessage(
        id=message.id,
        peer=peer,
        type=message.type,
        version=message.version,
        case=message.case,
        seq=message.seq,
        occurred_at=message.occurred_at,
        causation=message.causation,
        payload=message.payload.model_dump(mode="json"),
        digest=digest,
        status=status,
        **times,
    )


def _store_and_apply(peer: Peer, message) -> tuple[str, InboxMessage]:
    digest = message_digest(message)
    existing = InboxMessage.objects.filter(pk=message.id).first()
    if existing is not None:
        if existing.peer_id != peer.pk or existing.digest != digest:  # another peer's message id is not to reuse
            raise Refused("message_conflict", "同一消息标识下的内容不同", status=409)
        if existing.status == InboxStatus.REJECTED:
            code, _, text = existing.error.partition(": ")
            raise Refused(code, text, status=422, final=True)  # refused for good, again
        return "duplicate", existing  # the same message again: acknowledged, not re-applied
    cursor, _ = CaseCursor.objects.select_for_update().get_or_create(peer=peer, case=message.case)
    if message.seq <= cursor.applied_seq:
        raise Refused("message_conflict", f"案件内序号 {message.seq} 已被其他消息使用", status=409)
    row = _row(peer, message, digest, InboxStatus.WAITING)
    if message.seq != cursor.applied_seq + 1:
        row.save(force_insert=True)
        cursor.waiting += 1
        cursor.save(update_fields=["waiting"])
        log.info(
            "message %s (case %s seq %s) waits for seq %s",
            message.id,
            message.case,
            message.seq,
            cursor.applied_seq + 1,
        )
        return "waiting", row
    _apply(row, message.payload, strict=True)
    cursor.applied_seq = message.seq
    if cursor.waiting:
        _apply_waiting_successors(cursor)
    cursor.save(update_fields=["applied_seq", "waiting"])
    return ("rejected" if row.status == InboxStatus.REJECTED else "applied"), row


def _apply(row: InboxMessage, payload, strict: bool) -> None:
    """Run the platform's handler, then record the row as applied. `strict` (the message arrives now): a
    business refusal refuses the whole request and stores nothing, unless it is final (then, as for a
    successor that waited and was already acknowledged) the row is kept, marked rejected, and the case's
    later messages go on."""
    handler = hooks.handler_for(row.type)
    if handler is None:
        raise Refused("unsupported_type", f"本平台不处理 {row.type} 消息", status=422)
    try:
        with transaction.atomic():  # a savepoint: a refused handler leaves nothing of its own behind
            handler([(row, payload)])
    except Rejected as e:
        if strict and not e.final:
            raise Refused(e.code, e.message, status=422) from e
        log.warning("message %s rejected by its handler: %s", row.id, e.message)
        row.status, row.error = InboxStatus.REJECTED, f"{e.code}: {e.message}"
        if row._state.adding:
            row.save(force_insert=True)
        else:
            row.save(update_fields=["status", "error"])
        return
    row.status, row.applied_at = InboxStatus.APPLIED, timezone.now()
    if row._state.adding:
        row.save(force_insert=True)
    else:
        row.save(update_fields=["status", "applied_at"])


def _apply_waiting_successors(cursor: CaseCursor) -> None:
    while True:
        successor = InboxMessage.objects.filter(
            peer=cursor.peer, case=cursor.case, seq=cursor.applied_seq + 1, status=InboxStatus.WAITING
        ).first()
        if successor is None:
            return
        payload = PAYLOAD_CLASSES[MessageType(successor.type)].model_validate(successor.payload)
        _apply(successor, payload, strict=False)
        cursor.applied_seq = successor.seq
        cursor.waiting -= 1


def forget_old_nonces() -> int:
    """Nonces older than any signature could live are no longer needed to stop a replay."""
    cutoff = timezone.now() - NONCE_RETENTION
    deleted, _ = SeenNonce.objects.filter(seen_at__lt=cutoff).delete()
    return deleted
