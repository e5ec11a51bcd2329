"""Pushing organisations and mediators to courts' invited rosters (notice §4(4)): the Bureau pushes
organisations, a supervising body the mediators of the organisations under it. Each push is a version of the
subject's record, an audit record and a ROSTER_PROPOSED to the court platform, in one transaction. What the
courts decide arrives in `inbound`. An organisation or mediator answers a lower court's request to take it
over from a higher court's roster (LEGAL-RULES L23): the answer goes back as ROSTER_ADOPTION_ANSWER."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import User
from sutiao.audit.log import record
from sutiao.docking import outbox
from sutiao.docking.models import Peer
from sutiao.docking.schemas import MessageType, RosterAdoptionAnswerPayload, RosterProposedPayload
from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import AdoptionConsentBy
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import INVESTOR_PROPOSAL, InvestorProposalEvent, InvestorProposalState

from .. import permissions
from ..models import CourtDirectory, MediationOrg, Mediator, RegistryStatus, RosterProposal, SubjectKind
from ..registry.cards import mediator_card, organisation_card
from ..registry.history import actor_name, next_version
from ..registry.records import locked_mediator, locked_org

EVERY_COURT = "全国各级人民法院（最高人民法院与中国证监会共同认定名册）"


def states_allowing(event: InvestorProposalEvent) -> list:
    """The proposal states from which the machine allows `event` (for a bulk update that must obey it)."""
    return [state for (state, e) in INVESTOR_PROPOSAL.transitions if e == event]


def end_proposals(proposals, event: InvestorProposalEvent, reason: str, at=None) -> int:
    """End, in bulk, the proposals the machine lets `event` end (the subject was suspended or left; a renewal
    replaced a confirmation). Returns how many ended. Called inside an action's or inbound effect's transaction."""
    return proposals.filter(state__in=states_allowing(event)).update(
        state=INVESTOR_PROPOSAL.next_state(states_allowing(event)[0], event),
        ended_at=at or timezone.now(),
        ended_reason=reason[:500],
    )


def _court(court_id) -> CourtDirectory | None:
    if court_id is None:
        return None
    court = CourtDirectory.objects.select_related("peer").filter(pk=court_id, active=True).first()
    if court is None:
        raise DomainError(gettext("法院名录中没有该法院"), field="court")
    return court


def _court_peer(court: CourtDirectory | None) -> Peer:
    if court is not None:
        return court.peer
    peer = Peer.objects.filter(active=True).first()
    if peer is None:
        raise DomainError(gettext("尚未接入法院平台"))
    return peer


@transaction.atomic
def propose_organisation(actor: User, org: MediationOrg, court_id, note: str = "") -> RosterProposal:
    """The Bureau pushes a qualifying organisation to one court, or (no court) to every court at once: the
    list the SPC and the CSRC recognise jointly (notice §4(4))."""
    permissions.ensure_bureau(actor, gettext("仅投资者保护局可推送调解组织"))
    org = locked_org(org)
    if org.status != RegistryStatus.ACTIVE:
        raise DomainError(gettext("该调解组织目前状态为%(s)s，不能推送") % {"s": gettext(org.get_status_display())})
    court = _court(court_id)
    pushes = RosterProposal.objects.of_organisations().filter(organisation=org.institution).for_court(court_id)
    if pushes.blocking_a_push(china_today()).exists():
        raise DomainError(
            gettext("该调解组织已推送至该法院（或已在共同认定名册中），无需重复推送；有效期届满前90日内可再次推送续期")
        )
    return _propose(actor, org, None, court, note)


@transaction.atomic
def propose_mediator(actor: User, mediator: Mediator, court_id, note: str = "") -> RosterProposal:
    """A regional office or affiliated unit pushes a qualifying mediator of an organisation it supervises to a
    court whose roster has that organisation today (notice §4(4))."""
    mediator = locked_mediator(mediator)
    if not permissions.supervises(actor, mediator.organisation):
        raise PermissionDenied(gettext("仅该调解组织的指导单位（派出机构或会管单位）可推送其调解员"))
    org = mediator.organisation.registry
    if mediator.status != RegistryStatus.ACTIVE or org.status != RegistryStatus.ACTIVE:
        raise DomainError(gettext("调解员或其所属组织目前不在正常状态，不能推送"))
    court = _court(court_id)
    today = china_today()
    org_on_roster = (
        RosterProposal.objects.of_organisations()
        .filter(organisation=mediator.organisation)
        .for_court(court_id)
        .in_force(today)
    )
    if not org_on_roster.exists():
        raise DomainError(gettext("所属调解组织尚未纳入该法院特邀调解名册，请先由投资者保护局推送调解组织"))
    if RosterProposal.objects.filter(mediator=mediator).for_court(court_id).blocking_a_push(today).exists():
        raise DomainError(gettext("该调解员已推送至该法院，无需重复推送；有效期届满前90日内可再次推送续期"))
    return _propose(actor, org, mediator, court, note)


def _propose(actor, org, mediator, court, note) -> RosterProposal:
    # The push is a version of the subject's record (its history shows it); the card sent carries it.
    next_version(mediator or org, actor, f"推送至{court.name if court else EVERY_COURT}")
    proposal = RosterProposal.objects.create(
        peer=_court_peer(court),
        subject_kind=SubjectKind.MEDIATOR if mediator else SubjectKind.ORGANISATION,
        organisation=org.institution,
        mediator=mediator,
        court_id=court.pk if court else None,
        court_name=court.name if court else EVERY_COURT,
        proposed_by=actor,
        proposed_at=timezone.now(),
        note=note.strip(),
    )
    record(
        actor,
        "roster.propose",
        proposal,
        after={
            "subject_kind": proposal.subject_kind,
            "subject": str((mediator or org).pk),
            "court": proposal.court_name,
            "state": proposal.state,
        },
    )
    outbox.send(
        proposal.peer,
        MessageType.ROSTER_PROPOSED,
        (mediator or org).pk,
        RosterProposedPayload(
            proposal_id=proposal.pk,
            court_id=proposal.court_id,
            court_name=proposal.court_name,
            organisation=organisation_card(org),
            mediator=mediator_card(mediator) if mediator else None,
            proposed_by=actor_name(actor),
            proposed_at=proposal.proposed_at,
            note=proposal.note,
        ),
    )
    return proposal


def _answered_by(actor: User, proposal: RosterProposal, how_obtained: str) -> str:
    """Who answered, as the court reads it: the organisation's administrator, the mediator in person, or the
    administrator who recorded an account-less mediator's own answer and how it was obtained."""
    if permissions.adoption_answered_by(proposal) == AdoptionConsentBy.RECORDED_FOR_MEDIATOR:
        return f"调解员{proposal.mediator.name}本人（由{actor_name(actor)}记录：{how_obtained}）"
    if proposal.mediator is not None:
        return f"调解员{proposal.mediator.name}本人"
    return actor_name(actor)


