"""Effects of what arrives from the investor platform through the docking, one `on_<message>` function per
message (or per delivery outcome of ours). Each runs in the inbox's transaction and writes its audit record
with the peer platform as the actor; none shares a name with an action of our staff."""

import datetime as dt

from django.db import transaction
from django.db.models import Case as CaseWhen
from django.db.models import F, Value, When
from django.utils import timezone
from django.utils.translation import gettext

from sutiao import bulk
from sutiao.accounts.models import Institution
from sutiao.audit.log import SYSTEM, Entry, record, record_many
from sutiao.docking.models import OutboxMessage
from sutiao.docking.refusals import Rejected, wrong_peer
from sutiao.docking.schemas import (
    AgreementStep,
    MediatorCard,
    OrganisationCard,
    PeriodStep,
    RecusalStep,
    SessionStep,
)
from sutiao.kernel.calendar import cn_date
from sutiao.kernel.enums import DelegationKind, MediationOutcome
from sutiao.kernel.errors import DomainError
from sutiao.kernel.mediation import RecusalDecision, TerminationGround
from sutiao.kernel.workflow import (
    COURT_PROPOSAL,
    DELEGATION,
    CourtEvent,
    CourtProposalEvent,
    CourtProposalState,
    CourtState,
    DelegationEvent,
    DelegationState,
    court_state_label,
)
from sutiao.workdays.selectors import answer_deadline, calendar

from .actions import confirmation
from .actions.common import case_event, transition
from .actions.roster import put_on_roster, roster_event
from .models import Case, CaseEvent, Delegation, Mediator, Organisation, RosterEntry, RosterProposal, SubjectKind
from .search import index_cases

# --- delegations ---

_RESULT_EVENTS = {
    MediationOutcome.SUCCEEDED: CourtEvent.SUCCEEDED,
    MediationOutcome.FAILED: CourtEvent.FAILED,
    # 当事人撤回 (《人民法院在线调解规则》Art. 25): the case closes as withdrawn, not as a failure.
    MediationOutcome.WITHDRAWN: CourtEvent.WITHDRAWN,
}


def _delegation_for_update(delegation_id, peer) -> Delegation:
    """The delegation a message from `peer` is about: only the peer the case was delegated to speaks for it."""
    delegation = (
        Delegation.objects.select_for_update(of=("self",))
        .select_related("case", "organisation")
        .filter(pk=delegation_id)
        .first()
    )
    if delegation is None:
        raise Rejected("unknown_delegation", f"本平台没有标识为 {delegation_id} 的委派")
    if delegation.organisation.peer_id != peer.pk:
        raise wrong_peer(f"委派 {delegation_id}", peer)
    return delegation


def _act_name(kind) -> str:
    return "委派" if kind == DelegationKind.DELEGATION else "委托"


@transaction.atomic
def on_delegate_delivered(receipts: list[tuple[OutboxMessage, dict]]) -> None:
    """Our DELEGATE messages were received: the investor platform's signed receipts date each receipt, and
    the answer period runs from that day (LEGAL-RULES L4). Receipts of one delivery share their time, so each
    group is one statement; one audit record per delegation."""
    groups: dict[str, list[str]] = {}
    for message, receipt in receipts:
        groups.setdefault(receipt["received_at"], []).append(message.payload["delegation_id"])
    peer = receipts[0][0].peer  # one delivery: one peer, whose signed receipts these are
    cal = calendar()
    events, entries = [], []
    for when, ids in groups.items():
        received_at = dt.datetime.fromisoformat(when)
        deadline = answer_deadline(received_at, cal)
        pending = Delegation.objects.filter(pk__in=ids, received_at__isnull=True)
        rows = list(pending.values_list("pk", "case_id", "organisation__name", "state"))
        # The machine's one step on receipt (sent → received), as one statement for the group.
        received = DELEGATION.next_state(DelegationState.SENT, DelegationEvent.RECEIVED)
        pending.update(
            received_at=received_at,
            answer_due=deadline.due,
            answer_due_provisional=deadline.provisional,
            state=CaseWhen(When(state=DelegationState.SENT, then=Value(received)), default=F("state")),
        )
        due = f"答复期限 {cn_date(deadline.due)}" + ("（暂定）" if deadline.provisional else "")
        events += [
            CaseEvent(case_id=case_id, actor=SYSTEM, text=f"{name}已接收，{due}") for _, case_id, name, _ in rows
        ]
        after = {"received_at": received_at, "answer_due": deadline.due, "provisional": deadline.provisional}
        entries += [
            Entry(
                "delegation.received",
                None,
                case_id,
                {"state": state},
                {**after, "delegation": pk, "state": received if state == DelegationState.SENT else state},
            )
            for pk, case_id, _, state in rows
        ]
    bulk.insert(events)
    record_many(peer.name, entries)


