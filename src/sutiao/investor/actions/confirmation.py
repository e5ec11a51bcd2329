"""The parties apply together online for judicial confirmation of their agreement in force (issue 11 §4;
LEGAL-RULES L11–L14): each party, or its agent within the power of attorney, joins the application; the last join
sends it to the competent court through the docking (the agreement's PDF shared and named by its hash). The
court's decisions come back as CONFIRMATION_DECIDED, and its sealed ruling is fetched by a background job,
verified and kept, with the objection window (L14), and served on the parties who consented to electronic service
(L16). One function per action, one transaction each: permission,
the application machine's transition, the case's timeline, the audit record and the docking message."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from sutiao.accounts import parties as party_accounts
from sutiao.accounts import pii
from sutiao.accounts.models import PartyProfile, User
from sutiao.audit.log import SYSTEM, record
from sutiao.docking import outbox
from sutiao.docking.documents import DocumentRefused, fetch_document, share
from sutiao.docking.models import OutboxMessage, Peer
from sutiao.docking.schemas import (
    Applicant,
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
    CIVIL_PROCEDURE,
    MISREPRESENTATION_PROVISIONS,
    RulingOutcome,
    application_deadline,
    may_apply,
)
from sutiao.kernel.enums import DisputeType
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import (
    CONFIRMATION_REQUEST,
    REQUEST_LIVE,
    AgreementState,
    RequestEvent,
    RequestState,
)
from sutiao.notifications import serving
from sutiao.workdays.selectors import calendar

from ..agreements import selectors as agreement_selectors
from ..agreements.models import Agreement
from ..confirmation.models import ConfirmationJoin, ConfirmationRequest
from ..confirmation.selectors import competent_courts, is_code
from ..mediation.models import Mediation, MediationParty
from ..mediation.notify import tell_parties
from .agreements import _acting, _locked, _timeline

_STEP_EVENTS = {
    DecisionStep.RECEIVED: RequestEvent.COURT_RECEIVED,
    DecisionStep.REFUSED: RequestEvent.COURT_REFUSED,
    DecisionStep.ACCEPTED: RequestEvent.ACCEPT,
    DecisionStep.NOT_ACCEPTED: RequestEvent.NOT_ACCEPT,
    DecisionStep.WITHDRAWN: RequestEvent.WITHDRAW,
}


def confirmation_url(mediation: Mediation) -> str:
    return reverse("confirmation", args=[mediation.pk])


def _id_number(mediation: Mediation, party: MediationParty) -> str:
    """The party's identity number or credit code, for the court to register (it travels as a delegation's
    parties' do): as the court registered it for a delegated case, else from the party's verified account."""
    if not mediation.direct:
        for p in mediation.delegation.parties or []:
            if p.get("id_number") and pii.id_number_digest(p["id_number"]) == party.id_number_digest:
                return p["id_number"]
    if mediation.direct and party.id_number_digest == mediation.application.respondent_digest:
        return mediation.application.respondent_code
    profile = (
        PartyProfile.objects.filter(id_number_digest=party.id_number_digest).first() if party.id_number_digest else None
    )
    if profile is None:
        raise DomainError(gettext("无法取得%(name)s的证件号码，请联系调解组织") % {"name": party.name})
    return pii.decrypt(profile.id_number_encrypted)


def _ensure_within_period(agreement: Agreement) -> None:
    """L11: within 30 days of the agreement taking effect (《民事诉讼法》Art. 205); a last day that is only
    provisional (L21) never refuses."""
    effective_on = china_today(agreement.effective_at)
    if not may_apply(calendar(), effective_on, timezone.now()):
        raise DomainError(
            gettext("调解协议于%(day)s生效，申请司法确认的期间（%(rule)s）已于%(last)s届满，不能再申请。")
            % {
                "day": cn_date(effective_on),
                "rule": APPLICATION_PERIOD.description,
                "last": cn_date(application_deadline(calendar(), effective_on).due),
            }
        )


def _acting_for(actor: User, party: MediationParty):
    try:
        return _acting(actor, party)
    except PermissionDenied:
        raise PermissionDenied(gettext("仅该当事人本人或其授权代理人可申请司法确认")) from None


@transaction.atomic
def join_confirmation(
    actor: User,
    agreement: Agreement,
    party: MediationParty,
    domicile: str,
    *,
    court_id: str = "",
    organisation_seat: str = "",
    subject_matter: str = "",
    issuer_seat: str = "",
) -> ConfirmationRequest:
    """A party (or its agent within the «sign» scope) joins the joint application for judicial confirmation of the
    agreement in force, giving its domicile. The first to join starts it and, for a mediation the organisation ran
    on its own, chooses the court among the competent ones (L11); the last to join sends it. Refused after the 30
    days (L11, with its citation)."""
    agreement, mediation = _locked(agreement)
    acting = _acting_for(actor, party)
    if party.mediation_id != mediation.pk:
        raise PermissionDenied(gettext("仅该当事人本人或其授权代理人可申请司法确认"))
    if agreement.state != AgreementState.EFFECTIVE:
        raise DomainError(gettext("调解协议尚未生效，不能申请司法确认"))
    _ensure_within_period(agreement)
    domicile = domicile.strip()
    if not is_code(domicile, (6,)):
        raise DomainError(gettext("住所地请填写6位行政区划代码"), field="domicile")
    request = (
        ConfirmationRequest.objects.select_for_update()
        .filter(agreement=agreement, state__in=list(REQUEST_LIVE))
        .first()
    )
    now = timezone.now()
    if request is None:
        request = _start(
            actor, agreement, mediation, domicile, court_id, organisation_seat, subject_matter, issuer_seat
        )
    if ConfirmationJoin.objects.filter(request=request, party=party).exists():
        raise DomainError(gettext("%(name)s已加入申请") % {"name": party.name})
    request.state = CONFIRMATION_REQUEST.next_state(request.state, RequestEvent.JOIN)
    via = acting.via if acting is not None else gettext("本人")
    ConfirmationJoin.objects.create(request=request, party=party, domicile=domicile, joined_at=now, by=actor, via=via)
    seq = record(
        actor,
        "confirmation.join",
        request,
        case=mediation.case_ref,
        after={"party": party.name, "via": via, "court": request.court_name},
    )
    text = gettext("%(party)s加入司法确认申请（向%(court)s）") % {"party": party.name, "court": request.court_name}
    if acting is not None:
        party_accounts.record_act(acting, actor, "confirmation.join", f"{mediation.number}：{text}", seq)
    _timeline(mediation, party.name, text)
    joined = set(request.joins.values_list("party_id", flat=True))
    waiting = [p for p in mediation.parties.all() if p.pk not in joined]
    if waiting:
        tell_parties(
            mediation,
            waiting,
            gettext("请加入司法确认申请"),
            gettext("%(party)s已申请司法确认，须双方当事人共同申请，请在%(last)s前加入")
            % {
                "party": party.name,
                "last": cn_date(application_deadline(calendar(), china_today(agreement.effective_at)).due),
            },
            confirmation_url(mediation),
        )
        return request
    _send(request, agreement, mediation)
    return request


def _start(actor, agreement, mediation, domicile, court_id, organisation_seat, subject_matter, issuer_seat):
    for field, code in (("organisation_seat", organisation_seat), ("subject_matter", subject_matter)):
        if code and not is_code(code):
            raise DomainError(gettext("请填写2、4或6位行政区划代码"), field=field)
    if issuer_seat and not is_code(issuer_seat):
        raise DomainError(gettext("请填写2、4或6位行政区划代码"), field="issuer_seat")
    choices = competent_courts(
        mediation,
        domiciles=(domicile,),
        organisation_seat=organisation_seat,
        subject_matter=subject_matter,
        issuer_seat=issuer_seat,
    )
    if mediation.direct:
        chosen = next((c for c in choices if c.court_id == str(court_id)), None)
        if chosen is None:
            names = "、".join(c.name for c in choices) or gettext("（法院名录中没有）")
            raise DomainError(
                gettext("请在有管辖权的法院中选择：%(names)s（%(citation)s）")
                % {"names": names, "citation": _citation(mediation)},
                field="court",
            )
    else:
        chosen = choices[0]
    return ConfirmationRequest.objects.create(
        mediation=mediation,
        agreement=agreement,
        version=agreement.current,
        peer=chosen.peer,
        court_id=chosen.court_id,
        court_name=chosen.name,
        venue_ground=chosen.venue.ground,
        venue_citation=chosen.venue.citation,
        organisation_seat=organisation_seat,
        subject_matter=subject_matter,
        issuer_seat=issuer_seat if mediation.direct else "",
        started_at=timezone.now(),
        started_by=actor,
    )


def _citation(mediation: Mediation) -> str:
    citation = f"{CIVIL_PROCEDURE}第二百零五条第二项"
    if mediation.source.dispute_type == DisputeType.MISREPRESENTATION:
        citation += f"；{MISREPRESENTATION_PROVISIONS}第三条"
    return citation


def _send(request: ConfirmationRequest, agreement: Agreement, mediation: Mediation) -> None:
    """Every party has joined: the application goes to the court, the agreement's PDF shared with the court's
    platform and named by its hash (it does not travel in the message)."""
    request.state = CONFIRMATION_REQUEST.next_state(request.state, RequestEvent.SEND)
    request.sent_at = timezone.now()
    request.save(update_fields=["state", "sent_at"])
    source = mediation.source
    joins = list(request.joins.select_related("party"))
    document = agreement_selectors.binding_document(agreement)  # the sealed signed PDF the court checks
    share(request.peer, document)
    outbox.send(
        request.peer,
        MessageType.CONFIRMATION_APPLIED,
        request.pk,
        ConfirmationAppliedPayload(
            request_id=request.pk,
            court_id=request.court_id,
            delegation_id=None if mediation.direct else mediation.delegation_id,
            dispute_type=source.dispute_type,
            organisation_name=source.organisation.name[:200],
            organisation_seat=request.organisation_seat,
            subject_matter=request.subject_matter,
            issuer_seat=request.issuer_seat,
            agreement_sha256=document.sha256,
            agreement_size=document.size,
            agreement_effective_on=china_today(agreement.effective_at),
            amount=source.amount,
            parties=[
                Applicant(
                    role=j.party.role,
                    kind=j.party.kind,
                    name=j.party.name[:200],
                    id_number=_id_number(mediation, j.party),
                    phone=j.party.phone or "",
                    domicile=j.domicile,
                    joined_at=j.joined_at,
                    via=j.via,
                )
                for j in joins
            ],
            applied_at=request.sent_at,
        ),
    )
    record(
        "系统",
        "confirmation.send",
        request,
        case=mediation.case_ref,
        after={"court": request.court_name, "sha256": document.sha256, "parties": [j.party.name for j in joins]},
    )
    text = gettext("各方当事人均已加入，司法确认申请已提交%(court)s") % {"court": request.court_name}
    _timeline(mediation, "系统", text)
    tell_parties(mediation, mediation.parties.all(), gettext("司法确认申请已提交"), text, confirmation_url(mediation))


# --- what the court decided (inbound CONFIRMATION_DECIDED, and a refusal of the application itself) ---


def _request_for_update(request_id, peer: Peer) -> ConfirmationRequest | None:
    request = ConfirmationRequest.objects.select_for_update().select_related("mediation").filter(pk=request_id).first()
    if request is not None and request.peer_id != peer.pk:
        return None
    return request


_STEP_TEXT = {
    DecisionStep.RECEIVED: gettext_noop("法院已收到司法确认申请"),
    DecisionStep.REFUSED: gettext_noop("法院平台未接收司法确认申请"),
    DecisionStep.ACCEPTED: gettext_noop("法院已受理司法确认申请"),
    DecisionStep.NOT_ACCEPTED: gettext_noop("法院裁定不予受理"),
    DecisionStep.MATERIAL_REQUESTED: gettext_noop("法院要求补充陈述或材料"),
    DecisionStep.WITHDRAWN: gettext_noop("法院准许撤回申请"),
}


def court_decided(peer: Peer, payload: ConfirmationDecidedPayload) -> ConfirmationRequest:
    """The court's step on the parties' application (inside the inbox's transaction): the application moves on,
    the case's timeline and the parties hear it; a ruling's PDF is then fetched by the ruling job."""
    request = _request_for_update(payload.request_id, peer)
    if request is None:
        raise DomainError(gettext("没有这个司法确认申请"))
    mediation = request.mediation
    step = DecisionStep(payload.step)
    before = request.state
    fields = ["state"]
    if step == DecisionStep.RULED:
        outcome = RulingOutcome(payload.outcome)
        event = RequestEvent.CONFIRM if outcome == RulingOutcome.VALID else RequestEvent.REJECT
        request.state = CONFIRMATION_REQUEST.next_state(request.state, event)
        request.outcome, request.ground, request.reasons = outcome, payload.ground, payload.reasons
        request.number = payload.number or request.number
        request.decided_at = payload.at
        request.ruling_sha256, request.ruling_size = payload.ruling_sha256, payload.ruling_size
        request.ruling_next_attempt_at = timezone.now()
        fields += ["outcome", "ground", "reasons", "number", "decided_at", "ruling_sha256", "ruling_size"]
        fields += ["ruling_next_attempt_at"]
        text = f"{request.court_name}{outcome.label}" + (f"（{payload.ground}）" if payload.ground else "")
    elif step == DecisionStep.MATERIAL_REQUESTED:
        if request.state != RequestState.ACCEPTED:
            raise DomainError(gettext("该申请不在审查中"))
        request.material_request, request.material_due = payload.reasons[:1000], payload.material_due
        fields += ["material_request", "material_due"]
        text = gettext("法院要求于%(day)s前补充：%(what)s") % {
            "day": cn_date(payload.material_due),
            "what": request.material_request,
        }
    else:
        request.state = CONFIRMATION_REQUEST.next_state(request.state, _STEP_EVENTS[step])
        if step == DecisionStep.ACCEPTED:
            request.number = payload.number
            fields.append("number")
        if step in (DecisionStep.NOT_ACCEPTED, DecisionStep.REFUSED, DecisionStep.WITHDRAWN):
            request.ground, request.reasons, request.decided_at = payload.ground, payload.reasons, payload.at
            fields += ["ground", "reasons", "decided_at"]
        else:
            request.court_note = payload.reasons
            fields.append("court_note")
        text = gettext(_STEP_TEXT[step]) + (f"，案号 {request.number}" if step == DecisionStep.ACCEPTED else "")
        detail = payload.ground or payload.reasons
        if detail:
            text += f"：{detail[:300]}"
    request.save(update_fields=fields)
    record(
        peer.name,
        "confirmation.court_decided",
        request,
        case=mediation.case_ref,
        before={"state": before},
        after={"state": request.state, "step": step.value, "number": request.number},
    )
    _timeline(mediation, request.court_name, text[:500])
    tell_parties(mediation, mediation.parties.all(), gettext("司法确认"), text[:500], confirmation_url(mediation))
    return request


def application_refused(message: OutboxMessage) -> None:
    """The court platform refused the application for good when it arrived (out of the 30 days, a court not
    competent; its reason and citation in the refusal): the parties see why, and may apply again where they can."""
    request = (
        ConfirmationRequest.objects.select_for_update().select_related("mediation").filter(pk=message.case).first()
    )
    if request is None or request.state != RequestState.SENT:
        return
    reason = message.last_error.partition(": ")[2] or message.last_error
    request.state = CONFIRMATION_REQUEST.next_state(request.state, RequestEvent.COURT_REFUSED)
    request.reasons, request.decided_at = reason[:20000], timezone.now()
    request.save(update_fields=["state", "reasons", "decided_at"])
    record(
        message.peer.name,
        "confirmation.refused",
        request,
        case=request.mediation.case_ref,
        after={"state": request.state, "reason": request.reasons[:500]},
    )
    text = gettext("法院平台未接收司法确认申请：%(why)s") % {"why": reason[:300]}
    _timeline(request.mediation, request.court_name, text)
    tell_parties(
        request.mediation,
        request.mediation.parties.all(),
        gettext("司法确认"),
        text,
        confirmation_url(request.mediation),
    )


# --- the sealed ruling: fetched by its hash, verified, kept (L13, L14) ---


@transaction.atomic
def ruling_fetched(request_id, data: bytes | None, error: DocumentRefused | None = None) -> ConfirmationRequest:
    """The ruling job's result for one application: the ruling's bytes (hash checked by fetch_document) are kept
    with what verifying its seal found (signing.verify), and the day they reached the parties' platform starts the
    objection window (L14); a fetch that may succeed later is retried with growing waits."""
    request = ConfirmationRequest.objects.select_for_update().select_related("mediation", "peer").get(pk=request_id)
    if request.ruling_id is not None or request.ruling_next_attempt_at is None:
        return request
    mediation = request.mediation
    request.ruling_attempts += 1
    if error is not None:
        request.ruling_error = error.message[:1000]
        if error.final or request.ruling_attempts >= settings.SUTIAO_CONFIRMATION_FETCH_ATTEMPTS:
            request.ruling_next_attempt_at = None
            record(request.peer.name, "confirmation.ruling_refused", request, after={"reason": request.ruling_error})
            _timeline(mediation, "系统", gettext("未能取得裁定书：%(why)s") % {"why": request.ruling_error[:300]})
        else:
            wait = min(
                settings.SUTIAO_RELAY_BACKOFF_CAP, settings.SUTIAO_RELAY_BACKOFF_BASE * 2**request.ruling_attempts
            )
            request.ruling_next_attempt_at = timezone.now() + dt.timedelta(seconds=wait)
        request.save(update_fields=["ruling_attempts", "ruling_error", "ruling_next_attempt_at"])
        return request
    verification = signing.verify(data)
    request.ruling = accept_upload(
        ContentFile(data, name=f"{request.number or request.court_name}民事裁定书.pdf"),
        uploaded_by=request.peer.name,
        kind=FileKind.DOCUMENT,
        label=gettext("民事裁定书"),
        case=mediation.case_ref,
    )
    request.ruling_received_at = timezone.now()
    request.ruling_verified = verification.valid and verification.sealed
    request.ruling_verification = (
        verification.summary
        if request.ruling_verified
        else gettext("裁定书的电子印章未通过验证：%(s)s") % {"s": verification.summary}
    )[:500]
    request.ruling_next_attempt_at, request.ruling_error = None, ""
    request.save(
        update_fields=[
            "ruling",
            "ruling_received_at",
            "ruling_verified",
            "ruling_verification",
            "ruling_next_attempt_at",
            "ruling_error",
            "ruling_attempts",
        ]
    )
    record(
        request.peer.name,
        "confirmation.ruling_received",
        request,
        case=mediation.case_ref,
        after={"sha256": request.ruling.sha256, "verified": request.ruling_verified},
    )
    text = gettext("收到%(court)s民事裁定书（%(check)s）") % {
        "court": request.court_name,
        "check": request.ruling_verification,
    }
    _timeline(mediation, SYSTEM, text[:500])
    served = _serve_ruling(request) if request.ruling_verified else set()
    # Whoever the service reached was told by it (its own notice, one SMS); the others hear it as before.
    others = [p for p in mediation.parties.all() if p.pk not in served]
    tell_parties(mediation, others, gettext("民事裁定书"), text[:500], confirmation_url(mediation))
    return request


def _serve_ruling(request: ConfirmationRequest) -> set[int]:
    """The court's ruling, here and its seal verified, is served on each party of the mediation on this platform too
    (L16; 民事诉讼法 Art. 90; 在线诉讼规则 Art. 29–32), by sutiao.notifications.serving: to the platform inbox of
    whoever acts for the party and by SMS or email where the party consented to electronic service, each with its
    proof (time, channels, content hash, and the read receipt when the party opens it); a party without consent is
    marked «需以其他方式送达» — the court serves it by other means. The court also serves the ruling on its own
    platform and keeps its own proof. A ruling whose seal failed verification is not passed on as served. Runs in
    ruling_fetched's transaction; returns the party rows served electronically."""
    mediation = request.mediation
    served = set()
    title = "民事裁定书"  # the record's language, as the court's own service names it
    for party in mediation.parties.all().order_by("id"):
        service = serving.serve_document(
            SYSTEM,
            request.ruling,
            subject=request,
            title=title,
            id_digest=party.id_number_digest,
            party_name=party.name,
            sender=request.court_name,
        )
        if service.electronic:
            served.add(party.pk)
            text = gettext("向%(party)s电子送达《%(title)s》（%(channels)s）") % {
                "party": party.name,
                "title": title,
                "channels": service.channel_labels(),
            }
        else:
            text = gettext("%(party)s未同意电子送达，《%(title)s》需以其他方式送达") % {
                "party": party.name,
                "title": title,
            }
        _timeline(mediation, SYSTEM, text[:500])
    return served


def fetch_rulings() -> int:
    """The ruling job (every worker round): rulings named by the court and not yet here, fetched outside any
    transaction (a fetch waits on the network), then kept (ruling_fetched)."""
    due = list(
        ConfirmationRequest.objects.filter(ruling__isnull=True, ruling_next_attempt_at__lte=timezone.now())
        .select_related("peer")
        .order_by("ruling_next_attempt_at")[:20]
    )
    for request in due:
        max_bytes = min(request.ruling_size or settings.SUTIAO_UPLOAD_MAX_BYTES, settings.SUTIAO_UPLOAD_MAX_BYTES)
        try:
            data = fetch_document(request.peer, request.ruling_sha256, max_bytes=max_bytes)
        except DocumentRefused as error:
            ruling_fetched(request.pk, None, error)
            continue
        ruling_fetched(request.pk, data)
    return len(due)
