"""Judicial confirmation of a mediation agreement at the court (issue 11 §4): an application is received (brought
to the court and registered by filing staff, or made jointly online on the parties' platform and fetched with its
agreement through the docking, each decision then told back to that platform), accepted
or not within 3 days, reviewed by the judge the court names within 15 days (+10 with the president's approval),
and ruled on: the agreement is valid, or the application is rejected (LEGAL-RULES L11–L14, L18). Each function is
one action: permission, kernel transition, story and audit record in one transaction."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.accounts.pii import id_number_digest
from sutiao.audit.log import record
from sutiao.docking import outbox
from sutiao.docking.documents import DocumentRefused, fetch_document, share
from sutiao.docking.schemas import (
    ConfirmationAppliedPayload,
    ConfirmationDecidedPayload,
    DecisionStep,
    MessageType,
)
from sutiao.documents import signing
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
    acceptance_deadline,
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
    IncomingApplication,
    MaterialRequest,
)
from ..confirmation.ruling import ruling_document
from ..models import Case, CaseNumberCounter, Delegation
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


def _checked(
    court,
    *,
    received_at: dt.datetime,
    agreement_effective_on: dt.date,
    dispute_type: DisputeType,
    applicants: list[ApplicantInput],
    case: Case | None,
    organisation_seat: str,
    subject_matter: str,
    issuer_seat: str,
):
    """What the court checks of any application, brought to it or made online, before registering it: a joint
    application of the agreement's two sides (民事诉讼法 Art. 205: 双方当事人共同), within the 30 days (L11), to a
    competent court (L11, naming where to apply). Returns the applicants with their checked numbers, and the venue."""
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
    return checked, competent_venue(court, facts)


def _register(
    actor,
    court,
    *,
    channel: Channel,
    stored,
    checked,
    venue: Venue,
    received_at: dt.datetime,
    agreement_effective_on: dt.date,
    dispute_type: DisputeType,
    organisation_name: str,
    case: Case | None,
    organisation_seat: str,
    subject_matter: str,
    issuer_seat: str,
    amount: Decimal | None,
    **online,
) -> ConfirmationApplication:
    application = ConfirmationApplication.objects.create(
        court=court,
        channel=channel,
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
        received_by=actor if isinstance(actor, User) else None,
        venue_ground=venue.ground,
        venue_level=venue.level or "",
        venue_citation=venue.citation,
        **online,
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
    _story(application, actor, f"收到司法确认申请（{Channel(channel).label}；管辖依据：{venue.ground.label}）")
    record(
        actor,
        "confirmation.receive",
        application,
        case=case,
        after={
            "channel": channel.value,
            "agreement_sha256": stored.sha256,
            "agreement_effective_on": agreement_effective_on,
            "parties": [a.name.strip() for a, _, _ in checked],
            "venue": venue.ground.value,
        },
    )
    return application


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
    facts = {
        "agreement_effective_on": agreement_effective_on,
        "dispute_type": dispute_type,
        "case": case,
        "organisation_seat": organisation_seat,
        "subject_matter": subject_matter,
        "issuer_seat": issuer_seat,
    }
    checked, venue = _checked(court, received_at=received_at, applicants=applicants, **facts)
    stored = accept_upload(agreement, uploaded_by=actor, kind=FileKind.DOCUMENT, label=gettext("调解协议"))
    return _register(
        actor,
        court,
        channel=Channel.COUNTER,
        stored=stored,
        checked=checked,
        venue=venue,
        received_at=received_at,
        organisation_name=organisation_name,
        amount=amount,
        **facts,
    )


# --- applications made online on the parties' platform (CONFIRMATION_APPLIED) ---


def _online_facts(incoming: IncomingApplication) -> tuple[ConfirmationAppliedPayload, dict, list[ApplicantInput]]:
    payload = ConfirmationAppliedPayload.model_validate(incoming.payload)
    case = None
    if payload.delegation_id is not None:
        delegation = Delegation.objects.select_related("case", "organisation").filter(pk=payload.delegation_id).first()
        # Only the platform the case was delegated to speaks for it.
        if delegation is None or delegation.organisation.peer_id != incoming.peer_id:
            raise DomainError(gettext("申请所称的委派案件不存在"))
        case = delegation.case
    facts = {
        "agreement_effective_on": payload.agreement_effective_on,
        "dispute_type": payload.dispute_type,
        "case": case,
        "organisation_seat": payload.organisation_seat,
        "subject_matter": payload.subject_matter,
        "issuer_seat": payload.issuer_seat,
    }
    applicants = [ApplicantInput(p.role, p.kind, p.name, p.id_number, p.domicile, p.phone) for p in payload.parties]
    return payload, facts, applicants


@transaction.atomic
def take_online_application(peer, payload: ConfirmationAppliedPayload, received_at: dt.datetime) -> None:
    """The parties' joint online application arrived (the inbound handler calls this in the inbox's transaction):
    what the message alone decides is checked now — the court, the parties, the 30 days (L11) and competence (L11)
    — and a refusal (DomainError) goes back with its citation; the agreement is then fetched by the fetch job."""
    court = Institution.objects.filter(pk=payload.court_id, kind__in=list(_LEVELS)).first()
    if court is None or not court.active:
        raise DomainError(gettext("申请的法院不在本平台，或不受理司法确认申请"))
    incoming = IncomingApplication(
        id=payload.request_id,
        peer=peer,
        court=court,
        payload=payload.model_dump(mode="json"),
        received_at=received_at,
        next_attempt_at=received_at,
    )
    _payload, facts, applicants = _online_facts(incoming)
    _checked(court, received_at=received_at, applicants=applicants, **facts)
    if IncomingApplication.objects.filter(pk=incoming.pk).exists():
        raise DomainError(gettext("该在线申请已经收到"))
    incoming.save(force_insert=True)
    record(
        peer.name,
        "confirmation.online_received",
        incoming,
        case=facts["case"].pk if facts["case"] else None,
        after={"court": court.name, "agreement_sha256": payload.agreement_sha256},
    )


def _decided(peer, request_id, step: DecisionStep, **fields) -> None:
    outbox.send(
        peer,
        MessageType.CONFIRMATION_DECIDED,
        request_id,
        ConfirmationDecidedPayload(request_id=request_id, step=step, at=timezone.now(), **fields),
    )


def _tell(application: ConfirmationApplication, step: DecisionStep, **fields) -> None:
    """An online application's parties hear each decision on their platform (inside the deciding action)."""
    if application.channel == Channel.ONLINE:
        _decided(application.peer, application.request_id, step, **fields)


