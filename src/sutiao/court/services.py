"""Every change on the court platform: one function per user-visible action, one transaction each; the
docking message a change causes is written in the same transaction (DESIGN.md §3)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case as DbCase
from django.db.models import F, Value, When
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import Role, User
from sutiao.docking import outbox
from sutiao.docking.models import OutboxMessage
from sutiao.docking.schemas import Claim as ClaimSchema
from sutiao.docking.schemas import Consent as ConsentSchema
from sutiao.docking.schemas import DelegatePayload, DelegationWithdrawnPayload
from sutiao.docking.schemas import Party as PartySchema
from sutiao.kernel.calendar import Deadline, china_date, cn_date
from sutiao.kernel.enums import CaseStage, ConsentMethod, DisputeType, MediationOutcome, PartyKind, PartyRole
from sutiao.kernel.errors import DomainError
from sutiao.kernel.rules import APPOINTMENT_PERIOD, JOINT_CHOICE_PERIOD
from sutiao.kernel.workflow import COURT, CourtEvent, CourtState, back_to_court_event
from sutiao.workdays.selectors import answer_deadline, calendar, period_from

from .models import (
    Case,
    CaseEvent,
    CaseNumberCounter,
    ChoiceBy,
    Claim,
    Consent,
    Delegation,
    DelegationState,
    Mediator,
    Organisation,
    Party,
)
from .selectors import mediator_on_roster, organisation_on_roster

COURT_ROLES = {Role.FILING_STAFF, Role.JUDGE, Role.COURT_ADMIN}
SYSTEM = "系统"


def ensure_court_staff(user: User, case: Case | None = None) -> None:
    """Staff of court X act only on court X's cases."""
    if not user.is_authenticated or user.role not in COURT_ROLES or user.institution_id is None:
        raise PermissionDenied(gettext("仅法院工作人员可进行此操作"))
    if case is not None and case.court_id != user.institution_id:
        raise PermissionDenied(gettext("无权处理其他法院的案件"))


def _event(case: Case, actor, text: str) -> None:
    CaseEvent.objects.create(case=case, actor=str(actor), text=text)


def _transition(case: Case, event: CourtEvent) -> None:
    case.state = COURT.next_state(case.state, event)
    if case.state in (CourtState.FILED, CourtState.TRIAL_RESUMED):
        case.closed_at = timezone.now()
    case.save(update_fields=["state", "closed_at"])


@dataclass(frozen=True)
class PartyInput:
    role: PartyRole
    kind: PartyKind
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class ClaimInput:
    text: str
    amount: Decimal | None = None


def _next_number(court, stage: CaseStage) -> str:
    # 案号 as the court writes it, e.g. (2026)京0105民诉前调12345号.
    year = timezone.localdate().year
    counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(court=court, year=year, kind="民诉前调")
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"({year}){court.short_code}民诉前调{counter.last}号"


@transaction.atomic
def register_case(
    actor: User,
    *,
    stage: CaseStage,
    dispute_type: DisputeType,
    amount: Decimal,
    parties: list[PartyInput],
    claims: list[ClaimInput],
    facts: str = "",
    litigation_number: str = "",
) -> Case:
    """Filing staff register a party's application for mediation (typed in, or through the API)."""
    ensure_court_staff(actor)
    court = actor.institution
    if amount < 0:
        raise DomainError(gettext("标的额不能为负数"), field="amount")
    if not any(p.role == PartyRole.APPLICANT for p in parties) or not any(
        p.role == PartyRole.RESPONDENT for p in parties
    ):
        raise DomainError(gettext("至少需要一名申请人和一名被申请人"), field="parties")
    names = [p.name.strip() for p in parties]
    if any(not n for n in names):
        raise DomainError(gettext("当事人姓名/名称不能为空"), field="parties")
    if len(set(names)) != len(names):
        raise DomainError(gettext("同一案件中当事人姓名/名称不能重复"), field="parties")
    if not claims or any(not c.text.strip() for c in claims):
        raise DomainError(gettext("至少需要一项请求事项，且请求事项不能为空"), field="claims")
    if stage == CaseStage.IN_LITIGATION:
        number = litigation_number.strip()
        if not number:
            raise DomainError(gettext("诉中委托调解须填写本案案号"), field="litigation_number")
        if Case.objects.filter(number=number).exists():
            raise DomainError(gettext("案号 %(number)s 已登记") % {"number": number}, field="litigation_number")
    else:
        if not court.short_code:
            raise DomainError(gettext("本院未设置案号代字，请联系管理员"))
        number = _next_number(court, stage)
    case = Case.objects.create(
        court=court,
        number=number,
        stage=stage,
        dispute_type=dispute_type,
        facts=facts,
        amount=amount,
        registered_by=actor,
    )
    Party.objects.bulk_create([Party(case=case, **{**p.__dict__, "name": p.name.strip()}) for p in parties])
    Claim.objects.bulk_create([Claim(case=case, text=c.text.strip(), amount=c.amount) for c in claims])
    _event(case, actor, f"登记调解申请（{CaseStage(stage).label}，{DisputeType(dispute_type).label}）")
    return case


