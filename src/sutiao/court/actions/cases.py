"""Filing staff's actions on a case before it is delegated: register, ask consent, record the parties' answers
and choice, send the case back to filing or trial (notice 四（五）; LEGAL-RULES L1, L3, L17)."""

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import User
from sutiao.audit.log import SYSTEM, record
from sutiao.kernel.enums import CaseStage, ConsentMethod, DisputeType, PartyKind, PartyRole
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import mask, validate_phone, validate_resident_id, validate_uscc
from sutiao.kernel.regions import region_of_case_number
from sutiao.kernel.workflow import (
    COURT,
    COURT_CORRECTABLE,
    COURT_CORRECTION_SENT,
    CourtEvent,
    CourtState,
    back_to_court_event,
    court_state_label,
)

from .. import permissions
from ..models import (
    Case,
    CaseNumberCounter,
    CaseRevision,
    ChoiceBy,
    Claim,
    Consent,
    Mediator,
    Organisation,
    Party,
    RevisionKind,
    party_digest,
)
from ..search import index_cases
from ..selectors import latest_consents, mediator_on_roster, missing_consent, organisation_on_roster
from .common import case_event, transition

# The states in which the parties' answers and choice may be recorded (before a delegation, or after one
# came back).
CHOOSING_STATES = frozenset({CourtState.CONSENTED, CourtState.RETURNED})
CONSENT_STATES = frozenset({CourtState.AWAITING_CONSENT, *CHOOSING_STATES})


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


def _not_in_future(moment: dt.datetime, field: str) -> None:
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError(gettext("表示意见的时间不能晚于现在"), field=field)


def party_identifier(kind: PartyKind, number: str) -> str:
    """A party's number checked as the kernel checks it: a natural person's identity number (GB 11643-1999),
    a legal person's or other organisation's unified social credit code (GB 32100-2015); empty stays empty.
    A refusal names the fault and sits on the `id_number` field."""
    number = (number or "").strip()
    if not number:
        return ""
    validate = validate_resident_id if kind == PartyKind.NATURAL_PERSON else validate_uscc
    try:
        return validate(number)
    except DomainError as e:
        e.field = "id_number"
        raise


def party_phone(phone: str) -> str:
    """A party's phone checked as the kernel checks it (a mobile, or a landline with its area code); empty stays
    empty. A refusal sits on the `phone` field."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    try:
        return validate_phone(phone)
    except DomainError as e:
        e.field = "phone"
        raise


def _checked_identifier(party: PartyInput) -> PartyInput:
    return dataclasses.replace(
        party,
        id_number=party_identifier(PartyKind(party.kind), party.id_number),
        phone=party_phone(party.phone),
    )


def _checked_registration(amount: Decimal, parties: list, claims: list[ClaimInput]) -> list:
    """What registration and correction both check: the amount, an applicant and a respondent, the parties'
    names (present, distinct) and numbers (GB 11643, GB 32100), at least one claim. Returns the parties with
    names trimmed and numbers normalised."""
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
    return [dataclasses.replace(_checked_identifier(p), name=p.name.strip()) for p in parties]


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
    simple_procedure: bool = False,
) -> Case:
    """Filing staff register a party's application for mediation (typed in, or through the API)."""
    permissions.ensure_may_register(actor)
    court = actor.institution
    parties = _checked_registration(amount, parties, claims)
    names = [p.name for p in parties]
    if simple_procedure and stage != CaseStage.IN_LITIGATION:
        # Simple procedure is how a filed case is heard; before filing there is none (L6: 7 days only for 委托).
        raise DomainError(gettext("诉前调解案件尚未立案，不适用简易程序"), field="simple_procedure")
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
        region=region_of_case_number(number).key,
        stage=stage,
        simple_procedure=simple_procedure,
        dispute_type=dispute_type,
        facts=facts,
        amount=amount,
        registered_by=actor,
    )
    Party.objects.bulk_create(
        [
            Party(case=case, **{**p.__dict__, "name": p.name.strip()}, id_digest=party_digest(p.id_number))
            for p in parties
        ]
    )
    Claim.objects.bulk_create([Claim(case=case, text=c.text.strip(), amount=c.amount) for c in claims])
    index_cases([case.pk])
    case_event(case, actor, f"登记调解申请（{CaseStage(stage).label}，{DisputeType(dispute_type).label}）")
    record(
        actor,
        "case.register",
        case,
        case=case,
        after={
            "number": number,
            "stage": stage,
            "simple_procedure": simple_procedure,
            "dispute_type": dispute_type,
            "amount": amount,
            "parties": names,
        },
    )
    return case


