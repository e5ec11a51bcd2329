"""Reads of the parties' applications for judicial confirmation: the competent courts to choose from (L11), the
applications of an agreement, and what the page shows of the ruling (L13, L14)."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from sutiao.accounts.models import InstitutionKind
from sutiao.docking.models import Peer
from sutiao.kernel.calendar import china_today
from sutiao.kernel.confirmation import (
    CompetenceFacts,
    CourtLevel,
    Venue,
    competent_venues,
    court_is_competent,
    objection_deadline,
)
from sutiao.kernel.enums import DisputeType
from sutiao.notifications import serving
from sutiao.notifications.models import Service
from sutiao.workdays.selectors import calendar

from ..mediation.models import Mediation
from ..models import CourtDirectory
from .models import ConfirmationRequest

_LEVELS = {InstitutionKind.BASIC_COURT: CourtLevel.BASIC, InstitutionKind.INTERMEDIATE_COURT: CourtLevel.INTERMEDIATE}


def is_code(code: str, lengths=(2, 4, 6)) -> bool:
    """A GB/T 2260 division code: province (2), city (4) or county (6) digits."""
    return code.isdigit() and len(code) in lengths


@dataclass(frozen=True)
class CourtChoice:
    """A court the application may go to, and why (L11)."""

    court_id: str
    name: str
    peer: Peer
    venue: Venue


def competent_courts(
    mediation: Mediation,
    *,
    domiciles: tuple[str, ...] = (),
    organisation_seat: str = "",
    subject_matter: str = "",
    issuer_seat: str = "",
) -> list[CourtChoice]:
    """L11 (《民事诉讼法》Art. 205; 虚假陈述规定 Art. 3): a delegated case goes back to the court that delegated it;
    for a mediation the organisation ran on its own, the courts of the court directory whose configured areas
    (read from the court platform) make them competent for these facts — the basic court of a party's domicile,
    the subject matter or the organisation's seat, or for a dispute of an intermediate court (securities
    misrepresentation: the issuer's seat) that intermediate court. Raises DomainError when a fact is missing."""
    if not mediation.direct:
        d = mediation.delegation
        venue = competent_venues(CompetenceFacts(DisputeType(d.dispute_type), inviting_court=str(d.court_id)))[0]
        return [CourtChoice(str(d.court_id), d.court_name, d.peer, venue)]
    dispute_type = DisputeType(mediation.application.dispute_type)
    facts = CompetenceFacts(
        dispute_type=dispute_type,
        party_domiciles=tuple(d for d in domiciles if d),
        subject_matter=subject_matter or None,
        organisation_seat=organisation_seat or None,
        issuer_seat=issuer_seat or None,
    )
    venues = competent_venues(facts, settings.SUTIAO_CONFIRMATION_INTERMEDIATE_TYPES)
    choices = []
    for court in CourtDirectory.objects.filter(active=True, kind__in=list(_LEVELS)).select_related("peer"):
        areas = [a["prefix"] for a in court.areas if not a.get("dispute_types") or dispute_type in a["dispute_types"]]
        venue = court_is_competent(venues, str(court.pk), _LEVELS[court.kind], areas)
        if venue is not None:
            choices.append(CourtChoice(str(court.pk), court.name, court.peer, venue))
    return choices


def requests_of(agreement) -> list[ConfirmationRequest]:
    """The agreement's applications, newest first, with who joined each."""
    return list(
        ConfirmationRequest.objects.filter(agreement=agreement)
        .prefetch_related("joins__party", "joins__by")
        .select_related("ruling")
        .order_by("-started_at", "-id")
    )


def objection_window(request: ConfirmationRequest):
    """L14: the parties' 15 days from receiving the ruling (解释 Art. 372 ¶2), once it reached their platform."""
    if request.ruling_received_at is None:
        return None
    return objection_deadline(calendar(), china_today(request.ruling_received_at))


def ruling_of(mediation: Mediation, request_id) -> ConfirmationRequest | None:
    """The application of this mediation whose ruling is here, or None."""
    return (
        ConfirmationRequest.objects.filter(mediation=mediation, pk=request_id, ruling__isnull=False)
        .select_related("ruling")
        .first()
    )


@dataclass(frozen=True)
class RulingService:
    """What the confirmation page shows of the ruling's service on this platform (L16): each application's service
    records with their proof, the ones served on a party the viewer acts for (opening them is the read receipt),
    and the viewer's parties of this mediation who have not consented to electronic service yet."""

    by_request: dict
    own: frozenset
    without_consent: tuple


def ruling_service(user, mediation: Mediation, requests) -> RulingService:
    by_request = {r.pk: list(serving.services_of(r)) for r in requests if r.ruling_id}
    ids = [str(pk) for pk in by_request]
    own = _served_to(user).filter(subject_id__in=ids).values_list("pk", flat=True) if ids else ()
    digests = {p.id_number_digest for p in mediation.parties.all() if p.id_number_digest}
    without = tuple(
        p.name for p, consent in serving.consent_parties(user) if p.id_number_digest in digests and not consent
    )
    return RulingService(by_request, frozenset(own), without)


def own_ruling_services(user, request: ConfirmationRequest) -> list[Service]:
    """The services of this application's ruling on the parties the user acts for (within the «documents» scope)."""
    return list(_served_to(user).filter(subject_id=str(request.pk)))


def _served_to(user):
    return serving.served_to(user).filter(subject_type=ContentType.objects.get_for_model(ConfirmationRequest))