@transaction.atomic
def on_delegate_parked(messages: list[OutboxMessage]) -> None:
    """The investor platform refused our delegations for good (e.g. the organisation is suspended there):
    each case goes back to staff to choose another organisation, as after a decline (LEGAL-RULES L4)."""
    for message in messages:
        delegation = _delegation_for_update(message.payload["delegation_id"], message.peer)
        if DelegationEvent.REFUSED not in DELEGATION.allowed_events(delegation.state):
            continue
        case = Case.objects.select_for_update().get(pk=delegation.case_id)
        before = {"state": case.state, "delegation_state": delegation.state}
        reason = f"调解平台拒收：{message.last_error}"[:2000]
        transition(delegation, DelegationEvent.REFUSED, DELEGATION)
        delegation.decline_reason = reason
        delegation.save(update_fields=["state", "decline_reason"])
        case.save(update_fields=transition(case, CourtEvent.DECLINED))
        case_event(
            case,
            SYSTEM,
            f"{delegation.organisation.name}：{reason}，案件退回待重新{_act_name(delegation.kind)}",
        )
        record(
            message.peer.name,
            "delegation.refused",
            delegation,
            case=case,
            before=before,
            after={"state": case.state, "delegation_state": delegation.state, "reason": reason},
        )


def on_correction_parked(messages: list[OutboxMessage]) -> None:
    """The investor platform refused a correction for good: the delegation had ended there (a result recorded,
    or recalled) before the correction arrived. The case's story says so, so staff know the organisation's
    record keeps the data as it was (issue 15)."""
    for message in messages:
        case = Case.objects.select_for_update().filter(pk=message.case).first()
        if case is None:
            continue
        text = f"更正未被调解组织采纳：{message.last_error}"[:500]
        case_event(case, SYSTEM, text)
        record(
            message.peer.name,
            "case.correction_refused",
            case,
            case=case,
            after={"revision": message.payload.get("revision_id"), "reason": message.last_error[:2000]},
        )


@transaction.atomic
def on_delegation_answer(items) -> None:
    """DELEGATION_ANSWER: the organisation accepted, or did not accept (不予接受) with its reasons (L4)."""
    for message, payload in items:
        delegation = _delegation_for_update(payload.delegation_id, message.peer)
        case = Case.objects.select_for_update().get(pk=delegation.case_id)
        act = _act_name(delegation.kind)
        verb = "接受" if payload.accepted else "不予接受"
        event = DelegationEvent.ACCEPTED if payload.accepted else DelegationEvent.DECLINED
        if event not in DELEGATION.allowed_events(delegation.state):
            # The court already took the case back (recalled, or the period ended): the withdrawal is on its
            # way to the organisation; the crossing answer is kept in the story and changes nothing.
            case_event(case, payload.answered_by, f"{delegation.organisation.name}在{act}收回后答复{verb}，未予处理")
            record(message.peer.name, "delegation.answer_ignored", delegation, case=case, after={"answer": verb})
            continue
        before = {"state": case.state, "delegation_state": delegation.state}
        transition(delegation, event, DELEGATION)
        delegation.answered_at, delegation.answered_by = payload.answered_at, payload.answered_by
        if payload.accepted:
            case.save(update_fields=transition(case, CourtEvent.ACCEPTED))
            case_event(case, payload.answered_by, f"{delegation.organisation.name}接受{act}")
        else:
            delegation.decline_reason = payload.reason
            case.save(update_fields=transition(case, CourtEvent.DECLINED))
            case_event(case, payload.answered_by, f"{delegation.organisation.name}不予接受{act}：{payload.reason}")
        delegation.save(update_fields=["state", "answered_at", "answered_by", "decline_reason"])
        record(
            message.peer.name,
            "delegation.answer",
            delegation,
            case=case,
            before=before,
            after={"state": case.state, "delegation_state": delegation.state, "reason": payload.reason},
        )