def _refuse(incoming: IncomingApplication, reason: str) -> None:
    incoming.done_at, incoming.refused_reason = timezone.now(), reason[:2000]
    incoming.save(update_fields=["done_at", "refused_reason", "attempts", "last_error"])
    record(incoming.peer.name, "confirmation.online_refused", incoming, after={"reason": incoming.refused_reason})
    _decided(incoming.peer, incoming.pk, DecisionStep.REFUSED, reasons=incoming.refused_reason)


@transaction.atomic
def register_online(incoming_id, data: bytes | None, error: DocumentRefused | None = None) -> IncomingApplication:
    """The fetch job's result for one online application, in one transaction: the agreement's bytes (their hash
    already checked by docking.documents.fetch_document), or why they could not be had. A signed PDF whose
    signatures do not verify (changed after signing, a signer the platform does not trust) is refused with the
    reason, as is one whose bytes were not the ones named; a fetch that may succeed later is tried again with
    growing waits, SUTIAO_CONFIRMATION_FETCH_ATTEMPTS times. A registered application is received now (L12: the
    3 days to accept run from today) and the parties' platform hears so."""
    incoming = IncomingApplication.objects.select_for_update().select_related("peer", "court").get(pk=incoming_id)
    if incoming.done_at is not None:
        return incoming
    incoming.attempts += 1
    if error is not None:
        incoming.last_error = error.message[:1000]
        if error.final or incoming.attempts >= settings.SUTIAO_CONFIRMATION_FETCH_ATTEMPTS:
            _refuse(incoming, gettext("未能取得调解协议文件：%(why)s") % {"why": error.message})
        else:
            wait = min(settings.SUTIAO_RELAY_BACKOFF_CAP, settings.SUTIAO_RELAY_BACKOFF_BASE * 2**incoming.attempts)
            incoming.next_attempt_at = timezone.now() + dt.timedelta(seconds=wait)
            incoming.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        return incoming
    try:
        verification = signing.verify(data)
    except DomainError as unreadable:  # not a PDF whose signatures can be read: nothing to register
        _refuse(incoming, gettext("调解协议文件无法读取：%(why)s") % {"why": unreadable.message})
        return incoming
    if verification.signed and not verification.valid:
        problems = "；".join(p for s in verification.signatures for p in s.problems)
        _refuse(
            incoming,
            gettext("调解协议的电子签名未通过验证（%(summary)s%(problems)s），本院不予接收")
            % {"summary": verification.summary, "problems": f"：{problems}" if problems else ""},
        )
        return incoming
    payload, facts, applicants = _online_facts(incoming)
    try:
        with transaction.atomic():
            checked, venue = _checked(incoming.court, received_at=incoming.received_at, applicants=applicants, **facts)
            stored = accept_upload(
                ContentFile(data, name=f"调解协议-{payload.organisation_name}.pdf"),
                uploaded_by=incoming.peer.name,
                kind=FileKind.DOCUMENT,
                label=gettext("调解协议"),
                case=facts["case"],
            )
            application = _register(
                incoming.peer.name,
                incoming.court,
                channel=Channel.ONLINE,
                stored=stored,
                checked=checked,
                venue=venue,
                received_at=timezone.now(),
                organisation_name=payload.organisation_name,
                amount=payload.amount,
                peer=incoming.peer,
                request_id=incoming.pk,
                **facts,
            )
    except DomainError as refused:
        _refuse(incoming, refused.message)
        return incoming
    if verification.signed:
        _story(
            application,
            incoming.peer.name,
            gettext("调解协议的电子签名经验证有效：%(s)s") % {"s": verification.summary},
        )
    incoming.application, incoming.done_at, incoming.last_error = application, timezone.now(), ""
    incoming.save(update_fields=["application", "done_at", "attempts", "last_error"])
    due = acceptance_deadline(calendar(), china_today(application.received_at))
    _tell(application, DecisionStep.RECEIVED, reasons=gettext("应于%(day)s前决定是否受理") % {"day": cn_date(due.due)})
    return incoming


