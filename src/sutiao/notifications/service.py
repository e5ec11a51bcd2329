"""`notify`: what other code calls to tell someone something. Runs inside the caller's transaction, so a
notification exists exactly when the act it tells of committed; sending happens later (`delivery.deliver_due`)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from sutiao.accounts import pii
from sutiao.accounts.models import User

from .models import Channel, Notification, State

ALL_CHANNELS = (Channel.IN_APP, Channel.EMAIL, Channel.SMS)


@dataclass(frozen=True)
class Contact:
    """Someone reached by address (a party the court registered without an account), or a user with an
    address other than their account's."""

    name: str = ""
    email: str = ""
    mobile: str = ""
    user: User | None = None


def _mask(address: str) -> str:
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return address[:3] + "****" + address[-4:] if len(address) >= 7 else "****"


def _addresses(recipient: "User | Contact") -> tuple[User | None, str, str]:
    if isinstance(recipient, Contact):
        user = recipient.user
        email = recipient.email or (user.email if user else "")
        mobile = recipient.mobile or (user_mobile(user) if user else "")
        return user, email, mobile
    return recipient, recipient.email, user_mobile(recipient)


def user_mobile(user: User) -> str:
    """A party's registered mobile (kept encrypted on the profile), else the staff account's phone."""
    profile = getattr(user, "party_profile", None)
    if profile is not None and profile.mobile_encrypted:
        return pii.decrypt(profile.mobile_encrypted)
    return user.phone


def render(kind: str, context: dict) -> tuple[str, str]:
    """notifications/messages/<kind>.txt: the first line is the subject, the rest the body."""
    text = render_to_string(f"notifications/messages/{kind}.txt", context).strip()
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip()


def notify(
    recipient: "User | Contact", kind: str, context: dict, channels: Iterable[str] = ALL_CHANNELS, link: str = ""
) -> list[Notification]:
    """One Notification per channel that has an address (in-app needs an account). `link` is a path on this
    platform; email and SMS carry it with the platform's address (settings.BASE_URL) before it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify must run inside the action's transaction")
    user, email, mobile = _addresses(recipient)
    subject, body = render(kind, context)
    now = timezone.now()
    rows = []
    for channel in channels:
        address = {Channel.IN_APP: "", Channel.EMAIL: email, Channel.SMS: mobile}[Channel(channel)]
        if channel == Channel.IN_APP and user is None or channel != Channel.IN_APP and not address:
            continue
        rows.append(
            Notification(
                recipient=user,
                channel=channel,
                kind=kind,
                subject=subject[:200],
                body=body,
                link=link,
                address_encrypted=pii.encrypt(address) if address else "",
                address_masked=_mask(address) if address else "",
                # In-app is delivered by being stored: it is in the inbox now.
                state=State.DELIVERED if channel == Channel.IN_APP else State.PENDING,
                delivered_at=now if channel == Channel.IN_APP else None,
                next_attempt_at=None if channel == Channel.IN_APP else now,
            )
        )
    return Notification.objects.bulk_create(rows)