@transaction.atomic
def ask_consent(actor: User, case: Case) -> Case:
    """征求当事人调解意见 (notice 四（五）; 《人民法院在线调解规则》Art. 4; LEGAL-RULES L1)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    permissions.ensure_may_ask_consent(actor, case)
    before = case.state
    fields = transition(case, CourtEvent.ASK_CONSENT)
    case.consent_asked_at = timezone.now()
    case.save(update_fields=[*fields, "consent_asked_at"])
    case_event(case, actor, "征求各方当事人调解意见")
    record(actor, "case.ask_consent", case, case=case, before={"state": before}, after={"state": case.state})
    # Each party is also asked online, by a link they answer themselves (issue 10); staff may still record an
    # answer given by phone or on paper for a party who is offline.
    from .consent import send_consent_requests  # consent.py builds on this module's save_answer

    send_consent_requests(actor, case)
    return case


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
    permissions.ensure_may_ask_consent(actor, case)
    if case.state not in CONSENT_STATES:
        raise DomainError(gettext("当前阶段不能记录调解意见"))
    if party.case_id != case.pk:
        raise DomainError(gettext("该当事人不属于本案"), field="party")
    _not_in_future(answered_at, "answered_at")
    if method == ConsentMethod.PARTY_ONLINE:
        raise DomainError(gettext("“当事人本人在线确认”只能由当事人本人在线提交"), field="method")
    return save_answer(actor, case, party, consented=consented, method=method, answered_at=answered_at, note=note)


def save_answer(
    actor: User,
    case: Case,
    party: Party,
    *,
    consented: bool,
    method: ConsentMethod,
    answered_at: dt.datetime,
    note: str = "",
    request=None,
) -> Consent:
    """The one way an answer is kept, whoever gives it (staff, or the party online): the record, the case's
    story, and the move to «all consented» when it completes the set. `case` is locked by the caller."""
    consent = Consent.objects.create(
        case=case,
        party=party,
        consented=consented,
        method=method,
        answered_at=answered_at,
        note=note,
        recorded_by=actor,
        request=request,
    )
    case_event(case, actor, f"记录{party.name}{'同意' if consented else '不同意'}调解（{ConsentMethod(method).label}）")
    before = case.state
    if case.state == CourtState.AWAITING_CONSENT and not missing_consent(case):
        fields = transition(case, CourtEvent.ALL_CONSENTED)
        # The parties' 2 working days to choose jointly run from their agreeing to mediation, i.e. from the
        # last party's answer, not from when staff wrote it down (《人民法院在线调解规则》Art. 10; LEGAL-RULES L3).
        case.consented_at = max(c.answered_at for c in latest_consents(case).values())
        case.save(update_fields=[*fields, "consented_at"])
        case_event(case, SYSTEM, "各方当事人均同意调解，可以共同选择调解组织，或同意由人民法院指定")
    # Kept on the answer, so an act on a party's behalf can point at its audit record.
    consent.audit_seq = record(
        actor,
        "case.record_consent",
        consent,
        case=case,
        before={"state": before},
        after={
            "party": party.name,
            "consented": consented,
            "method": method,
            "answered_at": answered_at,
            "state": case.state,
        },
    )
    return consent


def _choice_fields(case: Case) -> dict:
    return {
        "chosen_by": case.chosen_by,
        "chosen_organisation": str(case.chosen_organisation_id or ""),
        "chosen_mediator": str(case.chosen_mediator_id or ""),
        "chosen_at": case.chosen_at,
    }


@transaction.atomic
def record_joint_choice(actor: User, case: Case, organisation: Organisation, mediator: Mediator | None = None) -> Case:
    """The parties jointly chose an organisation (and perhaps a mediator) from the court's roster
    (《人民法院在线调解规则》Art. 10 ¶2; LEGAL-RULES L3). Staff record it; the delegation goes there, and a
    chosen mediator binds the organisation (it assigns them or says why not)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    permissions.ensure_may_ask_consent(actor, case)
    if case.state not in CHOOSING_STATES:
        raise DomainError(gettext("各方当事人同意调解后，才能记录共同选择"))
    if not organisation_on_roster(case.court_id, organisation.pk):
        raise DomainError(gettext("当事人只能在本院特邀调解名册中选择调解组织"), field="organisation")
    if mediator is not None and (
        mediator.organisation_id != organisation.pk or not mediator_on_roster(case.court_id, mediator.pk)
    ):
        raise DomainError(gettext("所选调解员不在本院特邀调解名册中，或不属于所选调解组织"), field="mediator")
    return set_joint_choice(actor, case, organisation, mediator)