@transaction.atomic
def ask_consent(actor: User, case: Case) -> Case:
    """征求当事人调解意见 (notice §4(5); 《人民法院在线调解规则》Art. 4; LEGAL-RULES L1)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    ensure_court_staff(actor, case)
    _transition(case, CourtEvent.ASK_CONSENT)
    case.consent_asked_at = timezone.now()
    case.save(update_fields=["consent_asked_at"])
    _event(case, actor, "征求各方当事人调解意见")
    return case


def latest_consents(case: Case) -> dict[int, Consent]:
    latest: dict[int, Consent] = {}
    for consent in sorted(case.consents.all(), key=lambda c: (c.recorded_at, c.pk)):
        latest[consent.party_id] = consent
    return latest


def missing_consent(case: Case) -> list[Party]:
    latest = latest_consents(case)
    return [p for p in case.parties.all() if p.pk not in latest or not latest[p.pk].consented]


@transaction.atomic
def record_consent(
    actor: User,
    case: Case,
    party: Party,
    *,
    consented: bool,
    method: ConsentMethod,
    answered_at: dt.datetime,
    note: str = "",
) -> Consent:
    """Record a party's answer (who, how, when). Consent is never presumed (LEGAL-RULES L1)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    ensure_court_staff(actor, case)
    if case.state not in (CourtState.AWAITING_CONSENT, CourtState.CONSENTED, CourtState.RETURNED):
        raise DomainError(gettext("当前阶段不能记录调解意见"))
    if party.case_id != case.pk:
        raise DomainError(gettext("该当事人不属于本案"), field="party")
    if answered_at > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError(gettext("表示意见的时间不能晚于现在"), field="answered_at")
    consent = Consent.objects.create(
        case=case,
        party=party,
        consented=consented,
        method=method,
        answered_at=answered_at,
        note=note,
        recorded_by=actor,
    )
    _event(case, actor, f"记录{party.name}{'同意' if consented else '不同意'}调解（{ConsentMethod(method).label}）")
    if case.state == CourtState.AWAITING_CONSENT and not missing_consent(case):
        _transition(case, CourtEvent.ALL_CONSENTED)
        # The parties' 2 working days to choose jointly run from here (LEGAL-RULES L3).
        case.consented_at = timezone.now()
        case.save(update_fields=["consented_at"])
        _event(case, SYSTEM, "各方当事人均同意调解，可以共同选择调解组织，或由法院指定后委派/委托")
    return consent


def _payload_for(case: Case, delegation: Delegation) -> DelegatePayload:
    latest = latest_consents(case)
    names = {p.pk: p.name for p in case.parties.all()}
    return DelegatePayload(
        delegation_id=delegation.id,
        kind=delegation.kind,
        court_case_number=case.number,
        court_id=case.court_id,
        court_name=case.court.name,
        organisation_id=delegation.organisation_id,
        dispute_type=case.dispute_type,
        facts=case.facts,
        claims=[ClaimSchema(text=c.text, amount=c.amount) for c in case.claims.all()],
        amount=case.amount,
        parties=[
            PartySchema(role=p.role, kind=p.kind, name=p.name, id_number=p.id_number, phone=p.phone, address=p.address)
            for p in case.parties.all()
        ],
        consent=[
            ConsentSchema(
                party=names[c.party_id],
                consented=c.consented,
                method=c.method,
                recorded_at=c.answered_at,
                recorded_by=c.recorded_by.display_name,
                note=c.note,
            )
            for c in latest.values()
        ],
        delegated_at=delegation.sent_at,
        mediator_id=case.chosen_mediator_id
        if case.chosen_by == ChoiceBy.PARTIES and case.chosen_organisation_id == delegation.organisation_id
        else None,
    )


