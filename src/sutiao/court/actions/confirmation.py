"""Judicial confirmation of a mediation agreement at the court (issue 11 §4): an application is received (brought
to the court and registered by filing staff; online applications through the docking join here later), accepted
or not within 3 days, reviewed by the judge the court names within 15 days (+10 with the president's approval),
and ruled on: the agreement is valid, or the application is rejected (LEGAL-RULES L11–L14, L18). Each function is
one action: permission, kernel transition, story and audit record in one transaction."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import InstitutionKind, Role, User
from sutiao.accounts.pii import id_number_digest
from sutiao.audit.log import record
from sutiao.documents.actions import accept_upload
from sutiao.documents.models import FileKind
from sutiao.kernel.calendar import china_today, cn_date
from sutiao.kernel.confirmation import (
    APPLICATION_PERIOD,
    CompetenceFacts,
    CourtLevel,
    NonAcceptanceGround,
    RejectionGround,
    RulingOutcome,
    Venue,
    competent_venues,
    court_is_competent,
    may_apply,
    review_deadlines,
)
from sutiao.kernel.enums import DisputeType, PartyKind, PartyRole
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import mask
from sutiao.kernel.workflow import CONFIRMATION, ConfirmationEvent
from sutiao.listing import search_columns, store_search_columns
from sutiao.workdays.selectors import calendar

from .. import permissions
from ..confirmation.models import (
    Channel,
    ConfirmationApplication,
    ConfirmationParty,
    ConfirmationStep,
    CourtArea,
    MaterialRequest,
)
from ..confirmation.ruling import ruling_document
from ..models import Case, CaseNumberCounter
from ..sealed import court_seal, sealed_document
from .cases import party_identifier, party_phone
from .common import transition
from .service import serve_to_party

_LEVELS = {InstitutionKind.BASIC_COURT: CourtLevel.BASIC, InstitutionKind.INTERMEDIATE_COURT: CourtLevel.INTERMEDIATE}


@dataclass(frozen=True)
class ApplicantInput:
    role: PartyRole
    kind: PartyKind
    name: str
    id_number: str
    domicile: str
    phone: str = ""


def _story(application: ConfirmationApplication, actor, text: str) -> None:
    ConfirmationStep.objects.create(application=application, actor=str(actor), text=text)


def _index(application: ConfirmationApplication) -> None:
    names = [p.name for p in application.parties.all()]
    columns = search_columns(
        [application.number, application.organisation_name, *names],
        [p.id_number for p in application.parties.all()],
    )
    store_search_columns(ConfirmationApplication, {application.pk: columns})


def _locked(application: ConfirmationApplication) -> ConfirmationApplication:
    return ConfirmationApplication.objects.select_for_update().get(pk=application.pk)


def court_areas(court) -> dict[str, tuple[str, ...]]:
    """The court's configured areas (L11): division prefix → the dispute types it serves there (empty: all)."""
    return {a.prefix: tuple(a.dispute_types) for a in CourtArea.objects.filter(court=court)}


def competent_venue(court, facts: CompetenceFacts) -> Venue:
    """L11: the venue under which `court` hears this application, or a refusal naming where to apply."""
    venues = competent_venues(facts, settings.SUTIAO_CONFIRMATION_INTERMEDIATE_TYPES)
    level = _LEVELS.get(court.kind)
    areas = [p for p, types in court_areas(court).items() if not types or facts.dispute_type in types]
    venue = court_is_competent(venues, str(court.pk), level, areas) if level or facts.inviting_court else None
    if venue is None:
        where = "；".join(
            gettext("委派调解的人民法院") if v.court else f"{v.ground.label}（{v.place}）的{v.level.label}"
            for v in venues
        )
        raise DomainError(
            gettext("本院对该司法确认申请没有管辖权，应向%(where)s提出（%(citation)s）。")
            % {"where": where, "citation": venues[0].citation},
            field="venue",
        )
    return venue


