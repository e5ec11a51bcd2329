"""The catch-up feed (DESIGN.md §4 Recovery): each platform serves, signed and cursor-paginated, the messages
it has sent to the peer asking; the peer pulls from its last cursor at start-up and periodically, so a
message whose push was lost still arrives without anyone acting."""

import base64
import datetime as dt
import logging

import requests
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .client import signed_get
from .inbox import _validated, accept
from .models import FeedCursor, OutboxMessage, Peer
from .outbox import envelope_of
from .refusals import Refused

log = logging.getLogger("sutiao.docking.feed")
PAGE = 500


def encode_cursor(message: OutboxMessage) -> str:
    return base64.urlsafe_b64encode(f"{message.occurred_at.isoformat()}|{message.id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[dt.datetime, str]:
    try:
        moment, _, message_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return dt.datetime.fromisoformat(moment), message_id
    except (ValueError, UnicodeDecodeError) as e:
        raise Refused("bad_cursor", "无效的游标", status=400) from e


def page_for(peer: Peer, after: str, limit: int) -> dict:
    """Messages for `peer` after the cursor, oldest first. Only messages older than the settle time are
    served: a transaction still open when a later one commits cannot slip behind a cursor already given."""
    settled = timezone.now() - dt.timedelta(seconds=settings.SUTIAO_FEED_SETTLE_SECONDS)
    rows = OutboxMessage.objects.select_related("peer").filter(peer=peer, occurred_at__lt=settled)
    if after:
        moment, message_id = decode_cursor(after)
        rows = rows.filter(Q(occurred_at__gt=moment) | Q(occurred_at=moment, id__gt=message_id))
    page = list(rows.order_by("occurred_at", "id")[: max(1, min(limit, PAGE))])
    return {"messages": [envelope_of(m) for m in page], "next": encode_cursor(page[-1]) if page else after}


def pull(peer: Peer) -> int:
    """Read the peer's feed from our cursor to its end; apply what we have not seen. Returns how many
    messages were new to us."""
    state, _ = FeedCursor.objects.get_or_create(peer=peer)
    new = 0
    while True:
        page = signed_get(peer, "/docking/v1/feed", {"after": state.cursor, "limit": PAGE})
        for raw in page["messages"]:
            try:
                receipt = accept(peer, _validated(raw), nonce=None)
            except Refused as refused:
                # The sender's relay still holds the message and will park it for an operator.
                log.warning("feed message %s from %s refused: %s", raw.get("id"), peer.name, refused)
                continue
            new += receipt.status != "duplicate"
        if not page["messages"] or page["next"] == state.cursor:
            break
        state.cursor = page["next"]
        state.save(update_fields=["cursor"])
    state.pulled_at = timezone.now()
    state.save(update_fields=["pulled_at"])
    if new:
        log.info("caught up %s message(s) from %s's feed", new, peer.name)
    return new


def pull_all() -> int:
    new = 0
    for peer in Peer.objects.filter(active=True):
        try:
            new += pull(peer)
        except (requests.RequestException, Refused) as e:
            # The peer is down or refuses for now: the next round tries again; nothing is lost meanwhile.
            log.warning("could not read %s's feed: %s", peer.name, e)
    return new
