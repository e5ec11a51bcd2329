"""The relay: delivers due outbox messages, verifies each signed receipt, retries with exponential
backoff and full jitter, and parks a message that keeps failing for an operator — never drops it."""

import datetime as dt
import json
import logging
import random

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import registry
from .models import OutboxMessage, OutboxStatus, PeerKey
from .outbox import envelope_of
from .signing import RESPONSE_COMPONENTS, Refused, sign, verify

log = logging.getLogger("sutiao.docking.relay")

# Refusals that a retry cannot cure: the message itself is wrong for the receiver.
PERMANENT = {
    "malformed_json",
    "schema_invalid",
    "unknown_type",
    "unsupported_version",
    "unsupported_type",
    "wrong_recipient",
    "sender_mismatch",
    "message_conflict",
    "body_too_large",
}

_session = requests.Session()  # keep-alive to each peer
CLAIM_LEASE = dt.timedelta(seconds=30)


def backoff_seconds(attempts: int) -> float:
    ceiling = min(settings.SUTIAO_RELAY_BACKOFF_CAP, settings.SUTIAO_RELAY_BACKOFF_BASE * 2 ** (attempts - 1))
    return random.uniform(ceiling / 2, ceiling)


class DeliveryFailed(Exception):
    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


def _post(message: OutboxMessage) -> dict:
    body = json.dumps(envelope_of(message), ensure_ascii=False, separators=(",", ":")).encode()
    request = requests.Request(
        "POST", message.peer.messages_url, data=body, headers={"Content-Type": "application/json"}
    ).prepare()
    sign(request, body)
    try:
        response = _session.send(request, timeout=(5, 20))
    except requests.RequestException as e:
        raise DeliveryFailed(f"网络错误：{type(e).__name__}: {e}") from e
    if response.status_code in (200, 202):
        return _verified_receipt(message, response)
    try:
        refusal = response.json()
        code, text = refusal.get("error", ""), refusal.get("message", "")
    except ValueError:
        code, text = "", response.text[:500]
    raise DeliveryFailed(f"HTTP {response.status_code} {code} {text}".strip(), permanent=code in PERMANENT)


def _verified_receipt(message: OutboxMessage, response) -> dict:
    def peer_key(key_id: str) -> PeerKey:
        key = (
            PeerKey.objects.select_related("peer")
            .filter(key_id=key_id, peer=message.peer, revoked_at__isnull=True)
            .first()
        )
        if key is None:
            raise Refused("unknown_key", f"回执签名的密钥未登记：{key_id}")
        return key

    view = _ResponseView(response.status_code, response.headers)
    try:
        verify(view, response.content, components=RESPONSE_COMPONENTS, key_lookup=peer_key)
        receipt = response.json()
    except (Refused, ValueError) as e:
        raise DeliveryFailed(f"回执无效：{e}") from e
    if receipt.get("message_id") != str(message.id):
        raise DeliveryFailed("回执与消息不符")
    return {
        "receipt": receipt,
        "signature_input": response.headers.get("Signature-Input"),
        "signature": response.headers.get("Signature"),
    }


class _ResponseView:
    def __init__(self, status_code, headers):
        self.status_code, self.headers, self.request = status_code, headers, None


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
        OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(next_attempt_at=now + CLAIM_LEASE)
    return rows


def deliver_due(limit: int = 100) -> int:
    """Deliver what is due now; return how many were delivered."""
    delivered = 0
    for message in _claim_due(limit):
        try:
            receipt = _post(message)
        except DeliveryFailed as failure:
            _record_failure(message, failure)
            continue
        _record_delivery(message, receipt)
        delivered += 1
    return delivered


@transaction.atomic
def _record_delivery(message: OutboxMessage, receipt: dict) -> None:
    message.status, message.delivered_at, message.receipt = OutboxStatus.DELIVERED, timezone.now(), receipt
    message.attempts += 1
    message.last_error = ""
    message.save(update_fields=["status", "delivered_at", "receipt", "attempts", "last_error"])
    hook = registry.delivery_hook(message.type)
    if hook is not None:
        hook(message)


@transaction.atomic
def _record_failure(message: OutboxMessage, failure: DeliveryFailed) -> None:
    message.attempts += 1
    message.last_error = failure.reason[:2000]
    if failure.permanent or message.attempts >= settings.SUTIAO_RELAY_MAX_ATTEMPTS:
        message.status = OutboxStatus.PARKED
        log.error("parked %s %s after %s attempts: %s", message.type, message.id, message.attempts, failure.reason)
    else:
        message.next_attempt_at = timezone.now() + dt.timedelta(seconds=backoff_seconds(message.attempts))
        log.warning(
            "delivery of %s %s failed (attempt %s): %s", message.type, message.id, message.attempts, failure.reason
        )
    message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])


@transaction.atomic
def retry_parked(message_ids) -> int:
    """An operator sends parked messages again (admin action)."""
    return OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxStatus.PARKED).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