@transaction.atomic
def on_mediator_assigned(items) -> None:
    """MEDIATOR_ASSIGNED: who mediates. If the parties had chosen a mediator and the organisation assigned
    another, it says why (《人民法院在线调解规则》Art. 10 ¶2): the case page shows it."""
    for message, payload in items:
        delegation = _delegation_for_update(payload.delegation_id, message.peer)
        reason = payload.choice_declined_reason.strip()
        before = {"mediator": delegation.mediator_name, "choice_declined_reason": delegation.choice_declined_reason}
        delegation.mediator_name, delegation.mediator_assigned_at = payload.mediator_name, payload.assigned_at
        delegation.choice_declined_reason = reason
        delegation.save(update_fields=["mediator_name", "mediator_assigned_at", "choice_declined_reason"])
        index_cases([delegation.case_id])
        text = f"{delegation.organisation.name}指派调解员：{payload.mediator_name}"
        if payload.change_reason:
            text = f"{delegation.organisation.name}更换调解员为{payload.mediator_name}（{payload.change_reason}）"
        if reason:
            text += f"（未指派当事人选定的调解员：{reason}）"
        case_event(delegation.case, SYSTEM, text[:500])
        record(
            message.peer.name,
            "delegation.mediator_assigned",
            delegation,
            case=delegation.case_id,
            before=before,
            after={"mediator": payload.mediator_name, "choice_declined_reason": reason},
        )


@transaction.atomic
def on_mediation_result(items) -> None:
    """MEDIATION_RESULT: succeeded (the case closes; judicial confirmation and 调解书 come in a later issue),
    failed (back to staff to file or resume trial, L17), or withdrawn by the applicant (the case closes
    without filing, 《人民法院在线调解规则》Art. 25)."""
    for message, payload in items:
        delegation = _delegation_for_update(payload.delegation_id, message.peer)
        case = Case.objects.select_for_update().get(pk=delegation.case_id)
        if DelegationEvent.CONCLUDED not in DELEGATION.allowed_events(delegation.state):
            case_event(case, SYSTEM, f"收到{delegation.organisation.name}对非调解中案件的结果，未予处理")
            record(
                message.peer.name,
                "delegation.result_ignored",
                delegation,
                case=case,
                after={"outcome": payload.outcome},
            )
            continue
        before = {"state": case.state, "delegation_state": delegation.state}
        transition(delegation, DelegationEvent.CONCLUDED, DELEGATION)
        delegation.outcome, delegation.terms = payload.outcome, payload.terms
        delegation.outcome_reason, delegation.concluded_at = payload.reason, payload.concluded_at
        delegation.termination_ground = payload.ground or ""
        # The failure record (L17) is what the court receives of a failed mediation; never its caucus.
        delegation.failure_record = payload.failure_record.model_dump(mode="json") if payload.failure_record else {}
        delegation.save(
            update_fields=[
                "state",
                "outcome",
                "terms",
                "outcome_reason",
                "concluded_at",
                "termination_ground",
                "failure_record",
            ]
        )
        case.save(update_fields=transition(case, _RESULT_EVENTS[MediationOutcome(payload.outcome)]))
        text = f"调解结果：{MediationOutcome(payload.outcome).label}"
        if payload.ground and payload.outcome == MediationOutcome.FAILED:
            text += f"，终结事由：{TerminationGround(payload.ground).label}"
        actor = delegation.mediator_name or delegation.organisation.name
        case_event(case, actor, text + (f"（{payload.reason}）" if payload.reason else ""))
        record(
            message.peer.name,
            "delegation.result",
            delegation,
            case=case,
            before=before,
            after={"state": case.state, "delegation_state": delegation.state, "outcome": payload.outcome},
        )