@transaction.atomic
def receive_application(
    actor: User,
    *,
    agreement: File,
    agreement_effective_on: dt.date,
    dispute_type: DisputeType,
    organisation_name: str,
    applicants: list[ApplicantInput],
    case: Case | None = None,
    organisation_seat: str = "",
    subject_matter: str = "",
    issuer_seat: str = "",
    amount: Decimal | None = None,
    received_at: dt.datetime | None = None,
) -> ConfirmationApplication:
    """Filing staff register an application the parties brought to the court in writing or orally (解释
    Art. 353), with the agreement. Refused: anything but a joint application of the agreement's two sides
    (民事诉讼法 Art. 205: 双方当事人共同), an application after the 30 days (L11), one this court is not
    competent for (L11, naming where to apply)."""
    permissions.ensure_may_receive_confirmation(actor)
    court = actor.institution
    received_at = received_at or timezone.now()
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError(gettext("收到申请的时间不能晚于现在"), field="received_at")
    if case is not None and case.court_id != court.pk:
        raise DomainError(gettext("只能关联本院委派的案件"), field="case")
    if agreement_effective_on > china_today(received_at):
        raise DomainError(gettext("调解协议生效日期不能晚于收到申请之日"), field="agreement_effective_on")
    roles = {a.role for a in applicants}
    if not {PartyRole.APPLICANT, PartyRole.RESPONDENT} <= roles:
        raise DomainError(
            gettext("司法确认须由调解协议双方当事人共同申请（《中华人民共和国民事诉讼法》第二百零五条）"),
            field="applicants",
        )
    names = [a.name.strip() for a in applicants]
    if any(not n for n in names) or len(set(names)) != len(names):
        raise DomainError(gettext("申请人姓名/名称不能为空，也不能重复"), field="applicants")
    checked = []
    for a in applicants:
        if not a.id_number.strip():
            raise DomainError(gettext("请填写 %(name)s 的证件号码/统一社会信用代码") % {"name": a.name}, "applicants")
        if not (a.domicile.isdigit() and len(a.domicile) in (2, 4, 6)):
            raise DomainError(
                gettext("%(name)s 的住所地须为 2、4 或 6 位行政区划代码") % {"name": a.name}, field="applicants"
            )
        checked.append((a, party_identifier(PartyKind(a.kind), a.id_number), party_phone(a.phone)))
    # L11 (《民事诉讼法》Art. 205): within 30 days of the agreement taking effect.
    if not may_apply(calendar(), agreement_effective_on, received_at):
        raise DomainError(
            gettext("调解协议于%(day)s生效，申请司法确认的期间（%(rule)s）已届满，本院不予受理。")
            % {"day": cn_date(agreement_effective_on), "rule": APPLICATION_PERIOD.description},
            field="agreement_effective_on",
        )
    facts = CompetenceFacts(
        dispute_type=DisputeType(dispute_type),
        inviting_court=str(court.pk) if case is not None else None,
        party_domiciles=tuple(a.domicile for a in applicants),
        subject_matter=subject_matter or None,
        organisation_seat=organisation_seat or None,
        issuer_seat=issuer_seat or None,
    )
    venue = competent_venue(court, facts)
    stored = accept_upload(agreement, uploaded_by=actor, kind=FileKind.DOCUMENT, label=gettext("调解协议"))
    application = ConfirmationApplication.objects.create(
        court=court,
        channel=Channel.COUNTER,
        case=case,
        dispute_type=dispute_type,
        organisation_name=organisation_name.strip(),
        organisation_seat=organisation_seat,
        subject_matter=subject_matter,
        issuer_seat=issuer_seat,
        agreement=stored,
        agreement_effective_on=agreement_effective_on,
        amount=amount,
        received_at=received_at,
        received_by=actor,
        venue_ground=venue.ground,
        venue_level=venue.level or "",
        venue_citation=venue.citation,
    )
    ConfirmationParty.objects.bulk_create(
        [
            ConfirmationParty(
                application=application,
                role=a.role,
                kind=a.kind,
                name=a.name.strip(),
                id_number=number,
                id_digest=id_number_digest(number),
                phone=phone,
                domicile=a.domicile,
            )
            for a, number, phone in checked
        ]
    )
    _index(application)
    _story(application, actor, f"收到司法确认申请（{Channel(Channel.COUNTER).label}；管辖依据：{venue.ground.label}）")
    record(
        actor,
        "confirmation.receive",
        application,
        case=case,
        after={
            "agreement_sha256": stored.sha256,
            "agreement_effective_on": agreement_effective_on,
            "parties": names,
            "venue": venue.ground.value,
        },
    )
    return application