def delegate_case(actor: User, case: Case, organisation: Organisation) -> Delegation:
    """委派 (pre-filing) or 委托 (in litigation) the case to an organisation, through the docking."""
    return delegate_cases(actor, [case.pk], organisation)[0]


@transaction.atomic
def delegate_cases(actor: User, case_ids: list, organisation: Organisation) -> list[Delegation]:
    """Delegate many cases at once to one organisation — a representative action's tens of thousands of
    investors (康美药业: 52,037). All or none: if any case may not be delegated, none is, and the message
    names every case that stands in the way."""
    cases = list(
        Case.objects.select_for_update()
        .filter(pk__in=case_ids)
        .select_related("court")
        .prefetch_related("parties", "claims", "consents__recorded_by", "delegations")
        .order_by("registered_at")
    )
    if len(cases) != len(set(case_ids)):
        raise DomainError(gettext("部分案件不存在"))
    ensure_court_staff(actor)
    for case in cases:
        ensure_court_staff(actor, case)
    if not organisation_on_roster(actor.institution_id, organisation.pk):
        # Only to the court's confirmed invited roster (notice §4(4)(5); 特邀调解规定 Art. 5; LEGAL-RULES L2).
        raise DomainError(
            gettext("%(organisation)s不在本院特邀调解名册中，或已暂停、退出或超过有效期，不能委派/委托")
            % {"organisation": organisation.name},
            field="organisation",
        )
    problems = []
    for case in cases:
        missing = missing_consent(case)
        if missing:
            # 人民法院在委派、委托案件前，应当征求当事人同意 (notice §4(5); LEGAL-RULES L1).
            names = "、".join(p.name for p in missing)
            problems.append(
                (case.number, gettext("未取得以下当事人同意调解的意见，不能委派/委托：%(names)s") % {"names": names})
            )
        elif (case.state, CourtEvent.DELEGATE) not in COURT.transitions:
            state = gettext(case.get_state_display())
            problems.append((case.number, gettext("案件当前状态（%(state)s）不能委派/委托") % {"state": state}))
        elif _parties_chose_another(case, organisation):
            problems.append(
                (
                    case.number,
                    gettext("当事人已共同选择%(chosen)s，应委派至该组织") % {"chosen": case.chosen_organisation.name},
                )
            )
        elif any(
            d.organisation_id == organisation.pk and d.state == DelegationState.DECLINED for d in case.delegations.all()
        ):
            problems.append(
                (
                    case.number,
                    gettext("%(organisation)s已拒绝过本案，请选择其他调解组织") % {"organisation": organisation.name},
                )
            )
    if len(cases) == 1 and problems:
        raise DomainError(problems[0][1])
    if problems:
        listed = gettext("；").join(
            gettext("%(number)s：%(problem)s") % {"number": n, "problem": t} for n, t in problems[:20]
        )
        raise DomainError(
            gettext("%(count)s 件案件不能委派，均未委派：%(listed)s") % {"count": len(problems), "listed": listed}
        )
    now = timezone.now()
    delegations = Delegation.objects.bulk_create(
        [
            Delegation(case=c, organisation=organisation, kind=c.delegation_kind, sent_by=actor, sent_at=now)
            for c in cases
        ],
        batch_size=1000,
    )
    by_next_state: dict[str, list] = {}
    for case in cases:
        case.state = COURT.next_state(case.state, CourtEvent.DELEGATE)
        by_next_state.setdefault(case.state, []).append(case.pk)
    for state, ids in by_next_state.items():
        Case.objects.filter(pk__in=ids).update(state=state)
    outbox.send_many(
        organisation.peer, "DELEGATE", [(c.id, _payload_for(c, d)) for c, d in zip(cases, delegations, strict=True)]
    )
    CaseEvent.objects.bulk_create(
        [CaseEvent(case=c, actor=str(actor), text=f"{c.delegation_kind.label}至{organisation.name}") for c in cases],
        batch_size=1000,
    )
    return delegations