def fetch_online_applications() -> int:
    """The fetch job (every worker round): each online application whose agreement is due to be fetched, fetched
    outside any transaction (a fetch waits on the network), then registered or refused (register_online)."""
    due = list(
        IncomingApplication.objects.filter(done_at__isnull=True, next_attempt_at__lte=timezone.now())
        .select_related("peer")
        .order_by("next_attempt_at")[:20]
    )
    for incoming in due:
        sha256, size = incoming.payload["agreement_sha256"], incoming.payload["agreement_size"]
        try:
            data = fetch_document(incoming.peer, sha256, max_bytes=min(size, settings.SUTIAO_UPLOAD_MAX_BYTES))
        except DocumentRefused as error:
            register_online(incoming.pk, None, error)
            continue
        register_online(incoming.pk, data)
    return len(due)


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
    _tell(
        application,
        DecisionStep.ACCEPTED,
        number=application.number,
        reasons=gettext("应于%(day)s前作出裁定") % {"day": cn_date(due.due)},
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
    _tell(application, DecisionStep.NOT_ACCEPTED, ground=ground.label, reasons=application.reasons)
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
    _tell(application, DecisionStep.MATERIAL_REQUESTED, reasons=request.what, material_due=due_on)
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
    if application.channel == Channel.ONLINE:
        # The sealed ruling goes back by its hash: shared with the parties' platform, which fetches and verifies it.
        share(application.peer, application.ruling)
        _tell(
            application,
            DecisionStep.RULED,
            number=application.number,
            outcome=outcome,
            ground=RejectionGround(application.rejection_ground).label if application.rejection_ground else "",
            reasons=application.reasons,
            ruling_sha256=application.ruling.sha256,
            ruling_size=application.ruling.size,
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
    _tell(application, DecisionStep.WITHDRAWN, reasons=application.reasons)
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