def _next_number(court) -> str:
    # 案号 of a special-procedure case: (2026)京0105民特12号 (《最高人民法院关于人民法院案件案号的若干规定》).
    year = timezone.localdate().year
    counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(court=court, year=year, kind="民特")
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"({year}){court.short_code}民特{counter.last}号"


@transaction.atomic
def accept(actor: User, application: ConfirmationApplication, judge: User) -> ConfirmationApplication:
    """受理 (2011 provisions Art. 4): the case gets its 民特 number and the judge who reviews it (Art. 6); the 15-day
    review period runs from today (L12)."""
    application = _locked(application)
    permissions.ensure_may_receive_confirmation(actor, application)
    if judge.role != Role.JUDGE or judge.institution_id != application.court_id or not judge.is_active:
        raise DomainError(gettext("请指定本院的一名法官审查"), field="judge")
    fields = transition(application, ConfirmationEvent.ACCEPT, CONFIRMATION)
    if not application.court.short_code:
        raise DomainError(gettext("本院未设置案号代字，请联系管理员"))
    application.number = _next_number(application.court)
    application.accepted_on = china_today()
    application.judge = judge
    application.save(update_fields=[*fields, "number", "accepted_on", "judge"])
    _index(application)
    due = review_deadlines(calendar(), application.accepted_on, extended=False).review
    _story(application, actor, f"受理，案号 {application.number}；指定{judge}审查，应于{cn_date(due.due)}前作出裁定")
    record(
        actor,
        "confirmation.accept",
        application,
        case=application.case,
        after={"number": application.number, "judge": str(judge), "review_due": due.due},
    )
    return application


def _under_review(application: ConfirmationApplication) -> None:
    if ConfirmationEvent.CONFIRM not in CONFIRMATION.allowed_events(application.state):
        raise DomainError(gettext("该申请已不在审查中"))


def _decide(application: ConfirmationApplication, actor: User) -> None:
    application.decided_at = timezone.now()
    application.decided_by = actor


@transaction.atomic
def not_accept(
    actor: User, application: ConfirmationApplication, ground: NonAcceptanceGround, reasons: str
) -> ConfirmationApplication:
    """裁定不予受理 (解释 Art. 355 ¶1), with its ground and reasons."""
    application = _locked(application)
    permissions.ensure_may_receive_confirmation(actor, application)
    ground = NonAcceptanceGround(ground)
    if not reasons.strip():
        raise DomainError(gettext("请写明不予受理的理由"), field="reasons")
    fields = transition(application, ConfirmationEvent.NOT_ACCEPT, CONFIRMATION)
    application.not_accepted_ground, application.reasons = ground, reasons.strip()
    _decide(application, actor)
    application.save(update_fields=[*fields, "not_accepted_ground", "reasons", "decided_at", "decided_by"])
    _story(application, actor, f"裁定不予受理：{ground.label}")
    record(actor, "confirmation.not_accept", application, case=application.case, after={"ground": ground.value})
    return application


