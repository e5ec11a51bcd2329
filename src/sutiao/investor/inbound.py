"""Effects of docking messages from the court platform: what the court did, never what our staff did (those
are `actions`). Each `on_<message>` runs in the inbox's transaction and writes its audit record, the actor
being the court platform that sent it."""

import datetime as dt
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sutiao import bulk
from sutiao.accounts.models import Institution, InstitutionKind
from sutiao.audit.log import Entry, record, record_many
from sutiao.docking import client
from sutiao.docking.models import Peer
from sutiao.docking.refusals import Rejected, wrong_peer
from sutiao.docking.schemas import CourtCard, CourtList
from sutiao.kernel.calendar import china_today, cn_date
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import mask
from sutiao.kernel.regions import region_of_case_number
from sutiao.kernel.workflow import (
    INVESTOR,
    INVESTOR_CORRECTABLE,
    INVESTOR_PROPOSAL,
    InvestorEvent,
    InvestorProposalEvent,
    InvestorProposalState,
)
from sutiao.workdays.selectors import answer_deadline
from sutiao.workdays.services import recompute_answer_deadlines

from .actions import confirmation
from .actions.agreements import void_open_agreements
from .actions.delegations import add_event, transition
from .actions.mediation import correct_mediation_parties
from .actions.roster import end_proposals
from .models import (
    CourtDirectory,
    Delegation,
    DelegationCorrection,
    DelegationEvent,
    MediationOrg,
    Mediator,
    RegistryStatus,
    ResultCorrection,
    RosterProposal,
)
from .registry.history import next_version
from .registry.records import locked_mediator, locked_org
from .search import delegation_search_columns, index_delegations

# --- delegations (notice §4(5)) ---


def roster_refusal(organisation_id, court_id, today: dt.date | None = None) -> Rejected | None:
    """Why this organisation may not take a delegation from that court, or None if it may: it must be
    active in the registry and on that court's roster (or the jointly recognised one) today (notice §4(4)(5);
    特邀调解规定 Art. 5; LEGAL-RULES L2)."""
    today = today or china_today()
    org = MediationOrg.objects.filter(pk=organisation_id).first()
    if org is None or org.status != RegistryStatus.ACTIVE:
        return Rejected(
            "organisation_unavailable", f"调解组织 {organisation_id} 未登记或目前暂停/已退出，不能接受委派", final=True
        )
    pushes = RosterProposal.objects.of_organisations().filter(organisation_id=organisation_id).for_court(court_id)
    if pushes.in_force(today).exists():
        return None
    if pushes.filter(state=InvestorProposalState.PENDING).exists():
        # The court may have confirmed and delegated at once: its decision is still on its way. Retried.
        return Rejected("roster_pending", f"调解组织 {organisation_id} 推送至委派法院 {court_id} 的名册确认尚未收到")
    return Rejected(
        "not_on_roster", f"调解组织 {organisation_id} 不在委派法院 {court_id} 确认的特邀调解名册中", final=True
    )