def set_joint_choice(actor: User, case: Case, organisation: Organisation, mediator: Mediator | None) -> Case:
    """The one way a joint choice is kept, whether staff record it or the parties make it online (the case
    locked, the choice checked against the roster by the caller)."""
    before = _choice_fields(case)
    case.chosen_by, case.chosen_organisation, case.chosen_mediator = ChoiceBy.PARTIES, organisation, mediator
    case.chosen_at = timezone.now()
    case.save(update_fields=["chosen_by", "chosen_organisation", "chosen_mediator", "chosen_at"])
    index_cases([case.pk])
    chosen = organisation.name + (f"、调解员{mediator.name}" if mediator else "")
    case_event(case, actor, f"当事人共同选择：{chosen}")
    record(actor, "case.record_joint_choice", case, case=case, before=before, after=_choice_fields(case))
    return case


@transaction.atomic
def record_appointment_request(actor: User, case: Case, requested_at: dt.datetime | None = None) -> Case:
    """The parties agree that the court appoints (同意由人民法院指定, 《人民法院在线调解规则》Art. 10 ¶2): the
    court appoints within 3 working days of that request (LEGAL-RULES L3), so `requested_at` is when the
    parties asked (now, unless staff record it later)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    permissions.ensure_may_ask_consent(actor, case)
    if case.state not in CHOOSING_STATES:
        raise DomainError(gettext("各方当事人同意调解后，才能记录同意由人民法院指定"))
    requested_at = requested_at or timezone.now()
    _not_in_future(requested_at, "requested_at")
    before = _choice_fields(case)
    case.chosen_by, case.chosen_organisation, case.chosen_mediator = ChoiceBy.COURT, None, None
    case.chosen_at = requested_at
    case.save(update_fields=["chosen_by", "chosen_organisation", "chosen_mediator", "chosen_at"])
    index_cases([case.pk])
    case_event(case, actor, "当事人同意由人民法院指定调解组织")
    record(actor, "case.record_appointment_request", case, case=case, before=before, after=_choice_fields(case))
    return case


@transaction.atomic
def send_back_to_court(actor: User, case: Case) -> Case:
    """Mediation will not happen or did not succeed: file the case (委派) or resume trial (委托)
    (notice 四（五）; 《人民法院在线调解规则》Art. 21; LEGAL-RULES L17)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    permissions.ensure_may_delegate(actor, case)
    before = case.state
    event = back_to_court_event(CaseStage(case.stage))
    case.save(update_fields=transition(case, event))
    case_event(case, actor, "转立案" if event == CourtEvent.FILE_CASE else "恢复审理")
    record(actor, "case.send_back_to_court", case, case=case, before={"state": before}, after={"state": case.state})
    return case


# --- correcting and voiding (issue 15) ---


@dataclass(frozen=True)
class PartyEdit(PartyInput):
    """A party as the correction form gives it back: `id` is the registered party it corrects, None a party
    added (only before the parties were asked, see correct_case)."""

    id: int | None = None