@transaction.atomic
def request_material(actor: User, application: ConfirmationApplication, what: str, due_on: dt.date) -> MaterialRequest:
    """The judge asks for a further statement or material within a time limit (解释 Art. 356 ¶2)."""
    application = _locked(application)
    permissions.ensure_may_review_confirmation(actor, application)
    _under_review(application)
    if not what.strip():
        raise DomainError(gettext("请写明需要补充的陈述或材料"), field="what")
    if due_on <= china_today():
        raise DomainError(gettext("补充期限应晚于今天"), field="due_on")
    request = MaterialRequest.objects.create(
        application=application, what=what.strip(), due_on=due_on, requested_by=actor
    )
    _story(application, actor, f"要求当事人于{cn_date(due_on)}前补充：{request.what}")
    record(actor, "confirmation.request_material", application, case=application.case, after={"due_on": due_on})
    return request


@transaction.atomic
def record_material(actor: User, request: MaterialRequest, answer: str) -> MaterialRequest:
    """The judge records what the parties supplied in answer to a request."""
    application = _locked(request.application)
    permissions.ensure_may_review_confirmation(actor, application)
    _under_review(application)
    if request.answered_at:
        raise DomainError(gettext("该补充要求已记录答复"))
    if not answer.strip():
        raise DomainError(gettext("请写明当事人补充的情况"), field="answer")
    request.answered_at, request.answer = timezone.now(), answer.strip()
    request.save(update_fields=["answered_at", "answer"])
    _story(application, actor, f"当事人已补充：{request.answer}")
    record(actor, "confirmation.record_material", application, case=application.case)
    return request


@transaction.atomic
def approve_extension(
    actor: User, application: ConfirmationApplication, approved_by: str, approved_on: dt.date, reason: str
) -> ConfirmationApplication:
    """L12: 10 more days, once, with the court president's approval (2011 provisions Art. 5 ¶1), recorded before
    the 15 days end: who approved, on which day, why."""
    application = _locked(application)
    permissions.ensure_may_review_confirmation(actor, application)
    _under_review(application)
    if application.extended:
        raise DomainError(gettext("审查期限已经延长过一次"))
    if not approved_by.strip() or not reason.strip():
        raise DomainError(gettext("请写明批准延长的院长和延长理由"), field="reason")
    first = review_deadlines(calendar(), application.accepted_on, extended=False).review
    if not application.accepted_on <= approved_on <= min(first.due, china_today()):
        raise DomainError(
            gettext("院长批准延长的日期应在受理之后、原审查期限（%(day)s）届满之前，且不晚于今天")
            % {"day": cn_date(first.due)},
            field="approved_on",
        )
    application.extension_approved_by = approved_by.strip()
    application.extension_approved_on = approved_on
    application.extension_reason = reason.strip()
    application.save(update_fields=["extension_approved_by", "extension_approved_on", "extension_reason"])
    due = review_deadlines(calendar(), application.accepted_on, extended=True).review
    _story(
        application, actor, f"经院长{application.extension_approved_by}批准延长十日，应于{cn_date(due.due)}前作出裁定"
    )
    record(
        actor,
        "confirmation.extend",
        application,
        case=application.case,
        after={"approved_by": application.extension_approved_by, "review_due": due.due},
    )
    return application


def rule(
    actor: User,
    application: ConfirmationApplication,
    outcome: RulingOutcome,
    reasons: str,
    rejection_ground: RejectionGround | None = None,
) -> ConfirmationApplication:
    """The ruling (民事诉讼法 Art. 206; L13): the agreement is valid (enforceable), or the application is rejected on
    a ground of 解释 Art. 358 (or Art. 355 ¶2), with reasons; no fee is charged (L18). The ruling is issued as a
    PDF sealed with the court's e-seal, in the same transaction as the decision."""
    permissions.ensure_may_review_confirmation(actor, application)
    seal = court_seal(application.court, actor)  # issued outside the transaction the first time
    return _rule(actor, application, outcome, reasons, rejection_ground, seal)


