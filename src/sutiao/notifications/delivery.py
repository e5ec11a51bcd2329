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

from .models import Channel, Notification, State
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
            Notification.objects.filter(pk=pk).update(
                state=State.DELIVERED, delivered_at=timezone.now(), next_attempt_at=None, last_error=""
            )
    return tried