def _parties_chose_another(case: Case, organisation: Organisation) -> bool:
    """The parties' joint choice binds the court (《人民法院在线调解规则》Art. 10; LEGAL-RULES L3) until the
    organisation they chose has declined or let the period pass; then the court or the parties choose again."""
    if case.chosen_by != ChoiceBy.PARTIES or case.chosen_organisation_id in (None, organisation.pk):
        return False
    return not any(
        d.organisation_id == case.chosen_organisation_id
        and d.state in (DelegationState.DECLINED, DelegationState.OVERDUE, DelegationState.RECALLED)
        for d in case.delegations.all()
    )


CHOOSING_STATES = (CourtState.CONSENTED, CourtState.RETURNED)


@transaction.atomic
def record_joint_choice(actor: User, case: Case, organisation: Organisation, mediator: Mediator | None = None) -> Case:
    """The parties jointly chose an organisation (and perhaps a mediator) from the court's roster
    (《人民法院在线调解规则》Art. 10 ¶2; LEGAL-RULES L3). Staff record it; the delegation goes there."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    ensure_court_staff(actor, case)
    if case.state not in CHOOSING_STATES:
        raise DomainError(gettext("各方当事人同意调解后，才能记录共同选择"))
    if not organisation_on_roster(case.court_id, organisation.pk):
        raise DomainError(gettext("当事人只能在本院特邀调解名册中选择调解组织"), field="organisation")
    if mediator is not None and (
        mediator.organisation_id != organisation.pk or not mediator_on_roster(case.court_id, mediator.pk)
    ):
        raise DomainError(gettext("所选调解员不在本院特邀调解名册中，或不属于所选调解组织"), field="mediator")
    case.chosen_by, case.chosen_organisation, case.chosen_mediator = ChoiceBy.PARTIES, organisation, mediator
    case.chosen_at = timezone.now()
    case.save(update_fields=["chosen_by", "chosen_organisation", "chosen_mediator", "chosen_at"])
    chosen = organisation.name + (f"、调解员{mediator.name}" if mediator else "")
    _event(case, actor, f"当事人共同选择：{chosen}")
    return case


@transaction.atomic
def record_appointment_request(actor: User, case: Case) -> Case:
    """The parties ask the court to appoint (《人民法院在线调解规则》Art. 10 ¶2): the court appoints within 3
    working days of the application."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    ensure_court_staff(actor, case)
    if case.state not in CHOOSING_STATES:
        raise DomainError(gettext("各方当事人同意调解后，才能记录由法院指定"))
    case.chosen_by, case.chosen_organisation, case.chosen_mediator = ChoiceBy.COURT, None, None
    case.chosen_at = timezone.now()
    case.save(update_fields=["chosen_by", "chosen_organisation", "chosen_mediator", "chosen_at"])
    _event(case, actor, "当事人同意由法院指定调解组织")
    return case


@dataclass(frozen=True)
class ChoiceDeadlines:
    """The two L3 periods of a case, each with its rule; `missed_*` when the period ended with nothing done."""

    joint_choice: Deadline | None
    appointment: Deadline
    missed_joint_choice: bool
    missed_appointment: bool


def choice_deadlines(case: Case, now: dt.datetime | None = None) -> ChoiceDeadlines:
    now = now or timezone.now()
    cal = calendar()
    joint = period_from(case.consented_at, JOINT_CHOICE_PERIOD, cal) if case.consented_at else None
    appointment = period_from(case.registered_at, APPOINTMENT_PERIOD, cal)
    delegated = case.state not in (CourtState.APPLIED, CourtState.AWAITING_CONSENT, CourtState.CONSENTED)
    return ChoiceDeadlines(
        joint_choice=joint,
        appointment=appointment,
        missed_joint_choice=bool(joint and not case.chosen_by and not delegated and joint.is_overdue(now)),
        missed_appointment=not delegated and case.state == CourtState.CONSENTED and appointment.is_overdue(now),
    )