# A result may be corrected while the court has not acted on it: after filing or resuming the trial, the record the
# court acted on stays as it was (issue 15 §4).
_RESULT_CORRECTABLE = frozenset({CourtState.SUCCEEDED, CourtState.FAILED, CourtState.WITHDRAWN})


@transaction.atomic
def on_result_corrected(items) -> None:
    """RESULT_CORRECTED: the mediator corrected a result recorded by mistake, within the window (issue 15 §4):
    the delegation's record of the result follows and the case's story says who corrected what and why. Refused
    for good once the court has acted on the result (filed the case, resumed the trial) or the outcome differs."""
    for message, payload in items:
        delegation = _delegation_for_update(payload.delegation_id, message.peer)
        case = Case.objects.select_for_update().get(pk=delegation.case_id)
        if case.state not in _RESULT_CORRECTABLE or delegation.state != DelegationState.CONCLUDED:
            raise Rejected(
                "case_moved_on",
                f"法院已据调解结果办理（{court_state_label(case.state, case.stage)}），不能更正调解结果",
                final=True,
            )
        if payload.outcome != delegation.outcome:
            raise Rejected("outcome_changed", "更正不能改变调解结果", final=True)
        delegation.terms, delegation.outcome_reason = payload.terms, payload.result_reason
        delegation.termination_ground = payload.ground or ""
        delegation.failure_record = payload.failure_record.model_dump(mode="json") if payload.failure_record else {}
        delegation.save(update_fields=["terms", "outcome_reason", "termination_ground", "failure_record"])
        whats = "、".join(c.what for c in payload.changes)
        case_event(case, payload.corrected_by, f"调解组织更正调解结果（{whats}）：{payload.reason}"[:500])
        record(
            message.peer.name,
            "delegation.result_corrected",
            delegation,
            case=case,
            after={"reason": payload.reason, "changes": [c.model_dump(mode="json") for c in payload.changes]},
        )


# --- the mediation's progress (issue 10 item 6): steps on the case's story, never its secrets ---

_PERIOD_STEPS = {
    PeriodStep.STARTED: "调解期限起算",
    PeriodStep.EXTENDED: "经各方当事人同意，调解期限延长",
    PeriodStep.PAUSED: "鉴定评估开始，调解期限暂停计算",
    PeriodStep.RESUMED: "鉴定评估结束，调解期限恢复计算",
}
_SESSION_MODES = {"online": "在线", "on_site": "现场", "phone": "电话"}


@transaction.atomic
def on_mediation_period(items) -> None:
    """MEDIATION_PERIOD: the period started on acceptance, was extended with every party's consent, or stopped
    for an appraisal (《人民法院在线调解规则》Art. 24, 26; L6)."""
    for message, payload in items:
        delegation = _delegation_for_update(payload.delegation_id, message.peer)
        before = {"mediation_due": delegation.mediation_due}
        delegation.mediation_due = payload.due
        delegation.save(update_fields=["mediation_due"])
        text = _PERIOD_STEPS[payload.step]
        if payload.due:
            text += f"，至{cn_date(payload.due)}届满" + ("（暂定）" if payload.provisional else "")
        case_event(delegation.case, delegation.organisation.name, text)
        record(
            message.peer.name,
            "delegation.mediation_period",
            delegation,
            case=delegation.case_id,
            before=before,
            after={"step": payload.step, "mediation_due": payload.due},
        )