@transaction.atomic
def on_delegate(items) -> list[Delegation]:
    """Courts' delegations arrive (one, or a representative action's thousands); each answer period starts
    from the day of receipt (LEGAL-RULES L4)."""
    wanted = {payload.organisation_id for _, payload in items}
    organisations = {
        o.pk: o for o in Institution.objects.filter(pk__in=wanted, kind=InstitutionKind.MEDIATION_ORG, active=True)
    }
    for unknown in wanted - organisations.keys():
        raise Rejected("unknown_organisation", f"本平台没有可接受委派的调解组织 {unknown}")
    # Only an organisation on that court's roster takes its delegations: enforced here too, not only by the court.
    for org_id, court_id in {(p.organisation_id, p.court_id) for _, p in items}:
        refusal = roster_refusal(org_id, court_id)
        if refusal is not None:
            raise refusal
    _learn_courts(items)
    chosen_ids = {_chosen(p) for _, p in items if _chosen(p)}
    mediators = {
        m.pk: m
        for m in Mediator.objects.filter(pk__in=chosen_ids, status=RegistryStatus.ACTIVE).select_related("organisation")
    }
    for _message, payload in items:
        chosen = _chosen(payload)
        m = mediators.get(chosen) if chosen else None
        if chosen and (m is None or m.organisation_id != payload.organisation_id):
            raise Rejected("unknown_mediator", f"调解员 {chosen} 不是该组织在册的调解员")
    # Received when the inbox took the message (a batch's messages share it): the instant the signed receipt
    # tells the court, so both platforms date the answer period alike.
    received_at = items[0][0].received_at
    deadline = answer_deadline(received_at)
    received = [
        Delegation(
            id=payload.delegation_id,
            case=message.case,
            peer=message.peer,
            organisation=organisations[payload.organisation_id],
            kind=payload.kind,
            court_id=payload.court_id,
            court_name=payload.court_name,
            court_case_number=payload.court_case_number,
            region=region_of_case_number(payload.court_case_number).key,
            dispute_type=payload.dispute_type,
            facts=payload.facts,
            amount=payload.amount,
            claims=[c.model_dump(mode="json") for c in payload.claims],
            parties=[p.model_dump(mode="json") for p in payload.parties],
            consent=[c.model_dump(mode="json") for c in payload.consent],
            delegated_at=payload.delegated_at,
            received_at=received_at,
            answer_due=deadline.due,
            answer_due_provisional=deadline.provisional,
            chosen_mediator=mediators.get(_chosen(payload)),
            simple_procedure=payload.simple_procedure,
        )
        for message, payload in items
    ]
    for d in received:
        # Searchable from the first moment, written with the row (no second pass over thousands of rows).
        for column, value in delegation_search_columns(d).items():
            setattr(d, column, value)
    delegations = bulk.insert(received)
    due = f"答复期限 {cn_date(deadline.due)}" + ("（暂定）" if deadline.provisional else "")
    bulk.insert(
        [
            DelegationEvent(delegation=d, actor=d.court_name, text=f"收到{d.court_name}的{d.get_kind_display()}，{due}")
            for d in delegations
        ]
    )
    by_peer: dict = {}
    for d in delegations:
        by_peer.setdefault(d.peer.name, []).append(
            Entry(
                "delegation.received",
                d,
                d.case,
                after={"state": d.state, "answer_due": d.answer_due, "chosen_mediator": d.chosen_mediator_id},
            )
        )
    for peer_name, entries in by_peer.items():
        record_many(peer_name, entries)
    return delegations


def _chosen(payload):
    """The parties' chosen mediator, as the court sends it (`mediator_id` is its earlier name)."""
    return payload.chosen_mediator_id or payload.mediator_id


def _learn_courts(items) -> None:
    """Courts that delegate become pushable: the Bureau can then send organisations to their rosters."""
    courts = {p.court_id: (message.peer_id, p.court_name) for message, p in items}
    known = set(CourtDirectory.objects.filter(pk__in=courts).values_list("pk", flat=True))
    CourtDirectory.objects.bulk_create(
        [CourtDirectory(id=pk, peer_id=peer, name=name) for pk, (peer, name) in courts.items() if pk not in known],
        ignore_conflicts=True,
    )


@transaction.atomic
def on_delegation_withdrawn(items) -> None:
    """The court took the delegation back (recalled, or the answer period ended)."""
    for message, payload in items:
        delegation = Delegation.objects.select_for_update().filter(pk=payload.delegation_id).first()
        if delegation is None:
            raise Rejected("unknown_delegation", f"本平台没有标识为 {payload.delegation_id} 的委派")
        if delegation.peer_id != message.peer_id:  # only the court platform that delegated takes it back
            raise wrong_peer(f"委派 {payload.delegation_id}", message.peer)
        if (delegation.state, InvestorEvent.RECALL) not in INVESTOR.transitions:
            add_event(
                delegation,
                delegation.court_name,
                f"法院撤回{delegation.get_kind_display()}（{payload.reason}），本案已结束，未予处理",
            )
            record(
                message.peer.name,
                "delegation.recalled_after_end",
                delegation,
                case=delegation.case,
                before={"state": delegation.state},
                after={"state": delegation.state, "reason": payload.reason},
            )
            continue
        before = delegation.state
        transition(delegation, InvestorEvent.RECALL)
        delegation.recall_reason = payload.reason
        delegation.save(update_fields=["state", "recall_reason"])
        mediation_row = getattr(delegation, "mediation", None)
        if mediation_row is not None:  # a draft or an agreement awaiting signatures ends with the delegation
            void_open_agreements(message.peer.name, mediation_row, f"法院撤回：{payload.reason}"[:500])
        add_event(delegation, delegation.court_name, f"法院撤回{delegation.get_kind_display()}：{payload.reason}")
        record(
            message.peer.name,
            "delegation.recalled",
            delegation,
            case=delegation.case,
            before={"state": before},
            after={"state": delegation.state, "reason": payload.reason},
        )


