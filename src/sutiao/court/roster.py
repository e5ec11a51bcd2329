"""The court's invited roster (特邀调解名册): pushes from the investor platform, confirmation or rejection by
court staff, and removals when the registry says an organisation or mediator is no longer active
(notice 法办〔2021〕313号 §4(4); 《最高人民法院关于人民法院特邀调解的规定》; LEGAL-RULES L2). One
function per action, one transaction each; the decision travels back in the same transaction."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import Institution, InstitutionKind, User
from sutiao.docking import outbox
from sutiao.docking.refusals import Rejected
from sutiao.docking.schemas import (
    MediatorCard,
    MessageType,
    OrganisationCard,
    RosterAdoptedPayload,
    RosterDecisionPayload,
    RosterRemovedPayload,
)
from sutiao.kernel.errors import DomainError
from sutiao.kernel.ids import new_id

from .models import Mediator, Organisation, ProposalState, RosterEntry, RosterEvent, RosterProposal, SubjectKind
from .selectors import active_entries, adoptable_entries, organisation_on_roster, today
from .services import COURT_ROLES

SYSTEM = "系统"
# A confirmation is valid for three years unless staff choose otherwise: long enough to be useful, short enough
# that the court looks at each entry again (特邀调解规定 Art. 4 leaves the period to the court).
DEFAULT_VALIDITY_YEARS = 3


def ensure_may_decide(user: User, proposal: RosterProposal) -> None:
    """Staff of the court pushed to decide; a push to every court is decided by the Supreme People's Court."""
    if not user.is_authenticated or user.role not in COURT_ROLES or user.institution_id is None:
        raise PermissionDenied(gettext("仅法院工作人员可确认特邀调解名册"))
    if proposal.court_id is None:
        if user.institution.kind != InstitutionKind.SUPREME_COURT:
            raise PermissionDenied(gettext("共同认定名册由最高人民法院确认"))
    elif proposal.court_id != user.institution_id:
        raise PermissionDenied(gettext("无权确认推送给其他法院的名册"))


def _event(court_id, actor, text: str) -> None:
    RosterEvent.objects.create(court_id=court_id, actor=str(actor), text=text[:500])


# --- the registry's cards, kept current (a card older than what we hold changes nothing) ---


def _apply_organisation(card: OrganisationCard, peer) -> Organisation:
    org = Organisation.objects.select_for_update().filter(pk=card.organisation_id).first()
    if org is not None and org.registry_version >= card.version:
        return org
    fields = {
        "peer": peer,
        "name": card.name,
        "active": card.active,
        "uscc": card.uscc,
        "kind": card.kind,
        "supervisor": card.supervisor,
        "address": card.address,
        "scope": list(card.scope),
        "dispute_types": [str(t) for t in card.dispute_types],
        "capacity": card.capacity,
        "contact_name": card.contact_name,
        "contact_phone": card.contact_phone,
        "registry_version": card.version,
        "updated_at": timezone.now(),
    }
    org, _ = Organisation.objects.update_or_create(pk=card.organisation_id, defaults=fields)
    return org


def _apply_mediator(card: MediatorCard, organisation: Organisation) -> Mediator:
    mediator = Mediator.objects.select_for_update().filter(pk=card.mediator_id).first()
    if mediator is not None and mediator.registry_version >= card.version:
        return mediator
    mediator, _ = Mediator.objects.update_or_create(
        pk=card.mediator_id,
        defaults={
            "organisation": organisation,
            "name": card.name,
            "id_number_masked": card.id_number_masked,
            "specialties": [str(t) for t in card.specialties],
            "qualifications": list(card.qualifications),
            "training_hours": card.training_hours,
            "active": card.active,
            "registry_version": card.version,
            "updated_at": timezone.now(),
        },
    )
    return mediator


# --- what arrives through the docking ---