@transaction.atomic
def on_mediation_session(items) -> None:
    """MEDIATION_SESSION: a session scheduled (time, mode, who was invited) or held (who attended)."""
    for message, payload in items:
        delegation = _delegation_for_update(payload.delegation_id, message.peer)
        when = timezone.localtime(payload.starts_at).strftime("%Y-%m-%d %H:%M")
        mode = _SESSION_MODES[payload.mode]
        if payload.step == SessionStep.SCHEDULED:
            text = f"安排{mode}调解：{when}，邀请{'、'.join(payload.invited)}"
        else:
            text = f"{mode}调解已举行（{when}），出席：{'、'.join(payload.attended) or '无'}"
        case_event(delegation.case, delegation.mediator_name or delegation.organisation.name, text[:500])
        record(
            message.peer.name,
            "delegation.mediation_session",
            delegation,
            case=delegation.case_id,
            after={"step": payload.step, "session": str(payload.session_id), "attended": payload.attended},
        )


@transaction.atomic
def on_mediator_recusal(items) -> None:
    """MEDIATOR_RECUSAL: a party asked for the mediator's recusal or a change, or the organisation decided it
    (《人民法院在线调解规则》Art. 13, 14; L9)."""
    kinds = {"recusal": "申请调解员回避", "change": "申请更换调解员"}
    for message, payload in items:
        delegation = _delegation_for_update(payload.delegation_id, message.peer)
        if payload.step == RecusalStep.REQUESTED:
            text = f"{payload.party}{kinds[payload.kind]}（{payload.mediator_name}）：{payload.reason}"
        else:
            text = f"{delegation.organisation.name}对{payload.party}的{kinds[payload.kind]}决定：" + (
                f"{RecusalDecision(payload.decision).label}（{payload.decision_reason}）"
            )
        case_event(delegation.case, SYSTEM, text[:500])
        record(
            message.peer.name,
            "delegation.mediator_recusal",
            delegation,
            case=delegation.case_id,
            after={"step": payload.step, "kind": payload.kind, "decision": payload.decision},
        )


_TERM_STATUS = {
    "pending": "待履行",
    "reported": "义务人已报告履行，待权利人确认",
    "performed": "已履行",
    "overdue": "逾期未履行",
}
_AGREEMENT_STEPS = {
    AgreementStep.EFFECTIVE: "调解协议（第{v}版）经各方当事人签署生效",
    AgreementStep.PERFORMANCE: "调解协议履行情况更新",
    AgreementStep.OVERDUE: "调解协议有履行条款逾期未履行",
}


@transaction.atomic
def on_agreement_status(items) -> None:
    """AGREEMENT_STATUS: the agreement of a delegated case took effect (L10), and how each term is performed
    (《人民法院在线调解规则》Art. 19 ¶2, 20): the case's story shows each term's status. The signed PDF is named by
    its hash; it does not travel in the message."""
    for message, payload in items:
        delegation = _delegation_for_update(payload.delegation_id, message.peer)
        lines = [
            f"{t.position}. {t.obligor}→{t.obligee}：{t.description or ('给付' if t.kind == 'payment' else '履行')}"
            + (f" {t.amount:,.2f}元" if t.amount is not None else "")
            + f"，{cn_date(t.due)}前 · {_TERM_STATUS[t.status]}"
            for t in payload.terms
        ]
        text = _AGREEMENT_STEPS[payload.step].format(v=payload.version) + ("：" + "；".join(lines) if lines else "")
        case_event(delegation.case, delegation.organisation.name, text[:500])
        if payload.step == AgreementStep.EFFECTIVE:
            # What a 调解书 is made from (L15): the version in force, by its hash, and its terms.
            delegation.agreement_sha256, delegation.agreement_version = payload.sha256, payload.version
            delegation.agreement_terms = [t.model_dump(mode="json") for t in payload.terms]
            delegation.agreement_effective_at = payload.at
            delegation.save(
                update_fields=["agreement_sha256", "agreement_version", "agreement_terms", "agreement_effective_at"]
            )
        record(
            message.peer.name,
            "delegation.agreement_status",
            delegation,
            case=delegation.case_id,
            after={
                "step": payload.step,
                "agreement": str(payload.agreement_id),
                "version": payload.version,
                "sha256": payload.sha256,
                "terms": {str(t.position): t.status for t in payload.terms},
            },
        )


