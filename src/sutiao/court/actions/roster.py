"""Court admins keep the court's invited roster (特邀调解名册): confirm or reject a push, take an entry off,
ask to take over a higher court's entry (the organisation or mediator consents, L23); and anyone of the court
may export it, which the audit log records (notice 法办〔2021〕313号 四（四）; 《最高人民法院关于人民法院特邀调解的
规定》; LEGAL-RULES L2). The decision travels back to the investor platform in the same transaction."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import User
from sutiao.audit.log import record
from sutiao.docking import outbox
from sutiao.docking.schemas import (
    MessageType,
    RosterAdoptionRequestedPayload,
    RosterDecisionPayload,
    RosterRemovedPayload,
)
from sutiao.kernel.calendar import china_today
from sutiao.kernel.errors import DomainError
from sutiao.kernel.ids import new_id
from sutiao.kernel.rules import default_validity
from sutiao.kernel.workflow import COURT_PROPOSAL, CourtProposalEvent, CourtProposalState

from .. import permissions
from ..models import RosterEntry, RosterEvent, RosterProposal
from ..roster_export import roster_workbook
from ..selectors import adoptable_entries, on_roster, organisation_on_roster, roster_entries
from .common import transition


def roster_event(court_id, actor, text: str) -> None:
    # The actor may be the peer's free text (who answered a request to take a subject over: up to 500 chars).
    RosterEvent.objects.create(court_id=court_id, actor=str(actor)[:200], text=text[:500])


def _decided_by(actor: User) -> str:
    return f"{actor.institution} {actor.display_name}"


def _send_decision(actor, proposal, payload_fields) -> None:
    outbox.send(
        proposal.organisation.peer,
        MessageType.ROSTER_DECISION,
        proposal.mediator_id or proposal.organisation_id,
        RosterDecisionPayload(
            proposal_id=proposal.pk, decided_by=_decided_by(actor), decided_at=proposal.decided_at, **payload_fields
        ),
    )


def _validity(valid_from: dt.date | None, valid_until: dt.date | None) -> tuple[dt.date, dt.date]:
    today = china_today()
    valid_from = valid_from or today
    valid_until = valid_until or default_validity(valid_from)
    if valid_until < valid_from:
        raise DomainError(gettext("有效期截止日不能早于起始日"), field="valid_until")
    if valid_until < today:
        raise DomainError(gettext("有效期已过，不能确认"), field="valid_until")
    return valid_from, valid_until


def _locked(proposal) -> RosterProposal:
    # Only this row is locked: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return (
        RosterProposal.objects.select_for_update(of=("self",))
        .select_related("organisation__peer", "mediator", "court")
        .get(pk=proposal.pk)
    )


def _entry_fields(entry: RosterEntry) -> dict:
    return {
        "valid_from": entry.valid_from,
        "valid_until": entry.valid_until,
        "removed_at": entry.removed_at,
        "removed_reason": entry.removed_reason,
    }


def put_on_roster(proposal: RosterProposal, valid_from: dt.date, valid_until: dt.date, actor: User, now) -> RosterEntry:
    """The confirmed proposal's subject on the court's roster, for the period (a push confirmed by `actor`, or
    a request to take over a higher court's entry that its subject consented to)."""
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


def _renewed_entry(proposal: RosterProposal) -> RosterEntry | None:
    """The entry a push renews: the same organisation (or mediator) on the same roster, not yet ended
    (`RosterEntryQuerySet.not_ended`). The Bureau pushes again before an entry runs out; confirming replaces
    it, so the roster keeps one."""
    entries = (
        RosterEntry.objects.select_for_update(of=("self",))
        .filter(court_id=proposal.court_id, subject_kind=proposal.subject_kind)
        .not_ended(china_today())
    )
    if proposal.mediator_id:
        return entries.filter(mediator_id=proposal.mediator_id).first()
    return entries.filter(organisation_id=proposal.organisation_id).first()


def _pending(proposal: RosterProposal) -> None:
    if proposal.state != CourtProposalState.PENDING:
        state = gettext(CourtProposalState(proposal.state).label)
        raise DomainError(gettext("该推送已处理（%(state)s）") % {"state": state})


@transaction.atomic
def confirm_proposal(
    actor: User, proposal: RosterProposal, valid_from: dt.date | None = None, valid_until: dt.date | None = None
) -> RosterEntry:
    """A court admin confirms a pushed organisation or mediator into the court's invited roster, for a period
    (by default three years, kernel.rules.default_validity)."""
    proposal = _locked(proposal)
    permissions.ensure_may_decide_roster(actor, proposal.court_id)
    _pending(proposal)
    valid_from, valid_until = _validity(valid_from, valid_until)
    subject = proposal.mediator or proposal.organisation
    if not subject.active or not proposal.organisation.active:
        raise DomainError(gettext("%(name)s目前不在正常状态，不能纳入名册") % {"name": subject})
    if proposal.mediator is not None and not (
        organisation_on_roster(proposal.court_id, proposal.organisation_id)
        if proposal.court_id
        else on_roster(None).organisations().filter(court__isnull=True, organisation=proposal.organisation).exists()
    ):
        raise DomainError(gettext("调解员所属的调解组织尚未纳入本院特邀调解名册"))
    renewed = _renewed_entry(proposal)
    now = timezone.now()
    transition(proposal, CourtProposalEvent.CONFIRM, COURT_PROPOSAL)
    proposal.decided_by, proposal.decided_at = actor, now
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    if renewed is not None:
        renewed_before = _entry_fields(renewed)
        renewed.removed_at, renewed.removed_reason = now, f"续期：由有效期至{valid_until:%Y年%m月%d日}的新确认替代"
        renewed.save(update_fields=["removed_at", "removed_reason"])
        record(actor, "roster.renew", renewed, before=renewed_before, after=_entry_fields(renewed))
    entry = put_on_roster(proposal, valid_from, valid_until, actor, now)
    _send_decision(
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
    roster_event(
        proposal.court_id, actor.display_name, f"{done}{subject}纳入特邀调解名册（有效期至{valid_until:%Y年%m月%d日}）"
    )
    record(
        actor,
        "roster.confirm",
        proposal,
        before={"state": CourtProposalState.PENDING},
        after={"state": proposal.state, "entry": entry.pk, "valid_from": valid_from, "valid_until": valid_until},
    )
    return entry


@transaction.atomic
def reject_proposal(actor: User, proposal: RosterProposal, reason: str) -> RosterProposal:
    """A court admin declines a pushed organisation or mediator, saying why; the reason travels back."""
    proposal = _locked(proposal)
    permissions.ensure_may_decide_roster(actor, proposal.court_id)
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("不予确认须写明理由"), field="reason")
    _pending(proposal)
    transition(proposal, CourtProposalEvent.REJECT, COURT_PROPOSAL)
    proposal.decided_by, proposal.decided_at, proposal.reason = actor, timezone.now(), reason
    proposal.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    _send_decision(actor, proposal, {"confirmed": False, "reason": reason})
    roster_event(
        proposal.court_id, actor.display_name, f"不予确认{proposal.mediator or proposal.organisation}：{reason}"
    )
    record(
        actor,
        "roster.reject",
        proposal,
        before={"state": CourtProposalState.PENDING},
        after={"state": proposal.state, "reason": reason},
    )
    return proposal


@transaction.atomic
def remove_entry(actor: User, entry: RosterEntry, reason: str) -> RosterEntry:
    """A court admin takes an organisation or mediator off the court's roster, e.g. after a verified complaint
    (除名, 特邀调解规定 Art. 28; 《人民法院在线调解规则》Art. 29). An organisation takes its mediators on this
    roster with it. The investor platform is told (ROSTER_REMOVED), so it refuses this court's delegations."""
    entry = (
        RosterEntry.objects.select_for_update(of=("self",))
        .select_related("proposal", "organisation__peer", "mediator")
        .get(pk=entry.pk)
    )
    permissions.ensure_may_decide_roster(actor, entry.court_id)
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
            .filter(court_id=entry.court_id, organisation=entry.organisation)
            .standing()
            .exclude(pk=entry.pk)
        )
    now = timezone.now()
    for removed in entries:
        before = _entry_fields(removed)
        removed.removed_at, removed.removed_reason = now, reason[:500]
        removed.save(update_fields=["removed_at", "removed_reason"])
        outbox.send(
            entry.organisation.peer,
            MessageType.ROSTER_REMOVED,
            removed.mediator_id or removed.organisation_id,
            RosterRemovedPayload(
                proposal_id=removed.proposal_id, reason=reason, removed_by=_decided_by(actor), removed_at=now
            ),
        )
        roster_event(entry.court_id, actor.display_name, f"将{removed}移出特邀调解名册：{reason}")
        record(actor, "roster.remove", removed, before=before, after=_entry_fields(removed))
    return entry