@transaction.atomic
def recall_delegation(actor: User, case: Case, reason: str) -> Delegation:
    """The court recalls a delegation (e.g. parties settled, or it goes to another organisation)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    ensure_court_staff(actor, case)
    if not reason.strip():
        raise DomainError(gettext("请填写撤回理由"), field="reason")
    delegation = case.current_delegation
    _transition(case, CourtEvent.RECALL)
    delegation.state, delegation.recall_reason = DelegationState.RECALLED, reason.strip()
    delegation.save(update_fields=["state", "recall_reason"])
    outbox.send(
        delegation.organisation.peer,
        "DELEGATION_WITHDRAWN",
        case.id,
        DelegationWithdrawnPayload(delegation_id=delegation.id, reason=reason.strip(), withdrawn_at=timezone.now()),
    )
    _event(case, actor, f"撤回对{delegation.organisation.name}的{delegation.get_kind_display()}：{reason.strip()}")
    return delegation


@transaction.atomic
def send_back_to_court(actor: User, case: Case) -> Case:
    """Mediation will not happen or did not succeed: file the case (委派) or resume trial (委托)
    (notice §4(5); 《人民法院在线调解规则》Art. 21; LEGAL-RULES L17)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    ensure_court_staff(actor, case)
    event = back_to_court_event(CaseStage(case.stage))
    _transition(case, event)
    _event(case, actor, "转立案" if event == CourtEvent.FILE_CASE else "恢复审理")
    return case


# --- what arrives through the docking ---


def _delegation_for_update(delegation_id) -> Delegation:
    return Delegation.objects.select_for_update().select_related("case", "organisation").get(pk=delegation_id)


@transaction.atomic
def record_delegations_received(receipts: list[tuple[OutboxMessage, dict]]) -> None:
    """The investor platform's signed receipts date each receipt; the answer period runs from that day
    (LEGAL-RULES L4). Receipts of one delivery share their time, so each group is one statement."""
    groups: dict[str, list[str]] = {}
    for message, receipt in receipts:
        groups.setdefault(receipt["received_at"], []).append(message.payload["delegation_id"])
    cal = calendar()
    events = []
    for when, ids in groups.items():
        received_at = dt.datetime.fromisoformat(when)
        deadline = answer_deadline(received_at, cal)
        pending = Delegation.objects.filter(pk__in=ids, received_at__isnull=True)
        rows = list(pending.values_list("case_id", "organisation__name"))
        pending.update(
            received_at=received_at,
            answer_due=deadline.due,
            answer_due_provisional=deadline.provisional,
            state=DbCase(When(state=DelegationState.SENT, then=Value(DelegationState.RECEIVED)), default=F("state")),
        )
        due = f"答复期限 {cn_date(deadline.due)}" + ("（暂定）" if deadline.provisional else "")
        events += [CaseEvent(case_id=case_id, actor=SYSTEM, text=f"{name}已收到，{due}") for case_id, name in rows]
    CaseEvent.objects.bulk_create(events, batch_size=500)


@transaction.atomic
def record_delegations_refused(messages: list[OutboxMessage]) -> None:
    """The investor platform refused delegations for good (e.g. the organisation is suspended there): each case
    goes back to staff to choose another organisation, as after a decline (LEGAL-RULES L4)."""
    for message in messages:
        delegation = _delegation_for_update(message.payload["delegation_id"])
        if delegation.state not in (DelegationState.SENT, DelegationState.RECEIVED):
            continue
        case = Case.objects.select_for_update().get(pk=delegation.case_id)
        reason = f"调解平台拒收：{message.last_error}"[:2000]
        delegation.state, delegation.decline_reason = DelegationState.DECLINED, reason
        delegation.save(update_fields=["state", "decline_reason"])
        _transition(case, CourtEvent.DECLINED)
        _event(case, SYSTEM, f"{delegation.organisation.name}：{reason}，案件退回待重新委派或立案")


