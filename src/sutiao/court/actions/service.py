"""Electronic service at the court (issue 11 §6; LEGAL-RULES L16): serving a document the court made on a party of a
case or an application for judicial confirmation, recording a party's written consent to electronic service, and
recording service by other means. The record and its proof live in sutiao.notifications (both platforms use
it); these add the court's permission check and the case's or application's story, in one transaction."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext

from sutiao.accounts.models import User
from sutiao.documents.models import StoredFile
from sutiao.kernel.errors import DomainError
from sutiao.kernel.service import OtherMeans, ServiceConsentMethod
from sutiao.notifications import serving
from sutiao.notifications.models import Service

from .. import permissions
from ..confirmation.models import ConfirmationApplication, ConfirmationParty, ConfirmationStep
from ..models import Case, Party
from .common import case_event


def _story(subject, actor, text: str) -> None:
    if isinstance(subject, Case):
        case_event(subject, actor, text[:500])
    else:
        ConfirmationStep.objects.create(application=subject, actor=str(actor), text=text[:1000])


def serve_to_party(
    actor, subject: Case | ConfirmationApplication, party: Party | ConfirmationParty, document: StoredFile, title: str
) -> Service:
    """Serve `document` (made by the court) on one party row of a case or an application (L16), inside the caller's
    transaction and after its permission check: electronically on the channels the party consented to, else the
    record says «需以其他方式送达». What the docking's message path calls for an applicant who came through it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("serve_to_party must run inside the action's transaction")
    service = serving.serve_document(
        actor,
        document,
        subject=subject,
        title=title,
        id_digest=party.id_digest,
        party_name=party.name,
        sender=subject.court.name,
    )
    if service.electronic:
        text = gettext("向%(party)s电子送达《%(title)s》（%(channels)s）") % {
            "party": party.name,
            "title": title,
            "channels": service.channel_labels(),
        }
    else:
        text = gettext("%(party)s未同意电子送达，《%(title)s》需以其他方式送达") % {"party": party.name, "title": title}
    _story(subject, actor, text)
    return service


@transaction.atomic
def record_consent(
    actor: User,
    subject: Case | ConfirmationApplication,
    party: Party | ConfirmationParty,
    *,
    channels,
    mobile: str = "",
    email: str = "",
    note: str = "",
) -> object:
    """Staff record a party's consent to electronic service from its written confirmation (电子送达确认书, 在线诉讼
    规则 Art. 30), with the channels and addresses it names."""
    permissions.ensure_may_record_service(actor, subject.court_id)
    owner = party.case_id if isinstance(party, Party) else party.application_id
    if owner != subject.pk:
        raise DomainError(gettext("当事人不属于本案"))
    consent = serving.record_consent(
        actor,
        id_digest=party.id_digest,
        party_name=party.name,
        channels=channels,
        method=ServiceConsentMethod.WRITTEN,
        mobile=mobile,
        email=email,
        note=note,
    )
    _story(
        subject,
        actor,
        gettext("登记%(party)s同意电子送达：%(c)s") % {"party": party.name, "c": consent.channel_labels()},
    )
    return consent


@transaction.atomic
def record_other_means(
    actor: User,
    subject: Case | ConfirmationApplication,
    service: Service,
    *,
    means: OtherMeans,
    served_on: dt.date,
    note="",
) -> Service:
    """Staff record how a party who did not consent to electronic service was served (post, in person)."""
    permissions.ensure_may_record_service(actor, subject.court_id)
    if service.subject_id != str(subject.pk):
        raise DomainError(gettext("该送达记录不属于本案"))
    service = serving.record_other_means(actor, service, means=means, served_on=served_on, note=note)
    _story(
        subject,
        actor,
        gettext("《%(title)s》已于%(day)s%(means)s给%(party)s")
        % {
            "title": service.title,
            "day": served_on.isoformat(),
            "means": OtherMeans(means).label,
            "party": service.party_name,
        },
    )
    return service
