"""The recipient marks notifications read (the only change a user makes here)."""

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from .models import Channel, Notification, State


@transaction.atomic
def mark_read(user, notification_id: int) -> Notification:
    """Reading one's own in-app notification; anyone else's is not found (404), never shown."""
    notification = (
        Notification.objects.select_for_update()
        .filter(pk=notification_id, recipient=user, channel=Channel.IN_APP)
        .first()
    )
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notification.read_at, notification.state = timezone.now(), State.READ
        notification.save(update_fields=["read_at", "state"])
    return notification


@transaction.atomic
def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True).update(
        read_at=timezone.now(), state=State.READ
    )