@transaction.atomic
def receive_proposals(items) -> None:
    """ROSTER_PROPOSED: an organisation (from the Bureau) or a mediator (from a regional office or affiliated
    unit) waits for the court's confirmation."""
    for message, payload in items:
        court = None
        if payload.court_id is not None:
            court = Institution.objects.filter(pk=payload.court_id).first()
            if court is None or not court.is_court:
                raise Rejected("unknown_court", f"本平台没有标识为 {payload.court_id} 的法院", final=True)
        organisation = _apply_organisation(payload.organisation, message.peer)
        mediator = _apply_mediator(payload.mediator, organisation) if payload.mediator else None
        if RosterProposal.objects.filter(pk=payload.proposal_id).exists():
            continue
        RosterProposal.objects.create(
            id=payload.proposal_id,
            court=court,
            subject_kind=SubjectKind.MEDIATOR if mediator else SubjectKind.ORGANISATION,
            organisation=organisation,
            mediator=mediator,
            proposed_by=payload.proposed_by,
            proposed_at=payload.proposed_at,
            note=payload.note,
        )
        subject = f"调解员{mediator.name}（{organisation.name}）" if mediator else f"调解组织{organisation.name}"
        _event(court.pk if court else None, payload.proposed_by, f"推送{subject}，待确认")


@transaction.atomic
def apply_changes(items) -> None:
    """ROSTER_CHANGED: the registry changed. Data are refreshed; an organisation or mediator no longer active
    comes off every roster it is on (an organisation with its mediators), and each court is told."""
    for message, payload in items:
        organisation = _apply_organisation(payload.organisation, message.peer)
        mediator = _apply_mediator(payload.mediator, organisation) if payload.mediator else None
        if mediator is not None:
            gone = not mediator.active
            entries = RosterEntry.objects.filter(mediator=mediator)
            proposals = RosterProposal.objects.filter(mediator=mediator)
            subject = f"调解员{mediator.name}（{organisation.name}）"
        else:
            gone = not organisation.active
            entries = RosterEntry.objects.filter(organisation=organisation)
            proposals = RosterProposal.objects.filter(organisation=organisation)
            subject = f"调解组织{organisation.name}及其调解员"
        if not gone:
            continue
        reason = payload.reason or gettext("登记状态变更")
        now = timezone.now()
        courts = set(entries.filter(removed_at__isnull=True).values_list("court_id", flat=True))
        courts |= set(proposals.filter(state=ProposalState.PENDING).values_list("court_id", flat=True))
        entries.filter(removed_at__isnull=True).update(removed_at=now, removed_reason=reason[:500])
        proposals.filter(state=ProposalState.PENDING).update(state=ProposalState.WITHDRAWN, reason=reason[:2000])
        for court_id in courts:
            _event(court_id, SYSTEM, f"{subject}已移出特邀调解名册：{reason}")


# --- what court staff do ---


def _decide(actor, proposal, payload_fields) -> None:
    outbox.send(
        proposal.organisation.peer,
        MessageType.ROSTER_DECISION,
        proposal.mediator_id or proposal.organisation_id,
        RosterDecisionPayload(
            proposal_id=proposal.pk,
            decided_by=f"{actor.institution} {actor.display_name}",
            decided_at=proposal.decided_at,
            **payload_fields,
        ),
    )


def _validity(valid_from: dt.date | None, valid_until: dt.date | None) -> tuple[dt.date, dt.date]:
    valid_from = valid_from or today()
    valid_until = valid_until or valid_from.replace(year=valid_from.year + DEFAULT_VALIDITY_YEARS)
    if valid_until < valid_from:
        raise DomainError(gettext("有效期截止日不能早于起始日"), field="valid_until")
    if valid_until < today():
        raise DomainError(gettext("有效期已过，不能确认"), field="valid_until")
    return valid_from, valid_until


def _locked(proposal) -> RosterProposal:
    # Only this row is locked: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return (
        RosterProposal.objects.select_for_update(of=("self",))
        .select_related("organisation__peer", "mediator", "court")
        .get(pk=proposal.pk)
    )