@transaction.atomic
def on_case_corrected(items) -> None:
    """The court corrected the registration data of a case it delegated to us (issue 15): our copy of the
    parties, claims, consents and amount is replaced, the delegation found by the corrected names, the mediation's
    parties follow, and the delegation's page shows the correction (who at the court, when, what, why)."""
    for message, payload in items:
        delegation = Delegation.objects.select_for_update().filter(pk=payload.delegation_id).first()
        if delegation is None:
            # The case's messages are applied in order: a delegation unknown here was refused, for good.
            raise Rejected("unknown_delegation", f"本平台没有标识为 {payload.delegation_id} 的委派", final=True)
        if delegation.peer_id != message.peer_id:  # only the court platform that delegated corrects it
            raise wrong_peer(f"委派 {payload.delegation_id}", message.peer)
        if delegation.corrections.filter(revision_id=payload.revision_id).exists():
            continue
        if delegation.state not in INVESTOR_CORRECTABLE:
            raise Rejected(
                "delegation_ended",
                f"{delegation.get_kind_display()}已结束（{delegation.get_state_display()}），未按更正修改",
                final=True,
            )
        if len(payload.parties) != len(delegation.parties or []):
            raise Rejected("parties_changed", "已征求意见的案件不能增加或删除当事人", final=True)
        delegation.dispute_type, delegation.facts, delegation.amount = (
            payload.dispute_type,
            payload.facts,
            payload.amount,
        )
        delegation.claims = [c.model_dump(mode="json") for c in payload.claims]
        delegation.parties = [p.model_dump(mode="json") for p in payload.parties]
        delegation.consent = [c.model_dump(mode="json") for c in payload.consent]
        delegation.save(update_fields=["dispute_type", "facts", "amount", "claims", "parties", "consent"])
        index_delegations([delegation.pk])
        correct_mediation_parties(delegation)
        changes = [c.model_dump(mode="json") for c in payload.changes]
        DelegationCorrection.objects.create(
            delegation=delegation,
            revision_id=payload.revision_id,
            corrected_by=payload.corrected_by,
            corrected_at=payload.corrected_at,
            reason=payload.reason,
            changes=changes,
        )
        whats = "、".join(dict.fromkeys(c["what"] for c in changes))
        add_event(delegation, payload.corrected_by, f"法院更正案件信息（{whats}）：{payload.reason}"[:500])
        record(
            message.peer.name,
            "delegation.corrected",
            delegation,
            case=delegation.case,
            after={
                "revision": payload.revision_id,
                "reason": payload.reason,
                # The trail is not encrypted: personal values masked.
                "changes": [
                    {**c, "before": mask(c["field"], c["before"]), "after": mask(c["field"], c["after"])}
                    if c["field"]
                    else c
                    for c in changes
                ],
            },
        )


def on_result_correction_parked(messages) -> None:
    """The court refused a result correction for good (it had already acted on the result): the correction stays
    on our record, marked refused, and the delegation's page says so (issue 15 §4)."""
    for message in messages:
        correction = (
            ResultCorrection.objects.select_for_update()
            .select_related("delegation")
            .filter(pk=message.payload.get("correction_id"))
            .first()
        )
        if correction is None:
            continue
        correction.refused = message.last_error[:2000] or "法院未采纳"
        correction.save(update_fields=["refused"])
        add_event(
            correction.delegation,
            correction.delegation.court_name,
            f"法院未采纳调解结果的更正：{correction.refused}"[:500],
        )
        record(
            message.peer.name,
            "delegation.result_correction_refused",
            correction.delegation,
            case=correction.delegation.case,
            after={"correction": correction.pk, "reason": correction.refused},
        )


# --- rosters (notice §4(4)) ---


def _proposal_of(message, proposal_id, *, lock: bool = True) -> RosterProposal:
    """The push a court decides on: only the court platform it was pushed to (the message's sender) may decide it."""
    qs = RosterProposal.objects.select_related("organisation__registry", "mediator")
    if lock:
        qs = qs.select_for_update(of=("self",))
    proposal = qs.filter(pk=proposal_id, peer_id=message.peer_id).first()
    if proposal is None:
        raise Rejected("unknown_proposal", f"本平台没有标识为 {proposal_id} 的名册推送", final=True)
    return proposal