@transaction.atomic
def _rule(actor, application, outcome, reasons, rejection_ground, seal) -> ConfirmationApplication:
    application = _locked(application)
    permissions.ensure_may_review_confirmation(actor, application)
    outcome = RulingOutcome(outcome)
    if not reasons.strip():
        raise DomainError(gettext("请写明裁定理由"), field="reasons")
    if outcome == RulingOutcome.REJECTED and not rejection_ground:
        raise DomainError(gettext("驳回申请须写明驳回情形"), field="rejection_ground")
    open_requests = application.material_requests.filter(answered_at__isnull=True).count()
    if outcome == RulingOutcome.VALID and open_requests:
        raise DomainError(gettext("尚有要求当事人补充的材料未记录答复，不能裁定调解协议有效"))
    event = ConfirmationEvent.CONFIRM if outcome == RulingOutcome.VALID else ConfirmationEvent.REJECT
    fields = transition(application, event, CONFIRMATION)
    application.outcome, application.reasons = outcome, reasons.strip()
    application.rejection_ground = RejectionGround(rejection_ground) if outcome == RulingOutcome.REJECTED else ""
    _decide(application, actor)
    application.ruling = sealed_document(
        actor,
        ruling_document(application, application.decided_at),
        seal,
        court=application.court,
        file_name=f"{application.number}民事裁定书.pdf",
        case=application.case,
    )
    application.save(
        update_fields=[*fields, "outcome", "reasons", "rejection_ground", "decided_at", "decided_by", "ruling"]
    )
    _story(application, actor, outcome.label)
    # The ruling is served on each applicant (L16): electronically where they consented, else marked for service
    # by other means.
    for party in application.parties.all():
        serve_to_party(actor, application, party, application.ruling, "民事裁定书")
    record(
        actor,
        "confirmation.rule",
        application,
        case=application.case,
        after={
            "outcome": outcome.value,
            "rejection_ground": application.rejection_ground,
            "ruling_sha256": application.ruling.sha256,
        },
    )
    return application


@transaction.atomic
def withdraw(actor: User, application: ConfirmationApplication, reasons: str, deemed: bool = False):
    """Before the ruling the parties may withdraw and the court allows it; a party who did not supply what was
    asked for within the time limit, without good reason, may be treated as having withdrawn (解释 Art. 357)."""
    application = _locked(application)
    permissions.ensure_may_withdraw_confirmation(actor, application)
    if not reasons.strip():
        raise DomainError(gettext("请写明撤回的情况"), field="reasons")
    if deemed:
        today = china_today()
        overdue = [r for r in application.material_requests.all() if not r.answered_at and r.due_on < today]
        if not overdue:
            raise DomainError(gettext("没有逾期未补充的材料，不能按撤回申请处理"), field="deemed")
    fields = transition(application, ConfirmationEvent.WITHDRAW, CONFIRMATION)
    application.reasons = reasons.strip()
    _decide(application, actor)
    application.save(update_fields=[*fields, "reasons", "decided_at", "decided_by"])
    _story(application, actor, "按撤回申请处理" if deemed else "裁定准许撤回申请")
    record(actor, "confirmation.withdraw", application, case=application.case, after={"deemed": deemed})
    return application


@dataclass(frozen=True)
class ShownApplicant:
    party: ConfirmationParty
    id_number: str
    phone: str
    clear: bool


@transaction.atomic
def show_applicants(actor: User, application: ConfirmationApplication) -> list[ShownApplicant]:
    """The applicants as `actor` may see them (issue 14 item 9): filing staff, who check who applied, and the
    reviewing judge, who questions the parties and names them in the ruling, see identity numbers and phones in
    clear, each clear view audited; the court's other staff see them masked."""
    parties = list(application.parties.all())
    clear = permissions.allows(permissions.ensure_may_receive_confirmation, actor, application) or permissions.allows(
        permissions.ensure_may_review_confirmation, actor, application
    )
    if clear and parties:
        record(
            actor,
            "confirmation.parties.view_personal_data",
            application,
            case=application.case,
            after={"parties": [p.name for p in parties]},
        )
    return [
        ShownApplicant(
            p,
            p.id_number if clear else mask("id_number", p.id_number),
            p.phone if clear else mask("phone", p.phone),
            clear,
        )
        for p in parties
    ]
