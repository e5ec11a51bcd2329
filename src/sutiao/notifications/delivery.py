"""Sending what `notify` kept: email through Django's email framework, SMS through `sms.send_sms`. Runs in the
worker (a periodic job), never in the request that caused the notification; a failure leaves the notification
failed with the next try scheduled, with growing intervals, up to MAX_ATTEMPTS."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sutiao.accounts import pii
from sutiao.audit.log import SYSTEM, record

from .models import Channel, Notification, State
from .serving import record_arrival
from .sms import send_sms

log = logging.getLogger("sutiao.notifications")

MAX_ATTEMPTS = 8
BATCH = 50


def _backoff(attempts: int) -> dt.timedelta:
    # 30 s, 1 min, 2 min … capped at an hour: a gateway down for a while is waited out, not hammered.
    return dt.timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _send(notification: Notification) -> None:
    address = pii.decrypt(notification.address_encrypted)
    link = settings.BASE_URL + notification.link if notification.link else ""
    if notification.channel == Channel.EMAIL:
        body = notification.body + (f"\n\n{link}" if link else "")
        send_mail(notification.subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    elif notification.channel == Channel.SMS:
        text = f"【{notification.subject}】{notification.body}" + (f" {link}" if link else "")
        send_sms(address, text)


def due():
    return Notification.objects.filter(
        Q(state=State.PENDING) | Q(state=State.FAILED, attempts__lt=MAX_ATTEMPTS),
        next_attempt_at__lte=timezone.now(),
    ).exclude(channel=Channel.IN_APP)


def deliver_due() -> int:
    """Send every email and SMS due now; return how many were tried. Each is claimed under a row lock (its
    next try pushed back first), so two workers never send the same one, and a worker killed mid-send leaves it
    to be tried again (a rare duplicate, never a loss)."""
    tried = 0
    for pk in list(due().order_by("next_attempt_at").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            notification = due().select_for_update(skip_locked=True).filter(pk=pk).first()
            if notification is None:
                continue
            notification.attempts += 1
            notification.next_attempt_at = timezone.now() + _backoff(notification.attempts)
            notification.save(update_fields=["attempts", "next_attempt_at"])
        tried += 1
        try:
            _send(notification)
        except Exception as e:  # any gateway or SMTP failure: kept, and tried again
            log.warning("notification %s (%s) failed: %s", pk, notification.channel, e)
            Notification.objects.filter(pk=pk).update(state=State.FAILED, last_error=str(e)[:500])
        else:
            with transaction.atomic():
                now = timezone.now()
                Notification.objects.filter(pk=pk).update(
                    state=State.DELIVERED, delivered_at=now, next_attempt_at=None, last_error=""
                )
                # A notice of electronic service that reached the party's phone or mailbox: served (L16).
                record_arrival(pk, now)
    return tried


def purge_addresses(now: dt.datetime | None = None) -> int:
    """Erase the phone or email address of notifications sent (or given up on) longer ago than its retention
    period (settings.SUTIAO_RETENTION_DAYS["notification_addresses"]; 个人信息保护法 Art. 19): the message and
    its masked address stay. A periodic job, audited; returns how many."""
    days = settings.SUTIAO_RETENTION_DAYS["notification_addresses"]
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    done = Q(state__in=[State.DELIVERED, State.READ]) | Q(state=State.FAILED, attempts__gte=MAX_ATTEMPTS)
    with transaction.atomic():
        erased = (
            Notification.objects.filter(done, created_at__lt=cutoff)
            .exclude(address_encrypted="")
            .update(address_encrypted="")
        )
        if erased:
            record(SYSTEM, "notifications.erase_addresses", after={"notifications": erased, "retention_days": days})
    return erased