def on_confirmation_applied(items) -> None:
    """CONFIRMATION_APPLIED: the parties' joint online application for judicial confirmation (L11). What the
    message decides is checked here and refused for good, with its citation, when it fails (out of the 30 days,
    a court not competent); the agreement itself is fetched by its hash afterwards, outside this transaction
    (confirmation.fetch_online_applications): the inbox holds the case's cursor while a handler runs."""
    for message, payload in items:
        try:
            confirmation.take_online_application(message.peer, payload, message.received_at)
        except DomainError as refused:
            raise Rejected("confirmation_refused", refused.message, final=True) from refused


# --- the roster: the registry's cards, kept current (a card older than what we hold changes nothing) ---


def _apply_organisation(card: OrganisationCard, peer) -> Organisation:
    """The registry's card of an organisation, from the peer whose registry holds it (and no other)."""
    org = Organisation.objects.select_for_update().filter(pk=card.organisation_id).first()
    if org is not None and org.peer_id != peer.pk:
        raise wrong_peer(f"调解组织 {card.organisation_id}", peer)
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
    mediator = Mediator.objects.select_for_update().select_related("organisation").filter(pk=card.mediator_id).first()
    if mediator is not None and mediator.organisation.peer_id != organisation.peer_id:
        raise wrong_peer(f"调解员 {card.mediator_id}", organisation.peer)
    if mediator is not None and mediator.registry_version >= card.version:
        # The training figure moves without the registry record (a course completed, the window sliding on).
        _apply_training(mediator, card)
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
    _apply_training(mediator, card)
    return mediator


def _apply_training(mediator: Mediator, card: MediatorCard) -> None:
    """Keep the card's training figure (issue 13 §6) unless the court holds one counted later: a card without it
    (an older message) leaves the figure the court has."""
    training = card.training
    if training is None or (mediator.training_end is not None and mediator.training_end > training.end):
        return
    fields = {
        "training_recent_hours": training.hours,
        "training_required": training.required,
        "training_start": training.start,
        "training_end": training.end,
        "training_met": training.met,
    }
    Mediator.objects.filter(pk=mediator.pk).update(**fields)
    for name, value in fields.items():
        setattr(mediator, name, value)


