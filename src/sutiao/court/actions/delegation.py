"""Delegating a case (委派 before filing, 委托 in litigation) to an organisation on the court's roster, recalling
it, and taking back a delegation left unanswered (notice 四（五）; LEGAL-RULES L1, L2, L4)."""

import datetime as dt

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext

from sutiao import bulk
from sutiao.accounts.models import User
from sutiao.audit.log import SYSTEM, Entry, record, record_many
from sutiao.bulk import collector_paused
from sutiao.docking import outbox
from sutiao.docking.schemas import (
    CaseCorrectedPayload,
    Change,
    DelegatePayload,
    DelegationWithdrawnPayload,
    MessageType,
)
from sutiao.docking.schemas import Claim as ClaimSchema
from sutiao.docking.schemas import Consent as ConsentSchema
from sutiao.docking.schemas import Party as PartySchema
from sutiao.kernel.calendar import china_date, cn_date
from sutiao.kernel.enums import DelegationKind
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import COURT, DELEGATION, CourtEvent, DelegationEvent, DelegationState
from sutiao.listing import store_search_columns
from sutiao.workdays.selectors import answer_deadline, calendar
from sutiao.workdays.services import recompute_answer_deadlines

from .. import permissions
from ..models import Case, CaseEvent, CaseRevision, ChoiceBy, Delegation, Organisation
from ..search import case_search_columns
from ..selectors import joint_choice_running, latest_consents, missing_consent, organisation_on_roster
from .common import case_event, transition


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
        simple_procedure=case.simple_procedure,
        # The mediator the parties chose binds the organisation they chose (《人民法院在线调解规则》Art. 10 ¶2).
        mediator_id=case.chosen_mediator_id
        if case.chosen_by == ChoiceBy.PARTIES and case.chosen_organisation_id == delegation.organisation_id
        else None,
    )


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


def _act_name(case: Case) -> str:
    return "委派" if case.delegation_kind == DelegationKind.DELEGATION else "委托"


def delegate_case(actor: User, case: Case, organisation: Organisation) -> Delegation:
    """委派 (pre-filing) or 委托 (in litigation) the case to an organisation, through the docking."""
    return delegate_cases(actor, [case.pk], organisation)[0]