def _money(value) -> str:
    return "" if value is None else f"{Decimal(value):,.2f}"


_PARTY_FIELDS = (
    ("role", "诉讼地位", lambda v: PartyRole(v).label),
    ("kind", "类型", lambda v: PartyKind(v).label),
    ("name", "姓名/名称", str),
    ("id_number", "证件号码", str),
    ("phone", "联系电话", str),
    ("address", "地址", str),
)


def _change(what: str, before, after, field: str = "") -> dict:
    """One line of a revision: `field` names a party's personal field (kernel.identifiers.PERSONAL_FIELDS), so
    that it is masked wherever the parties are."""
    return {"what": what, "field": field, "before": str(before), "after": str(after)}


def _party_text(p) -> str:
    return f"{PartyRole(p.role).label} {p.name}（{PartyKind(p.kind).label}）"


def _claims_text(claims) -> str:
    return "；".join(c.text.strip() + (f"（{_money(c.amount)}元）" if c.amount is not None else "") for c in claims)


def _changes(case: Case, old_parties: dict, edits: list[PartyEdit], claims, **fields) -> list[dict]:
    changes = []
    if fields["dispute_type"] != case.dispute_type:
        changes.append(
            _change("纠纷类型", DisputeType(case.dispute_type).label, DisputeType(fields["dispute_type"]).label)
        )
    if Decimal(fields["amount"]) != case.amount:
        changes.append(_change("标的额（元）", _money(case.amount), _money(fields["amount"])))
    if fields["facts"].strip() != case.facts.strip():
        changes.append(_change("事实与理由", case.facts, fields["facts"].strip()))
    for edit in edits:
        if edit.id is None:
            changes.append(_change("增加当事人", "", _party_text(edit)))
            continue
        old = old_parties[edit.id]
        for name, label, show in _PARTY_FIELDS:
            before, after = getattr(old, name), getattr(edit, name)
            if (before or "") != (after or ""):
                personal = name if name in ("id_number", "phone", "address") else ""
                what = f"当事人{old.name}：{label}"
                changes.append(_change(what, show(before) if before else "", show(after) if after else "", personal))
    kept = {e.id for e in edits}
    changes += [_change("删除当事人", _party_text(p), "") for pk, p in old_parties.items() if pk not in kept]
    old_claims = list(case.claims.all())
    if [(c.text.strip(), c.amount) for c in old_claims] != [(c.text.strip(), c.amount) for c in claims]:
        changes.append(_change("请求事项", _claims_text(old_claims), _claims_text(claims)))
    return changes


def _audit_changes(changes: list[dict]) -> list[dict]:
    """The changes as the audit record keeps them: the audit trail is not encrypted, so personal fields masked."""
    return [
        {**c, "before": mask(c["field"], c["before"]), "after": mask(c["field"], c["after"])} if c["field"] else c
        for c in changes
    ]