@transaction.atomic
def on_roster_proposed(items) -> None:
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
        proposal = RosterProposal.objects.create(
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
        roster_event(court.pk if court else None, payload.proposed_by, f"推送{subject}，待确认")
        record(message.peer.name, "roster.proposed", proposal, after={"state": proposal.state, "subject": subject})


@transaction.atomic
def on_roster_changed(items) -> None:
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
        standing = entries.standing()
        # Withdrawn from pending (a push, or a request to take over a higher court's entry awaiting the subject's
        # consent) is the proposal machine's WITHDRAW step, applied as one statement.
        withdrawable = [s for (s, e) in COURT_PROPOSAL.transitions if e == CourtProposalEvent.WITHDRAW]
        pending = proposals.filter(state__in=withdrawable)
        courts = set(standing.values_list("court_id", flat=True)) | set(pending.values_list("court_id", flat=True))
        removed_ids = list(standing.values_list("pk", flat=True))
        withdrawn_ids = list(pending.values_list("pk", flat=True))
        standing.update(removed_at=now, removed_reason=reason[:500])
        pending.update(state=CourtProposalState.WITHDRAWN, reason=reason[:2000])
        for court_id in courts:
            roster_event(court_id, SYSTEM, f"{subject}已移出特邀调解名册：{reason}")
        record(
            message.peer.name,
            "roster.changed",
            mediator or organisation,
            after={"removed_entries": removed_ids, "withdrawn_proposals": withdrawn_ids, "reason": reason},
        )


def _adoption_for_update(proposal_id) -> RosterProposal | None:
    return (
        RosterProposal.objects.select_for_update(of=("self",))
        .select_related("organisation", "mediator", "adopted_from__court", "requested_by")
        .filter(pk=proposal_id, adopted_from__isnull=False)
        .first()
    )


@transaction.atomic
def on_roster_adoption_answer(items) -> None:
    """ROSTER_ADOPTION_ANSWER: the organisation or mediator a court asked to take over from a higher court's
    roster answered (《人民法院在线调解规则》Art. 27 ¶2; LEGAL-RULES L23). Consent puts it on the court's roster
    for the period asked, confirmed by the admin who asked, at the time of the consent; a refusal ends the
    request as not confirmed, with the subject's reason."""
    for message, payload in items:
        proposal = _adoption_for_update(payload.proposal_id)
        if proposal is None:
            raise Rejected("unknown_adoption", f"本平台没有标识为 {payload.proposal_id} 的沿用名册请求", final=True)
        if proposal.organisation.peer_id != message.peer_id:
            raise wrong_peer(f"沿用名册请求 {payload.proposal_id}", message.peer)
        event = CourtProposalEvent.SUBJECT_CONSENTED if payload.consented else CourtProposalEvent.SUBJECT_REFUSED
        if event not in COURT_PROPOSAL.allowed_events(proposal.state):
            # Withdrawn meanwhile (the subject was suspended or left): the answer changes nothing.
            record(message.peer.name, "roster.adoption_answer_ignored", proposal, after={"state": proposal.state})
            continue
        before = {"state": proposal.state}
        subject, source = proposal.mediator or proposal.organisation, proposal.adopted_from
        transition(proposal, event, COURT_PROPOSAL)
        proposal.decided_at = payload.answered_at
        after = {"state": proposal.state, "answered_by": payload.answered_by, "consented": payload.consented}
        if payload.consented:
            proposal.decided_by = proposal.requested_by
            proposal.save(update_fields=["state", "decided_by", "decided_at"])
            entry = put_on_roster(
                proposal, proposal.valid_from, proposal.valid_until, proposal.requested_by, payload.answered_at
            )
            roster_event(
                proposal.court_id,
                payload.answered_by,
                f"经{subject}同意，将{source.court}名册中的{subject}确认为本院特邀"
                f"（有效期至{proposal.valid_until:%Y年%m月%d日}）",
            )
            after |= {"entry": entry.pk, "valid_from": proposal.valid_from, "valid_until": proposal.valid_until}
        else:
            proposal.reason = payload.reason[:2000]
            proposal.save(update_fields=["state", "decided_at", "reason"])
            roster_event(
                proposal.court_id, payload.answered_by, f"{subject}不同意本院沿用{source.court}名册：{payload.reason}"
            )
            after["reason"] = payload.reason
        record(
            message.peer.name,
            "roster.adoption_consented" if payload.consented else "roster.adoption_refused",
            proposal,
            before=before,
            after=after,
        )


@transaction.atomic
def on_roster_adoption_request_parked(messages) -> None:
    """The investor platform refused our ROSTER_ADOPTION_REQUESTED for good (e.g. it knows no such push, or the
    subject is no longer active): nobody can consent, so the request ends as not confirmed, with the refusal."""
    for message in messages:
        proposal = _adoption_for_update(message.payload["proposal_id"])
        if proposal is None or CourtProposalEvent.REQUEST_REFUSED not in COURT_PROPOSAL.allowed_events(proposal.state):
            continue
        before = {"state": proposal.state}
        transition(proposal, CourtProposalEvent.REQUEST_REFUSED, COURT_PROPOSAL)
        proposal.decided_at, proposal.reason = timezone.now(), f"调解平台拒收：{message.last_error}"[:2000]
        proposal.save(update_fields=["state", "decided_at", "reason"])
        roster_event(proposal.court_id, SYSTEM, f"请求沿用{proposal}未被调解平台接收：{proposal.reason}")
        record(
            message.peer.name,
            "roster.adoption_request_refused",
            proposal,
            before=before,
            after={"state": proposal.state, "reason": proposal.reason},
        )