@collector_paused()
@transaction.atomic
def delegate_cases(actor: User, case_ids: list, organisation: Organisation) -> list[Delegation]:
    """Delegate many cases at once to one organisation — a representative action's tens of thousands of
    investors (康美药业: 52,037). All or none: if any case may not be delegated, none is, and the message
    names every case that stands in the way. One audit record per case."""
    cases = list(
        # Only the cases are locked: the joined court and chosen organisation are read, not changed.
        Case.objects.select_for_update(of=("self",))
        .filter(pk__in=case_ids)
        .select_related("court", "chosen_organisation", "chosen_mediator")
        .prefetch_related(
            "parties",
            "claims",
            "consents__recorded_by",
            Prefetch("delegations", Delegation.objects.select_related("organisation")),
        )
        .order_by("registered_at")
    )
    if len(cases) != len(set(case_ids)):
        raise DomainError(gettext("部分案件不存在"))
    permissions.ensure_may_delegate(actor)
    for case in cases:
        permissions.ensure_may_delegate(actor, case)
    if not organisation_on_roster(actor.institution_id, organisation.pk):
        # Only to the court's confirmed invited roster (notice 四（四）（五）; 特邀调解规定 Art. 5; LEGAL-RULES L2).
        raise DomainError(
            gettext("%(organisation)s不在本院特邀调解名册中，或已暂停、退出或超过有效期，不能委派/委托")
            % {"organisation": organisation.name},
            field="organisation",
        )
    problems = []
    now = timezone.now()
    cal = calendar()
    for case in cases:
        missing = missing_consent(case)
        if missing:
            # 人民法院在委派、委托案件前，应当征求当事人同意 (notice 四（五）; LEGAL-RULES L1).
            names = "、".join(p.name for p in missing)
            problems.append(
                (case.number, gettext("未取得以下当事人同意调解的意见，不能委派/委托：%(names)s") % {"names": names})
            )
        elif CourtEvent.DELEGATE not in COURT.allowed_events(case.state):
            state = gettext(case.state_label)
            problems.append((case.number, gettext("案件当前状态（%(state)s）不能委派/委托") % {"state": state}))
        elif running := joint_choice_running(case, now, cal):
            # L3: before the parties' 2 working days end, the court appoints only if every party asked it to.
            problems.append(
                (
                    case.number,
                    gettext(
                        "当事人共同选择调解组织的期限至%(due)s届满；届满前，除各方当事人同意由人民法院指定外，"
                        "本院不能指定调解组织（《人民法院在线调解规则》第十条）"
                    )
                    % {"due": cn_date(running.due)},
                )
            )
        elif _parties_chose_another(case, organisation):
            problems.append(
                (
                    case.number,
                    gettext("当事人已共同选择%(chosen)s，应委派/委托至该组织")
                    % {"chosen": case.chosen_organisation.name},
                )
            )
        elif any(
            d.organisation_id == organisation.pk and d.state == DelegationState.DECLINED for d in case.delegations.all()
        ):
            problems.append(
                (
                    case.number,
                    gettext("%(organisation)s已对本案不予接受，请选择其他调解组织")
                    % {"organisation": organisation.name},
                )
            )
    if len(cases) == 1 and problems:
        raise DomainError(problems[0][1])
    if problems:
        listed = gettext("；").join(
            gettext("%(number)s：%(problem)s") % {"number": n, "problem": t} for n, t in problems[:20]
        )
        raise DomainError(
            gettext("%(count)s 件案件不能委派/委托，均未委派/委托：%(listed)s")
            % {"count": len(problems), "listed": listed}
        )
    delegations = bulk.insert(
        [
            Delegation(case=c, organisation=organisation, kind=c.delegation_kind, sent_by=actor, sent_at=now)
            for c in cases
        ]
    )
    before = {}
    for case in cases:
        before[case.pk] = case.state
        transition(case, CourtEvent.DELEGATE)
    # The new state, and the organisation that makes the case findable by its name, in one pass over the cases
    # in hand (reading thousands of cases again cost more than the delegation's other writes, bench/docking.py).
    store_search_columns(
        Case,
        {
            c.pk: {"state": c.state, **case_search_columns(c, [*c.delegations.all(), d])}
            for c, d in zip(cases, delegations, strict=True)
        },
    )
    outbox.send_many(
        organisation.peer,
        MessageType.DELEGATE,
        [(c.id, _payload_for(c, d)) for c, d in zip(cases, delegations, strict=True)],
    )
    bulk.insert(
        [CaseEvent(case=c, actor=str(actor), text=f"{c.delegation_kind.label}至{organisation.name}") for c in cases]
    )
    record_many(
        actor,
        [
            Entry(
                "delegation.delegate",
                d,
                c.pk,
                {"state": before[c.pk]},
                {"state": c.state, "organisation": str(organisation.pk), "kind": d.kind},
            )
            for c, d in zip(cases, delegations, strict=True)
        ],
        at=now,
    )
    return delegations