@transaction.atomic
def confirm_proposal(
    actor: User, proposal: RosterProposal, valid_from: dt.date | None = None, valid_until: dt.date | None = None
) -> RosterEntry:
    """Court staff confirm a pushed organisation or mediator into the court's invited roster, for a period."""
    proposal = _locked(proposal)
    ensure_may_decide(actor, proposal)
    if proposal.state != ProposalState.PENDING:
        raise DomainError(gettext("该推送已处理（%(state)s）") % {"state": gettext(proposal.get_state_display())})
    valid_from, valid_until = _validity(valid_from, valid_until)
    subject = proposal.mediator or proposal.organisation
    if not subject.active or not proposal.organisation.active:
        raise DomainError(gettext("%(name)s目前不在正常状态，不能纳入名册") % {"name": subject})
    if proposal.mediator is not None and not (
        organisation_on_roster(proposal.court_id, proposal.organisation_id)
        if proposal.court_id
        else active_entries(None).filter(court__isnull=True, organisation=proposal.organisation).exists()
    ):
        raise DomainError(gettext("调解员所属的调解组织尚未纳入本院特邀调解名册"))
    renewed = _current_entry(proposal)
    now = timezone.now()
    proposal.state, proposal.decided_by, proposal.decided_at = ProposalState.CONFIRMED, actor, now
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    if renewed is not None:
        renewed.removed_at, renewed.removed_reason = now, f"续期：由有效期至{valid_until:%Y年%m月%d日}的新确认替代"
        renewed.save(update_fields=["removed_at", "removed_reason"])
    entry = _enter(proposal, valid_from, valid_until, actor, now)
    _decide(
        actor,
        proposal,
        {
            "confirmed": True,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "supersedes": renewed.proposal_id if renewed else None,
        },
    )
    done = "续期确认" if renewed else "确认"
    _event(
        proposal.court_id,
        actor.display_name,
        f"{done}{subject}纳入特邀调解名册（有效期至{valid_until:%Y年%m月%d日}）",
    )
    return entry


def _enter(proposal: RosterProposal, valid_from: dt.date, valid_until: dt.date, actor: User, now) -> RosterEntry:
    """The confirmed proposal's subject on the court's roster, for the period."""
    return RosterEntry.objects.create(
        court_id=proposal.court_id,
        subject_kind=proposal.subject_kind,
        organisation=proposal.organisation,
        mediator=proposal.mediator,
        proposal=proposal,
        valid_from=valid_from,
        valid_until=valid_until,
        confirmed_by=actor,
        confirmed_at=now,
    )


def _current_entry(proposal: RosterProposal) -> RosterEntry | None:
    """The entry a push renews: the same organisation (or mediator) on the same roster, neither removed nor
    lapsed. The Bureau pushes again before an entry runs out; confirming replaces it, so the roster keeps one."""
    entries = RosterEntry.objects.select_for_update(of=("self",)).filter(
        court_id=proposal.court_id,
        subject_kind=proposal.subject_kind,
        removed_at__isnull=True,
        valid_until__gte=today(),
    )
    if proposal.mediator_id:
        return entries.filter(mediator_id=proposal.mediator_id).first()
    return entries.filter(organisation_id=proposal.organisation_id).first()


@transaction.atomic
def reject_proposal(actor: User, proposal: RosterProposal, reason: str) -> RosterProposal:
    """Court staff decline a pushed organisation or mediator, saying why; the reason travels back."""
    proposal = _locked(proposal)
    ensure_may_decide(actor, proposal)
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("不予确认须写明理由"), field="reason")
    if proposal.state != ProposalState.PENDING:
        raise DomainError(gettext("该推送已处理（%(state)s）") % {"state": gettext(proposal.get_state_display())})
    proposal.state, proposal.decided_by, proposal.decided_at = ProposalState.REJECTED, actor, timezone.now()
    proposal.reason = reason
    proposal.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    _decide(actor, proposal, {"confirmed": False, "reason": reason})
    _event(proposal.court_id, actor.display_name, f"不予确认{proposal.mediator or proposal.organisation}：{reason}")
    return proposal


@transaction.atomic
def remove_entry(actor: User, entry: RosterEntry, reason: str) -> RosterEntry:
    """The court takes an organisation or mediator off its roster itself, e.g. after a verified complaint
    (除名, 特邀调解规定 Art. 28; 《人民法院在线调解规则》Art. 29). An organisation takes its mediators on this
    roster with it. The investor platform is told (ROSTER_REMOVED), so it refuses this court's delegations."""
    entry = (
        RosterEntry.objects.select_for_update(of=("self",))
        .select_related("proposal", "organisation__peer", "mediator")
        .get(pk=entry.pk)
    )
    ensure_may_decide(actor, entry.proposal)
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("移出名册须写明理由"), field="reason")
    if entry.removed_at is not None:
        raise DomainError(gettext("该条目已移出名册"))
    entries = [entry]
    if entry.mediator_id is None:
        entries += list(
            RosterEntry.objects.select_for_update(of=("self",))
            .select_related("proposal", "mediator")
            .filter(court_id=entry.court_id, organisation=entry.organisation, removed_at__isnull=True)
            .exclude(pk=entry.pk)
        )
    now = timezone.now()
    for removed in entries:
        removed.removed_at, removed.removed_reason = now, reason[:500]
        removed.save(update_fields=["removed_at", "removed_reason"])
        outbox.send(
            entry.organisation.peer,
            MessageType.ROSTER_REMOVED,
            removed.mediator_id or removed.organisation_id,
            RosterRemovedPayload(
                proposal_id=removed.proposal_id,
                reason=reason,
                removed_by=f"{actor.institution} {actor.display_name}",
                removed_at=now,
            ),
        )
        _event(entry.court_id, actor.display_name, f"将{removed}移出特邀调解名册：{reason}")
    return entry


