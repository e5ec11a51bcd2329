"""The relay: delivers due outbox messages, verifies each signed receipt, retries with exponential
backoff and full jitter, and parks a message that keeps failing for an operator — never drops it."""

import datetime as dt
import json
import logging
import random

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sutiao.bulk import collector_paused

from . import hooks
from .models import DeliveryBatch, OutboxMessage, OutboxStatus, Peer, insecure_url
from .outbox import envelope_of
from .refusals import DeliveryFailed, Refused
from .schemas import MessageType
from .signing import sign, verify_response

log = logging.getLogger("sutiao.docking.relay")

_session = requests.Session()  # keep-alive to each peer
BATCH_TIMEOUT = 60
BATCH_SIZE = 200
DELIVERED = {"applied", "waiting", "duplicate"}


def backoff_seconds(attempts: int) -> float:
    ceiling = min(settings.SUTIAO_RELAY_BACKOFF_CAP, settings.SUTIAO_RELAY_BACKOFF_BASE * 2 ** (attempts - 1))
    return random.uniform(ceiling / 2, ceiling)


def _post_batch(peer: Peer, messages: list[OutboxMessage]) -> tuple[list[dict], dict]:
    """Send messages in one signed request; return each message's result (in order) and the signature
    of the receiver's answer."""
    insecure = insecure_url(peer.base_url)
    if insecure:
        raise DeliveryFailed(insecure)
    envelopes = [envelope_of(m) for m in messages]
    body = json.dumps({"messages": envelopes}, ensure_ascii=False, separators=(",", ":")).encode()
    request = requests.Request("POST", peer.batches_url, data=body, headers={"Content-Type": "application/json"})
    prepared = request.prepare()
    sign(prepared, body)
    try:
        response = _session.send(prepared, timeout=(5, BATCH_TIMEOUT))
    except requests.RequestException as e:
        raise DeliveryFailed(f"网络错误：{type(e).__name__}: {e}") from e
    try:
        # Only the peer's own signature over its answer to this very request is believed: an unsigned or
        # mismatched answer (forged on the way, or replayed from another request) is a failure to retry, like a
        # lost answer — never a refusal that parks messages or changes what waits for them.
        verify_response(peer, response, prepared)
    except Refused as e:
        raise DeliveryFailed(f"HTTP {response.status_code}：回执未签名或签名与请求不符，按暂时故障重试（{e}）") from e
    if response.status_code != 200:
        try:
            refusal = response.json()
            code, text, final = refusal.get("error", ""), refusal.get("message", ""), refusal.get("final") is True
        except (ValueError, AttributeError):
            code, text, final = "", response.text[:500], False
        raise DeliveryFailed(f"HTTP {response.status_code} {code} {text}".strip(), code, final)
    try:
        results = response.json()["results"]
    except (ValueError, KeyError, TypeError) as e:
        raise DeliveryFailed(f"回执无效：{e}") from e
    if len(results) != len(messages):
        raise DeliveryFailed("回执条数与消息条数不符")
    evidence = {
        "body": response.content.decode(),
        "signature_input": response.headers.get("Signature-Input", ""),
        "signature": response.headers.get("Signature", ""),
        "content_digest": response.headers.get("Content-Digest", ""),
    }
    return results, evidence


def _claim_due(limit: int) -> list[OutboxMessage]:
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .select_related("peer")
            .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now, peer__active=True)
            .order_by("case", "seq")[:limit]
        )
        # Leased for longer than one request may take, so a second relay process does not send these at the same
        # time; if this process dies holding the lease, the messages are due again when it runs out.
        lease = dt.timedelta(seconds=settings.SUTIAO_RELAY_LEASE_SECONDS)
        OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(next_attempt_at=now + lease)
    return rows


@collector_paused()
def deliver_due(limit: int = 4 * BATCH_SIZE) -> int:
    """Deliver what is due now, in batches per peer; return how many were delivered."""
    delivered = 0
    rows = _claim_due(limit)
    by_peer: dict[int, list[OutboxMessage]] = {}
    for row in rows:
        by_peer.setdefault(row.peer_id, []).append(row)
    for group in by_peer.values():
        for start in range(0, len(group), BATCH_SIZE):
            chunk = group[start : start + BATCH_SIZE]
            try:
                results, signature = _post_batch(chunk[0].peer, chunk)
            except DeliveryFailed as failure:
                _record(chunk, [failure] * len(chunk), None)
                continue
            outcomes = [
                r
                if r.get("status") in DELIVERED
                else DeliveryFailed(
                    f"{r.get('error')} {r.get('message')}", r.get("error") or "", r.get("final") is True
                )
                for r in results
            ]
            _record(chunk, outcomes, signature)
            delivered += sum(1 for o in outcomes if not isinstance(o, DeliveryFailed))
    return delivered


@collector_paused()
@transaction.atomic
def _record(messages: list[OutboxMessage], outcomes: list, evidence: dict | None) -> None:
    """Book one delivery: the confirmed messages in one statement with the signed answer kept once; each
    failure with its own backoff (or parked); then the platforms' hooks for what was confirmed."""
    now = timezone.now()
    confirmed = [(m, o) for m, o in zip(messages, outcomes, strict=True) if not isinstance(o, DeliveryFailed)]
    if confirmed:
        batch = DeliveryBatch.objects.create(peer=messages[0].peer, **evidence)
        OutboxMessage.objects.filter(pk__in=[m.pk for m, _ in confirmed]).update(
            status=OutboxStatus.DELIVERED, delivered_at=now, batch=batch, last_error="", attempts=F("attempts") + 1
        )
    parked: dict[MessageType, list] = {}
    for message, outcome in zip(messages, outcomes, strict=True):
        if not isinstance(outcome, DeliveryFailed):
            continue
        message.attempts += 1
        message.last_error = outcome.reason[:2000]
        if outcome.permanent or message.attempts >= settings.SUTIAO_RELAY_MAX_ATTEMPTS:
            message.status = OutboxStatus.PARKED
            if outcome.final:
                parked.setdefault(MessageType(message.type), []).append(message)
            log.error("parked %s %s after %s attempts: %s", message.type, message.id, message.attempts, outcome.reason)
        else:
            message.next_attempt_at = now + dt.timedelta(seconds=backoff_seconds(message.attempts))
            log.warning(
                "delivery of %s %s failed (attempt %s): %s", message.type, message.id, message.attempts, outcome.reason
            )
        message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    for message_type, parked_messages in parked.items():
        hook = hooks.parked_hook(message_type)
        if hook is not None:
            hook(parked_messages)
    by_type: dict[MessageType, list] = {}
    for message, receipt in confirmed:
        by_type.setdefault(MessageType(message.type), []).append((message, receipt))
    for message_type, receipts in by_type.items():
        hook = hooks.delivery_hook(message_type)
        if hook is not None:
            hook(receipts)


@transaction.atomic
def retry_parked(message_ids) -> int:
    """An operator sends parked messages again (admin action)."""
    return OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxStatus.PARKED).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
