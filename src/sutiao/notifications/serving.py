"""Electronic service of documents (电子送达; issue 11 §6; LEGAL-RULES L16), on either platform. A document (a
StoredFile) is served on a party — named by the keyed digest of their identity number, as their cases and their
account name them — only if the party consented to electronic service, on the channels they consented to: to the
platform inbox of everyone who acts for them (their own account, a firm's staff, an agent within the «documents»
scope) and by SMS or email to the addresses their consent names. Service takes effect when it reaches the
party's system, the earliest channel counting (kernel.service.served_at): at once for the inbox, when the gateway
accepts it for SMS and email (`record_arrival`, from notifications.delivery). A party without consent is marked
«需以其他方式送达» and staff record the other means later.

Like documents.actions, these do not decide who may serve or record for whom on the staff side: the platform's
action checks its permission first and calls these inside its transaction. What a party does themself (consent
online, open a served document) is checked here, against the parties the user acts for."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts import pii
from sutiao.accounts.models import AgentScope, PartyProfile, User
from sutiao.accounts.parties import acting_for, digests_for, normalised_mobile, record_act, users_for_digest
from sutiao.audit.log import record
from sutiao.kernel.calendar import china_today
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import mask
from sutiao.kernel.service import (
    OtherMeans,
    ServiceChannel,
    ServiceConsentMethod,
    consented_channels,
    may_serve_electronically,
    served_at,
)

from .models import Channel, Notification, Service, ServiceConsent
from .service import Contact, notify

SCOPE = AgentScope.DOCUMENTS  # 提交和查阅材料: an agent within it receives and opens served documents


def current_consent(id_digest: str) -> ServiceConsent | None:
    """The party's consent in force: the latest recorded (L16)."""
    if not id_digest:
        return None
    return ServiceConsent.objects.filter(id_digest=id_digest).order_by("-recorded_at", "-id").first()


def consents_for(digests) -> dict[str, ServiceConsent]:
    """The consent in force of each party digest, in one query (for a page listing parties)."""
    latest: dict[str, ServiceConsent] = {}
    for consent in ServiceConsent.objects.filter(id_digest__in=[d for d in digests if d]).order_by("recorded_at", "id"):
        latest[consent.id_digest] = consent
    return latest


def record_consent(
    actor,
    *,
    id_digest: str,
    party_name: str,
    channels,
    method: ServiceConsentMethod,
    mobile: str = "",
    email: str = "",
    note: str = "",
) -> ServiceConsent:
    """Record a party's consent to electronic service, with its channels and addresses (在线诉讼规则 Art. 29–30).
    Runs in the caller's transaction, after the caller's permission check."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_consent must run inside the action's transaction")
    if not id_digest:
        raise DomainError(gettext("该当事人未登记证件号码，无法确认其电子送达地址"))
    chosen = consented_channels(channels)
    mobile = normalised_mobile(mobile) if ServiceChannel.SMS in chosen else ""
    email = email.strip() if ServiceChannel.EMAIL in chosen else ""
    if ServiceChannel.EMAIL in chosen:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(gettext("请填写有效的电子邮箱"), field="email") from None
    consent = ServiceConsent.objects.create(
        id_digest=id_digest,
        party_name=party_name[:200],
        channels=[c.value for c in chosen],
        mobile=mobile,
        email=email,
        method=ServiceConsentMethod(method),
        note=note.strip()[:500],
        recorded_by=actor,
    )
    record(
        actor,
        "service.consent",
        consent,
        after={
            "party": consent.party_name,
            "channels": consent.channels,
            "method": consent.method,
            "mobile": mask("phone", mobile) if mobile else "",
            "email": _mask_email(email),
        },
    )
    serve_pending(actor, consent)
    return consent


def _mask_email(email: str) -> str:
    local, at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if at else ""


def serve_document(actor, document, *, subject, title: str, id_digest: str, party_name: str, sender: str) -> Service:
    """Serve `document` on the party (L16), in the caller's transaction, after its permission check: on the
    channels of the party's consent, or — without consent, or with no address that can be reached — not
    electronically, the record marked «需以其他方式送达». The record keeps the content hash as served. `actor` is the
    staff user who serves, or audit.log.SYSTEM when the platform serves on its own (a ruling passed on as it
    arrives): the record then names no person."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("serve_document must run inside the action's transaction")
    service = Service.objects.create(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        title=title,
        sender=sender[:200],
        document=document,
        sha256=document.sha256,
        id_digest=id_digest,
        party_name=party_name[:200],
        channels=[],
        served_by=actor if isinstance(actor, User) else None,
        served_at=timezone.now(),
    )
    return _deliver(actor, service, current_consent(id_digest), "service.serve")


def _deliver(actor, service: Service, consent: ServiceConsent | None, action: str) -> Service:
    """Send `service`'s notices on the channels of `consent` (none without one) and keep the proof: the channels,
    the time it reached the party's system, the audit record."""
    notices: list[Notification] = []
    channels = consent.channels if consent is not None and may_serve_electronically(consent.channels) else []
    link = reverse("served-document", args=[service.pk])
    context = {
        "title": service.title,
        "party_name": service.party_name,
        "sender": service.sender or gettext("本平台"),
        "reference": str(service.subject),
    }
    if ServiceChannel.INBOX in channels:
        for user in users_for_digest(service.id_digest, SCOPE):
            notices += notify(user, "served_document", context, channels=[Channel.IN_APP], link=link)
    if ServiceChannel.SMS in channels and consent.mobile:
        notices += notify(
            Contact(name=service.party_name, mobile=consent.mobile), "served_document", context, [Channel.SMS], link
        )
    if ServiceChannel.EMAIL in channels and consent.email:
        notices += notify(
            Contact(name=service.party_name, email=consent.email), "served_document", context, [Channel.EMAIL], link
        )
    service.consent = consent
    service.channels = sorted({n.channel for n in notices})
    service.electronic = bool(service.channels)
    # The inbox is reached when the notice is stored (it is the party's platform account); SMS and email when
    # the gateway takes them (record_arrival). The earliest counts (L16).
    service.reached_at = served_at(n.delivered_at for n in notices)
    service.save(update_fields=["consent", "served_at", "channels", "electronic", "reached_at"])
    service.notices.set(notices)
    record(
        actor,
        action,
        service,
        after={
            "title": service.title,
            "party": service.party_name,
            "sha256": service.sha256,
            "channels": service.channels,
            "reached_at": service.reached_at,
            "electronic": service.electronic,
        },
    )
    return service