@transaction.atomic
def correct_case(
    actor: User,
    case: Case,
    *,
    reason: str,
    dispute_type: DisputeType,
    amount: Decimal,
    parties: list[PartyEdit],
    claims: list[ClaimInput],
    facts: str = "",
) -> CaseRevision:
    """Filing staff correct a case's registration data (parties, claims, amount, dispute type, facts) with a
    reason; the revision keeps each field before → after (issue 15). The case's number and stage are not
    corrected: a case registered under the wrong stage or number is voided and registered again.

    Who the parties are is settled once they are asked for their consent (LEGAL-RULES L1: the consent is each
    party's own): from then on a party's particulars may be corrected, but parties are not added or removed.
    While a delegation is with an organisation the correction is sent to it (CASE_CORRECTED) so that both
    platforms hold the same parties and claims; which states allow a correction is COURT_CORRECTABLE."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    permissions.ensure_may_correct(actor, case)
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("请填写更正理由"), field="reason")
    if case.state not in COURT_CORRECTABLE:
        raise DomainError(gettext("案件当前状态（%(state)s）不能更正登记信息") % {"state": gettext(case.state_label)})
    edits = _checked_registration(amount, parties, claims)
    old_parties = {p.pk: p for p in case.parties.all()}
    unknown = [e.id for e in edits if e.id is not None and e.id not in old_parties]
    if unknown:
        raise DomainError(gettext("该当事人不属于本案"), field="parties")
    if case.state != CourtState.APPLIED and (
        any(e.id is None for e in edits) or {e.id for e in edits} != set(old_parties)
    ):
        raise DomainError(
            gettext("已征求当事人调解意见，不能再增加或删除当事人，只能更正当事人的信息；如登记有误，请作废后重新登记"),
            field="parties",
        )
    changes = _changes(case, old_parties, edits, claims, dispute_type=dispute_type, amount=amount, facts=facts)
    if not changes:
        raise DomainError(gettext("没有需要更正的内容"))
    case.dispute_type, case.amount, case.facts = dispute_type, amount, facts.strip()
    case.save(update_fields=["dispute_type", "amount", "facts"])
    kept = {e.id for e in edits if e.id is not None}
    Party.objects.filter(case=case).exclude(pk__in=kept).delete()
    # Names are unique within a case: renamed parties step aside first, so that two may swap names.
    renamed = [e.id for e in edits if e.id is not None and e.name != old_parties[e.id].name]
    for pk in renamed:
        Party.objects.filter(pk=pk).update(name=f"#{pk}")
    for edit in edits:
        values = {f: getattr(edit, f) for f, _label, _show in _PARTY_FIELDS}
        if edit.id is None:
            Party.objects.create(case=case, **values, id_digest=party_digest(edit.id_number))
        else:
            party = old_parties[edit.id]
            for f, v in values.items():
                setattr(party, f, v)
            party.id_digest = party_digest(edit.id_number)
            party.save()
    if any(c["what"] == "请求事项" for c in changes):
        case.claims.all().delete()
        Claim.objects.bulk_create([Claim(case=case, text=c.text.strip(), amount=c.amount) for c in claims])
    index_cases([case.pk])
    revision = CaseRevision.objects.create(
        case=case, kind=RevisionKind.CORRECTED, actor=actor, reason=reason, changes=changes
    )
    if case.state in COURT_CORRECTION_SENT:
        from .delegation import send_correction  # delegation.py builds the delegation's payload

        revision.sent_to = send_correction(actor, case, revision)
        revision.save(update_fields=["sent_to"])
    case_event(case, actor, f"更正登记信息（{'、'.join(dict.fromkeys(c['what'] for c in changes))}）：{reason}"[:500])
    record(
        actor,
        "case.correct",
        case,
        case=case,
        before={"state": case.state},
        after={
            "reason": reason,
            "changes": _audit_changes(changes),
            "sent_to": str(revision.sent_to_id or ""),
        },
    )
    return revision


@transaction.atomic
def void_case(actor: User, case: Case, reason: str) -> Case:
    """A case registered by mistake (a duplicate, the wrong court, a typing slip) is voided with a reason,
    only while nothing has gone to an organisation (the court machine's VOID, issue 15). Irreversible: the case
    stays on record, void; consent links still open stop working as the case is no longer asking."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    permissions.ensure_may_correct(actor, case)
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("请填写作废理由"), field="reason")
    if CourtEvent.VOID not in COURT.allowed_events(case.state):
        raise DomainError(
            gettext("案件当前状态（%(state)s）不能作废：已委派/委托的案件须撤回后转立案或恢复审理")
            % {"state": gettext(case.state_label)}
        )
    before = case.state
    case.save(update_fields=transition(case, CourtEvent.VOID))
    CaseRevision.objects.create(
        case=case,
        kind=RevisionKind.VOIDED,
        actor=actor,
        reason=reason,
        changes=[_change("状态", court_state_label(before, case.stage), case.state_label)],
    )
    case_event(case, actor, f"作废（登记错误）：{reason}"[:500])
    record(actor, "case.void", case, case=case, before={"state": before}, after={"state": case.state, "reason": reason})
    return case