@transaction.atomic
def on_roster_decision(items) -> None:
    """The court confirmed (with a validity period) or rejected (with a reason) a push."""
    for message, payload in items:
        proposal = _proposal_of(message, payload.proposal_id)
        event = InvestorProposalEvent.CONFIRMED if payload.confirmed else InvestorProposalEvent.REJECTED
        if (proposal.state, event) not in INVESTOR_PROPOSAL.transitions:
            continue  # ended meanwhile (suspended, left): the court hears of that through ROSTER_CHANGED
        before = proposal.state
        proposal.state = INVESTOR_PROPOSAL.next_state(proposal.state, event)
        proposal.decided_at, proposal.decided_by = payload.decided_at, payload.decided_by
        proposal.reason = payload.reason
        proposal.valid_from, proposal.valid_until = payload.valid_from, payload.valid_until
        proposal.save()
        superseded = 0
        if payload.confirmed and payload.supersedes:
            superseded = end_proposals(
                RosterProposal.objects.filter(pk=payload.supersedes, peer=message.peer),
                InvestorProposalEvent.SUPERSEDED,
                "续期：由新的确认替代",
                at=payload.decided_at,
            )
        record(
            message.peer.name,
            "roster.decided",
            proposal,
            before={"state": before},
            after={
                "state": proposal.state,
                "reason": payload.reason,
                "valid_from": payload.valid_from,
                "valid_until": payload.valid_until,
                "superseded": str(payload.supersedes) if superseded else None,
            },
        )


@transaction.atomic
def on_roster_removed(items) -> None:
    """The court took the organisation or mediator off its roster (除名, 特邀调解规定 Art. 28): the membership
    ends, so that court's delegations are refused from now on; the subject's history shows it."""
    for message, payload in items:
        proposal = _proposal_of(message, payload.proposal_id)
        if (proposal.state, InvestorProposalEvent.REMOVED) not in INVESTOR_PROPOSAL.transitions:
            continue
        before = proposal.state
        proposal.state = INVESTOR_PROPOSAL.next_state(proposal.state, InvestorProposalEvent.REMOVED)
        proposal.ended_at = payload.removed_at
        proposal.ended_reason = f"{proposal.court_name}移出名册：{payload.reason}"[:500]
        proposal.save(update_fields=["state", "ended_at", "ended_reason"])
        next_version(proposal.mediator or proposal.organisation.registry, payload.removed_by, proposal.ended_reason)
        record(
            message.peer.name,
            "roster.removed",
            proposal,
            before={"state": before},
            after={"state": proposal.state, "reason": payload.reason},
        )


@transaction.atomic
def on_roster_adoption_requested(items) -> None:
    """A lower court asks to take the subject over from a higher court's roster (《人民法院在线调解规则》Art. 27
    ¶2): only the organisation's or mediator's own consent makes it so (LEGAL-RULES L23). The request waits
    (AWAITING_CONSENT) for whoever answers for the subject (`kernel.rules.adoption_consent_by`); until then
    that court's delegations are refused. A request naming no confirmation of ours, or a subject no longer
    active, is refused for good: nobody could consent."""
    for message, payload in items:
        source = _proposal_of(message, payload.source_proposal_id, lock=False)
        if RosterProposal.objects.filter(pk=payload.proposal_id).exists():
            continue
        org, mediator = locked_org(source.organisation.registry), source.mediator
        subject = locked_mediator(mediator) if mediator else org
        if subject.status != RegistryStatus.ACTIVE or org.status != RegistryStatus.ACTIVE:
            raise Rejected("subject_unavailable", f"{subject}目前暂停或已退出/离任，无法征求其同意", final=True)
        if source.state != InvestorProposalState.CONFIRMED:
            raise Rejected(
                "source_not_confirmed", f"名册推送 {source.pk} 不是{source.court_name}确认的名册条目", final=True
            )
        request = RosterProposal.objects.create(
            id=payload.proposal_id,
            peer=message.peer,
            subject_kind=source.subject_kind,
            organisation=source.organisation,
            mediator=mediator,
            court_id=payload.court_id,
            court_name=payload.court_name,
            proposed_by=source.proposed_by,
            proposed_at=payload.requested_at,
            note=f"{payload.court_name}请求沿用{source.court_name}名册（{payload.requested_by}）"[:2000],
            state=InvestorProposalState.AWAITING_CONSENT,
            valid_from=payload.valid_from,
            valid_until=payload.valid_until,
            adopted_from=source,
        )
        record(
            message.peer.name,
            "roster.adoption_requested",
            request,
            after={
                "state": request.state,
                "source": str(source.pk),
                "court": payload.court_name,
                "valid_from": payload.valid_from,
                "valid_until": payload.valid_until,
            },
        )