def serve_pending(actor, consent: ServiceConsent) -> list[Service]:
    """The documents that waited for the party's consent («需以其他方式送达», no other means recorded yet) are
    served on the channels the party has just consented to: consent covers the documents not yet served (在线诉讼
    规则 Art. 29). Each keeps its record, now with the time it was sent and its channels; the audit keeps both."""
    if not may_serve_electronically(consent.channels):
        return []
    pending = Service.objects.select_for_update().filter(id_digest=consent.id_digest, electronic=False, other_means="")
    served = []
    for service in pending.order_by("served_at", "id"):
        service.served_at = timezone.now()
        served.append(_deliver(actor, service, consent, "service.serve_after_consent"))
    return served


def record_arrival(notification_id: int, at: dt.datetime) -> None:
    """An SMS or email notice of a service was sent: the service has reached the party's system, unless an earlier
    channel reached it first (L16). Called by the delivery job in the transaction that marks the notice sent."""
    Service.objects.filter(notices=notification_id, reached_at__isnull=True).update(reached_at=at)


def record_other_means(actor, service: Service, *, means: OtherMeans, served_on: dt.date, note: str = "") -> Service:
    """Staff record how a party without consent to electronic service was served (post, in person), after the
    caller's permission check, in its transaction."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.electronic:
        raise DomainError(gettext("该文书已电子送达，无需以其他方式送达"))
    if service.other_means:
        raise DomainError(gettext("已记录该文书的送达情况"))
    if served_on > china_today() or served_on < china_today(service.served_at):
        raise DomainError(gettext("送达日期应在制作送达记录之后，且不晚于今天"), field="served_on")
    service.other_means, service.other_served_on = OtherMeans(means), served_on
    service.other_note, service.other_recorded_by = note.strip()[:500], actor
    service.save(update_fields=["other_means", "other_served_on", "other_note", "other_recorded_by"])
    record(
        actor,
        "service.other_means",
        service,
        after={"means": service.other_means, "served_on": served_on, "party": service.party_name},
    )
    return service


def services_of(subject):
    """The service records of a case or application, oldest first, with what each page shows."""
    return (
        Service.objects.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk))
        .select_related("consent", "read_by")
        .order_by("served_at", "id")
    )


# --- what a party does themself ---


def served_to(user):
    """The documents served on the parties the user acts for (within the «documents» scope), newest first."""
    return Service.objects.filter(id_digest__in=digests_for(user, SCOPE)).filter(electronic=True).order_by("-served_at")


def served_for(user, service_id) -> Service:
    """One document served electronically on a party the user acts for; any other does not exist for them."""
    service = served_to(user).filter(pk=service_id).select_related("document").first()
    if service is None:
        raise Http404(gettext("没有这份送达文书"))
    return service


@transaction.atomic
def open_served(user, service_id) -> Service:
    """The party (or whoever acts for them) opens a document served on them: the first opening is the read
    receipt (L16's proof), with who opened it; the party sees an agent's opening among the acts on their
    behalf."""
    service = served_for(user, service_id)
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.read_at is None:
        acting = acting_for(user, service.id_digest, SCOPE)
        service.read_at, service.read_by = timezone.now(), user
        service.save(update_fields=["read_at", "read_by"])
        seq = record(user, "service.read", service, after={"title": service.title, "sha256": service.sha256})
        record_act(acting, user, "service.read", gettext("查阅送达文书《%(t)s》") % {"t": service.title}, seq)
    return service


def consent_parties(user) -> list[tuple[PartyProfile, ServiceConsent | None]]:
    """The parties the user may give consent for online (within the «documents» scope), each with its consent."""
    from sutiao.accounts.parties import represented

    profiles = [a.party for a in represented(user) if SCOPE in a.scopes]
    consents = consents_for(p.id_number_digest for p in profiles)
    return [(p, consents.get(p.id_number_digest)) for p in profiles]


@transaction.atomic
def consent_online(user, profile: PartyProfile, channels, email: str = "") -> ServiceConsent:
    """A party (or their agent, within the «documents» scope) consents online (在线诉讼规则 Art. 30: 诉讼平台在线
    确认); SMS goes to the mobile registered with the party's account."""
    acting = acting_for(user, profile.id_number_digest, SCOPE)
    mobile = pii.decrypt(profile.mobile_encrypted) if ServiceChannel.SMS in set(channels) else ""
    consent = record_consent(
        user,
        id_digest=profile.id_number_digest,
        party_name=profile.name,
        channels=channels,
        method=ServiceConsentMethod.PARTY_ONLINE,
        mobile=mobile,
        email=email,
    )
    record_act(acting, user, "service.consent", gettext("确认电子送达：%(c)s") % {"c": consent.channel_labels()}, None)
    return consent