@transaction.atomic
def consent_to_adoption(actor: User, proposal: RosterProposal, how_obtained: str = "") -> RosterProposal:
    """The organisation or mediator a lower court asked to take over from a higher court's roster consents
    (《人民法院在线调解规则》Art. 27 ¶2 “经其同意”; LEGAL-RULES L23): a membership of that court's roster for the
    period it asked, so its delegations are taken from now on (`RosterProposalQuerySet.in_force`)."""
    return _answer_adoption(actor, proposal, True, "", how_obtained)


@transaction.atomic
def refuse_adoption(actor: User, proposal: RosterProposal, reason: str, how_obtained: str = "") -> RosterProposal:
    """The organisation or mediator does not consent, saying why (L23): the court's request ends, not confirmed."""
    return _answer_adoption(actor, proposal, False, reason, how_obtained)


def _answer_adoption(actor, proposal, consented: bool, reason: str, how_obtained: str) -> RosterProposal:
    """Either answer, in the caller's transaction: permission, transition, a version of the subject's record,
    the audit record and ROSTER_ADOPTION_ANSWER to the court."""
    proposal = (
        RosterProposal.objects.select_for_update(of=("self",))
        .select_related("peer", "organisation__registry", "mediator")
        .get(pk=proposal.pk)
    )
    permissions.ensure_may_answer_adoption(actor, proposal)
    if proposal.state != InvestorProposalState.AWAITING_CONSENT:
        state = gettext(InvestorProposalState(proposal.state).label)
        raise DomainError(gettext("该沿用请求已处理（%(state)s）") % {"state": state})
    reason, how_obtained = reason.strip(), how_obtained.strip()
    if not consented and not reason:
        raise DomainError(gettext("不同意沿用须写明理由"), field="reason")
    recorded = permissions.adoption_answered_by(proposal) == AdoptionConsentBy.RECORDED_FOR_MEDIATOR
    if recorded and not how_obtained:
        raise DomainError(
            gettext("调解员没有平台账号：请写明如何取得其本人意见（如电话确认、书面同意书）"), field="how_obtained"
        )
    subject = locked_mediator(proposal.mediator) if proposal.mediator else locked_org(proposal.organisation.registry)
    before = proposal.state
    event = InvestorProposalEvent.CONSENTED if consented else InvestorProposalEvent.REFUSED
    proposal.state = INVESTOR_PROPOSAL.next_state(proposal.state, event)
    proposal.decided_at, proposal.decided_by = timezone.now(), _answered_by(actor, proposal, how_obtained)[:200]
    proposal.reason = reason[:2000]
    proposal.save(update_fields=["state", "decided_at", "decided_by", "reason"])
    answer = "同意" if consented else f"不同意（{reason}）"
    next_version(subject, actor, f"{answer}{proposal.court_name}沿用上级法院名册"[:200])
    record(
        actor,
        "roster.adoption_answer",
        proposal,
        before={"state": before},
        after={
            "state": proposal.state,
            "consented": consented,
            "reason": reason,
            "answered_by": proposal.decided_by,
            "how_obtained": how_obtained,
        },
    )
    outbox.send(
        proposal.peer,
        MessageType.ROSTER_ADOPTION_ANSWER,
        (proposal.mediator or proposal.organisation.registry).pk,
        RosterAdoptionAnswerPayload(
            proposal_id=proposal.pk,
            consented=consented,
            reason=reason,
            answered_by=_answered_by(actor, proposal, how_obtained)[:500],
            answered_at=proposal.decided_at,
        ),
    )
    return proposal