@transaction.atomic
def recall_delegation(actor: User, case: Case, reason: str) -> Delegation:
    """The court recalls a delegation (e.g. it goes to another organisation). The parties' own withdrawal
    arrives from the organisation as a mediation result (inbound.on_mediation_result)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    permissions.ensure_may_delegate(actor, case)
    if not reason.strip():
        raise DomainError(gettext("请填写撤回理由"), field="reason")
    delegation = case.current_delegation
    if delegation is None:  # never delegated (or already recalled): nothing to recall, not a server error
        raise DomainError(gettext("本案当前没有可撤回的委派或委托"))
    before = {"state": case.state, "delegation_state": delegation.state}
    case.save(update_fields=transition(case, CourtEvent.RECALL))
    transition(delegation, DelegationEvent.RECALL, DELEGATION)
    delegation.recall_reason = reason.strip()
    delegation.save(update_fields=["state", "recall_reason"])
    outbox.send(
        delegation.organisation.peer,
        MessageType.DELEGATION_WITHDRAWN,
        case.id,
        DelegationWithdrawnPayload(delegation_id=delegation.id, reason=reason.strip(), withdrawn_at=timezone.now()),
    )
    case_event(case, actor, f"撤回对{delegation.organisation.name}的{_act_name(case)}：{reason.strip()}")
    record(
        actor,
        "delegation.recall",
        delegation,
        case=case,
        before=before,
        after={"state": case.state, "delegation_state": delegation.state, "reason": delegation.recall_reason},
    )
    return delegation


@transaction.atomic
def flag_overdue_answers(now: dt.datetime | None = None) -> int:
    """Scheduled: a delegation unanswered when its period has ended (24:00 of the last day) goes back to
    staff for re-delegation or filing (notice 四（五）; 《人民法院在线调解规则》Art. 12; LEGAL-RULES L4), unless
    that deadline is provisional (L21)."""
    now = now or timezone.now()
    flagged = 0
    cal = calendar()
    candidates = (
        Delegation.objects.select_for_update()
        .select_related("case", "organisation")
        .filter(state=DelegationState.RECEIVED, answer_due__lt=china_date(now))
        # Nothing irreversible on a provisional deadline (a year whose arrangement is not yet published, L21):
        # the delegation waits until the year is loaded and its deadline recomputed.
        .filter(answer_due_provisional=False)
    )
    for delegation in candidates:
        deadline = answer_deadline(delegation.received_at, cal)
        if deadline.provisional or not deadline.is_overdue(now):
            continue
        case = Case.objects.select_for_update().get(pk=delegation.case_id)
        before = {"state": case.state, "delegation_state": delegation.state}
        transition(delegation, DelegationEvent.ANSWER_OVERDUE, DELEGATION)
        delegation.recall_reason = f"逾期未答复（答复期限 {cn_date(delegation.answer_due)}），法院收回"
        delegation.save(update_fields=["state", "recall_reason"])
        case.save(update_fields=transition(case, CourtEvent.ANSWER_OVERDUE))
        # The organisation is told, so a late acceptance cannot leave the two platforms disagreeing.
        outbox.send(
            delegation.organisation.peer,
            MessageType.DELEGATION_WITHDRAWN,
            case.id,
            DelegationWithdrawnPayload(delegation_id=delegation.id, reason=delegation.recall_reason, withdrawn_at=now),
        )
        case_event(
            case,
            SYSTEM,
            f"{delegation.organisation.name}{delegation.recall_reason}，案件退回待重新{_act_name(case)}",
        )
        record(
            SYSTEM,
            "delegation.answer_overdue",
            delegation,
            case=case,
            before=before,
            after={"state": case.state, "delegation_state": delegation.state},
        )
        flagged += 1
    return flagged


def recompute_deadlines(**_signal_kwargs) -> None:
    """A year's holiday arrangement was loaded: provisional answer deadlines are computed again (L21)."""
    recompute_answer_deadlines(Delegation.objects.all())


def send_correction(actor: User, case: Case, revision: CaseRevision) -> Delegation:
    """Tell the organisation holding the case's delegation that the court corrected its registration data
    (CASE_CORRECTED, issue 15): what changed and why, and the parties, claims and consents as they now stand,
    built as the delegation itself was. Runs in the correcting action's transaction (the case locked)."""
    delegation = Delegation.objects.select_related("organisation__peer").get(pk=case.current_delegation.pk)
    current = _payload_for(case, delegation)
    outbox.send(
        delegation.organisation.peer,
        MessageType.CASE_CORRECTED,
        case.id,
        CaseCorrectedPayload(
            delegation_id=delegation.id,
            revision_id=revision.pk,
            corrected_at=revision.at,
            corrected_by=f"{case.court.name} {actor.display_name}"[:200],
            reason=revision.reason,
            changes=[Change(**c) for c in revision.changes],
            dispute_type=case.dispute_type,
            facts=case.facts,
            amount=case.amount,
            claims=current.claims,
            parties=current.parties,
            consent=current.consent,
        ),
    )
    return delegation