@transaction.atomic
def request_adoption(
    actor: User,
    source: RosterEntry,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> RosterProposal:
    """A court admin asks to take over as the court's own an organisation or mediator a higher court chose for
    its roster, for the period the court proposes. Only the consent of that organisation or mediator makes it
    so (《人民法院在线调解规则》Art. 27 ¶2 “经其同意”; LEGAL-RULES L23, `kernel.rules.adoption_consent_by`): the
    request waits (AWAITING_CONSENT) while the investor platform asks the subject (ROSTER_ADOPTION_REQUESTED);
    nothing is on this court's roster, and delegations to it are refused, until the answer
    (`inbound.on_roster_adoption_answer`)."""
    permissions.ensure_may_adopt(actor)
    source = (
        adoptable_entries(actor.institution)
        .select_for_update(of=("self",))
        .select_related("court", "proposal", "organisation__peer", "mediator")
        .filter(pk=source.pk)
        .first()
    )
    if source is None:
        raise DomainError(gettext("该条目不在上级法院的现行名册中，或已在本院名册中或已请求沿用"))
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
        state=CourtProposalState.AWAITING_CONSENT,
        adopted_from=source,
        requested_by=actor,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    outbox.send(
        source.organisation.peer,
        MessageType.ROSTER_ADOPTION_REQUESTED,
        source.mediator_id or source.organisation_id,
        RosterAdoptionRequestedPayload(
            proposal_id=proposal.pk,
            source_proposal_id=source.proposal_id,
            court_id=court.pk,
            court_name=court.name,
            valid_from=valid_from,
            valid_until=valid_until,
            requested_by=_decided_by(actor),
            requested_at=now,
        ),
    )
    roster_event(
        court.pk,
        actor.display_name,
        f"请求沿用{source.court}名册中的{source.mediator or source.organisation}"
        f"（拟定有效期至{valid_until:%Y年%m月%d日}），待其本人同意",
    )
    record(
        actor,
        "roster.adoption_requested",
        proposal,
        after={
            "state": proposal.state,
            "source": source.pk,
            "valid_from": valid_from,
            "valid_until": valid_until,
        },
    )
    return proposal


@transaction.atomic
def export_roster(actor: User) -> bytes:
    """The court's roster as an Excel workbook. Exporting a list of people is a sensitive read: it is
    recorded in the audit log."""
    permissions.ensure_may_read(actor)
    court = actor.institution
    entries = list(roster_entries(court.pk))
    record(actor, "roster.export", court, after={"entries": len(entries)})
    return roster_workbook(entries, court=court)
