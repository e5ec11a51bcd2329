"""What travels to the courts about a registry record, and telling every court that has it when it changes."""

from django.utils import timezone

from sutiao.docking import outbox
from sutiao.docking.models import Peer
from sutiao.docking.schemas import (
    MediatorCard,
    MediatorTraining,
    MessageType,
    OrganisationCard,
    RosterChangedPayload,
)

from ..models import MediationOrg, Mediator, OrgKind, Qualification, RegistryStatus, RosterProposal
from ..training.selectors import standing
from .data import record_label


def organisation_card(org: MediationOrg) -> OrganisationCard:
    return OrganisationCard(
        organisation_id=org.pk,
        name=org.institution.name,
        uscc=org.uscc,
        kind=record_label(OrgKind(org.kind)),
        supervisor=org.institution.parent.name if org.institution.parent_id else "",
        address=org.address,
        scope=list(org.scope),
        dispute_types=list(org.dispute_types),
        capacity=org.capacity,
        contact_name=org.contact_name,
        contact_phone=org.contact_phone,
        active=org.status == RegistryStatus.ACTIVE,
        version=org.version,
    )


def mediator_training(m: Mediator) -> MediatorTraining:
    """The mediator's hours of the last twelve months against the roster's requirement, as of today."""
    s = standing(m)
    return MediatorTraining(hours=s.hours, required=s.required, start=s.start, end=s.end, met=s.met)


def mediator_card(m: Mediator) -> MediatorCard:
    return MediatorCard(
        training=mediator_training(m),
        mediator_id=m.pk,
        organisation_id=m.organisation_id,
        name=m.name,
        id_number_masked=m.id_number_masked,
        specialties=list(m.specialties),
        qualifications=[record_label(Qualification(q)) for q in m.qualifications],
        training_hours=m.training_hours,
        active=m.status == RegistryStatus.ACTIVE and m.organisation.registry.status == RegistryStatus.ACTIVE,
        version=m.version,
    )


def tell_courts(org: MediationOrg, mediator: Mediator | None, reason: str) -> None:
    """Every court platform where the subject is pushed or confirmed hears of the change (ROSTER_CHANGED)."""
    live = RosterProposal.objects.live()
    live = live.filter(mediator=mediator) if mediator else live.filter(organisation=org.institution)
    payload = RosterChangedPayload(
        organisation=organisation_card(org),
        mediator=mediator_card(mediator) if mediator else None,
        reason=reason,
        changed_at=timezone.now(),
    )
    for peer in Peer.objects.filter(pk__in=live.values("peer_id")):
        outbox.send(peer, MessageType.ROSTER_CHANGED, (mediator or org).pk, payload)


def tell_courts_of_training(mediator_ids, reason: str) -> None:
    """Every court where one of these mediators is pushed or confirmed hears of their new training figure (issue
    13 §6): a ROSTER_CHANGED with the registry version unchanged, from which the court keeps the figure counted
    latest (court.inbound._apply_training). Mediators on no court's roster send nothing."""
    live = RosterProposal.objects.live().filter(mediator_id__in=mediator_ids).values("mediator_id")
    mediators = Mediator.objects.filter(pk__in=live).select_related("organisation__registry__institution__parent")
    for mediator in mediators.order_by("pk"):
        tell_courts(mediator.organisation.registry, mediator, reason)