@transaction.atomic
def record_answer(delegation_id, *, accepted: bool, reason: str, answered_at: dt.datetime, answered_by: str) -> None:
    delegation = _delegation_for_update(delegation_id)
    case = Case.objects.select_for_update().get(pk=delegation.case_id)
    verb = "接受" if accepted else "拒绝"
    if delegation.state not in (DelegationState.SENT, DelegationState.RECEIVED):
        # The court already took the case back (recalled, or the period ended): the withdrawal is on its
        # way to the organisation; the crossing answer is kept in the story and changes nothing.
        _event(case, answered_by, f"{delegation.organisation.name}在委派收回后答复{verb}，未予处理")
        return
    delegation.answered_at, delegation.answered_by = answered_at, answered_by
    if accepted:
        delegation.state = DelegationState.ACCEPTED
        _transition(case, CourtEvent.ACCEPTED)
        _event(case, answered_by, f"{delegation.organisation.name}接受{delegation.get_kind_display()}")
    else:
        delegation.state, delegation.decline_reason = DelegationState.DECLINED, reason
        _transition(case, CourtEvent.DECLINED)
        _event(case, answered_by, f"{delegation.organisation.name}拒绝{delegation.get_kind_display()}：{reason}")
    delegation.save(update_fields=["state", "answered_at", "answered_by", "decline_reason"])


@transaction.atomic
def record_mediator(delegation_id, *, mediator_name: str, assigned_at: dt.datetime) -> None:
    delegation = _delegation_for_update(delegation_id)
    delegation.mediator_name, delegation.mediator_assigned_at = mediator_name, assigned_at
    delegation.save(update_fields=["mediator_name", "mediator_assigned_at"])
    _event(delegation.case, SYSTEM, f"{delegation.organisation.name}指派调解员：{mediator_name}")


@transaction.atomic
def record_result(
    delegation_id, *, outcome: MediationOutcome, terms: str, reason: str, concluded_at: dt.datetime
) -> None:
    delegation = _delegation_for_update(delegation_id)
    case = Case.objects.select_for_update().get(pk=delegation.case_id)
    if delegation.state != DelegationState.ACCEPTED:
        _event(case, SYSTEM, f"收到{delegation.organisation.name}对非调解中委派的结果，未予处理")
        return
    delegation.state, delegation.outcome = DelegationState.CONCLUDED, outcome
    delegation.terms, delegation.outcome_reason, delegation.concluded_at = terms, reason, concluded_at
    delegation.save(update_fields=["state", "outcome", "terms", "outcome_reason", "concluded_at"])
    _transition(case, CourtEvent.SUCCEEDED if outcome == MediationOutcome.SUCCEEDED else CourtEvent.FAILED)
    text = f"调解结果：{MediationOutcome(outcome).label}"
    _event(case, delegation.mediator_name or delegation.organisation.name, text + (f"（{reason}）" if reason else ""))


@transaction.atomic
def flag_overdue_answers(now: dt.datetime | None = None) -> int:
    """Scheduled: a delegation unanswered when its period has ended (24:00 of the last day) goes back to
    staff for re-delegation or filing (notice §4(5); 《人民法院在线调解规则》Art. 12; LEGAL-RULES L4). Never on a
    provisional deadline (LEGAL-RULES L21): the withdrawal cannot be undone, and the State Council may still
    move that day; it waits until the year is loaded and the deadline recomputed."""
    now = now or timezone.now()
    flagged = 0
    cal = calendar()
    candidates = (
        Delegation.objects.select_for_update()
        .select_related("case", "organisation")
        .filter(state=DelegationState.RECEIVED, answer_due__lt=china_date(now))
    )
    for delegation in candidates:
        deadline = answer_deadline(delegation.received_at, cal)
        if deadline.provisional or not deadline.is_overdue(now):
            continue
        delegation.state = DelegationState.OVERDUE
        delegation.recall_reason = f"逾期未答复（答复期限 {cn_date(delegation.answer_due)}），法院收回"
        delegation.save(update_fields=["state", "recall_reason"])
        case = Case.objects.select_for_update().get(pk=delegation.case_id)
        _transition(case, CourtEvent.ANSWER_OVERDUE)
        # The organisation is told, so a late acceptance cannot leave the two platforms disagreeing.
        outbox.send(
            delegation.organisation.peer,
            "DELEGATION_WITHDRAWN",
            case.id,
            DelegationWithdrawnPayload(delegation_id=delegation.id, reason=delegation.recall_reason, withdrawn_at=now),
        )
        _event(case, SYSTEM, f"{delegation.organisation.name}{delegation.recall_reason}，案件退回待重新委派或立案")
        flagged += 1
    return flagged