@transaction.atomic
def on_roster_proposed_parked(messages) -> None:
    """The court platform refused pushes for good (e.g. no such court there): each one ends as not confirmed,
    with the refusal as its reason, so the pusher sees it and can push again."""
    for message in messages:
        proposal = (
            RosterProposal.objects.select_for_update().filter(pk=message.payload["proposal_id"]).select_related("peer")
        ).first()
        if proposal is None or (proposal.state, InvestorProposalEvent.REJECTED) not in INVESTOR_PROPOSAL.transitions:
            continue
        before = proposal.state
        proposal.state = INVESTOR_PROPOSAL.next_state(proposal.state, InvestorProposalEvent.REJECTED)
        proposal.decided_at, proposal.reason = timezone.now(), f"法院平台拒收：{message.last_error}"[:2000]
        proposal.save(update_fields=["state", "decided_at", "reason"])
        record(
            proposal.peer.name,
            "roster.push_refused",
            proposal,
            before={"state": before},
            after={"state": proposal.state, "reason": proposal.reason},
        )


# --- the court directory ---


@transaction.atomic
def on_court_list(peer: Peer, courts: list[CourtCard]) -> None:
    """The court platform's own list of its courts keeps the directory the Bureau pushes to current: new
    courts are added, names and status follow, and a court that platform no longer lists is kept (pushes
    refer to it) but cannot be pushed to."""
    now = timezone.now()
    known = {c.pk: c for c in CourtDirectory.objects.select_for_update().filter(peer=peer)}
    listed, changed = set(), 0
    for card in courts:
        listed.add(card.court_id)
        fields = {
            "name": card.name,
            "kind": card.kind,
            "parent_id": card.parent_id,
            "active": card.active,
            "areas": [a.model_dump(mode="json") for a in card.areas],
        }
        court = known.get(card.court_id)
        if court is None:
            CourtDirectory.objects.create(id=card.court_id, peer=peer, synced_at=now, **fields)
            changed += 1
        elif any(getattr(court, k) != v for k, v in fields.items()) or court.synced_at is None:
            CourtDirectory.objects.filter(pk=court.pk).update(synced_at=now, **fields)
            changed += 1
    changed += (
        CourtDirectory.objects.filter(peer=peer, active=True).exclude(pk__in=listed).update(active=False, synced_at=now)
    )
    if changed:
        record(peer.name, "courts.directory_synced", None, after={"courts": len(listed), "changed": changed})


_directory_read_at = -float("inf")


def pull_court_directory() -> None:
    """Read each court platform's list of courts every SUTIAO_COURT_DIRECTORY_SECONDS; until a read succeeds
    (the court platform still starting, say), try again at every feed pull."""
    global _directory_read_at
    if time.monotonic() - _directory_read_at < settings.SUTIAO_COURT_DIRECTORY_SECONDS:
        return
    for peer in Peer.objects.filter(active=True):
        listing = CourtList.model_validate(client.signed_get(peer, "/docking/v1/courts", {}))
        on_court_list(peer, listing.courts)
    _directory_read_at = time.monotonic()


def on_year_loaded(**_signal_kwargs) -> None:
    """A year's holiday arrangement was loaded: provisional answer deadlines are computed again."""
    recompute_answer_deadlines(Delegation.objects.all())


# --- judicial confirmation: what the court decided on the parties' online application (issue 11 §4) ---


def on_confirmation_decided(items) -> None:
    """CONFIRMATION_DECIDED: the court received, refused, accepted or did not accept the application, asked for
    material, ruled (its sealed ruling then fetched by the ruling job) or allowed a withdrawal."""
    for message, payload in items:
        try:
            confirmation.court_decided(message.peer, payload)
        except DomainError as refused:
            raise Rejected("confirmation_unknown", refused.message, final=True) from refused


def on_confirmation_applied_parked(messages) -> None:
    """The court platform refused the application for good (L11: out of the 30 days, or not that court's): the
    parties see its reason and citation."""
    for message in messages:
        confirmation.application_refused(message)