@transaction.atomic
def adopt_entry(
    actor: User,
    source: RosterEntry,
    consent: str,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> RosterEntry:
    """A court confirms as its own an organisation or mediator a higher court chose for its roster, having
    obtained that court's consent (《人民法院在线调解规则》Art. 27 ¶2; 特邀调解规定 Art. 5). The entry is then
    the court's own: its validity and any removal are its own decisions. The investor platform is told
    (ROSTER_ADOPTED), so it takes this court's delegations to the organisation."""
    if not actor.is_authenticated or actor.role not in COURT_ROLES or actor.institution_id is None:
        raise PermissionDenied(gettext("仅法院工作人员可确认特邀调解名册"))
    source = (
        adoptable_entries(actor.institution)
        .select_for_update(of=("self",))
        .select_related("court", "proposal", "organisation__peer", "mediator")
        .filter(pk=source.pk)
        .first()
    )
    if source is None:
        raise DomainError(gettext("该条目不在上级法院的现行名册中，或已在本院名册中"))
    consent = consent.strip()
    if not consent:
        raise DomainError(gettext("请写明上级法院同意的情况（如复函文号）"), field="consent")
    valid_from, valid_until = _validity(valid_from, valid_until)
    court = actor.institution
    if source.mediator_id is not None and not organisation_on_roster(court.pk, source.organisation_id):
        raise DomainError(gettext("调解员所属的调解组织尚未纳入本院特邀调解名册"))
    now = timezone.now()
    proposal = RosterProposal.objects.create(
        id=new_id(),
        court=court,
        subject_kind=source.subject_kind,
        organisation=source.organisation,
        mediator=source.mediator,
        proposed_by=f"{source.court}名册",
        proposed_at=now,
        note=consent[:2000],
        state=ProposalState.CONFIRMED,
        decided_by=actor,
        decided_at=now,
        adopted_from=source,
    )
    entry = _enter(proposal, valid_from, valid_until, actor, now)
    outbox.send(
        source.organisation.peer,
        MessageType.ROSTER_ADOPTED,
        source.mediator_id or source.organisation_id,
        RosterAdoptedPayload(
            proposal_id=proposal.pk,
            source_proposal_id=source.proposal_id,
            court_id=court.pk,
            court_name=court.name,
            consent=consent[:2000],
            valid_from=valid_from,
            valid_until=valid_until,
            decided_by=f"{court} {actor.display_name}",
            decided_at=now,
        ),
    )
    _event(
        court.pk,
        actor.display_name,
        f"经{source.court}同意，将其名册中的{source.mediator or source.organisation}确认为本院特邀"
        f"（有效期至{valid_until:%Y年%m月%d日}）：{consent}",
    )
    return entry


@transaction.atomic
def record_adoptions_refused(messages) -> None:
    """The investor platform refused an adoption for good (it knows no such push): the entry cannot stand,
    since the organisation would refuse this court's delegations."""
    for message in messages:
        entries = RosterEntry.objects.filter(proposal_id=message.payload["proposal_id"], removed_at__isnull=True)
        for entry in entries.select_related("organisation", "mediator"):
            entry.removed_at, entry.removed_reason = timezone.now(), f"调解平台拒收：{message.last_error}"[:500]
            entry.save(update_fields=["removed_at", "removed_reason"])
            _event(entry.court_id, SYSTEM, f"{entry}未能沿用上级法院名册，已移出：{message.last_error}")
