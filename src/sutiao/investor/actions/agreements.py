"""The mediation agreement (调解协议; issue 11 §1, §3; LEGAL-RULES L10, 《人民法院在线调解规则》Art. 19–20): the
mediator drafts it from the dispute type's template, revises it version by version, freezes it for signing
(定稿，提交签署) or takes it back while nobody has signed; it takes effect when every party has signed; each
party (or its agent) then says how each term was performed, and the obligor is reminded before the due date.
One function per action, one transaction each: permission, the agreement machine's transition, the case's
timeline, the audit record, and for a delegated case the court's message (AGREEMENT_STATUS) once the agreement
is in force."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts import parties as party_accounts
from sutiao.accounts import sms_signin
from sutiao.accounts.models import AgentScope, PartyProfile, Role, User
from sutiao.accounts.pii import decrypt
from sutiao.audit.log import SYSTEM, record
from sutiao.docking import outbox
from sutiao.docking.documents import share
from sutiao.docking.schemas import AgreementStatusPayload, AgreementStep, AgreementTermStatus, MessageType
from sutiao.documents import checks, pdf
from sutiao.documents.actions import accept_upload
from sutiao.documents.ca import NAME_MAX_CHARACTERS, Subject, SubjectKind
from sutiao.documents.identities import issue_identity
from sutiao.documents.models import FileKind, SigningIdentity
from sutiao.documents.signing import sign
from sutiao.documents.storage import TamperedFile, open_verified
from sutiao.kernel.agreement import (
    REMINDER_DAYS_BEFORE_DUE,
    CaseFacts,
    CaseParty,
    Problem,
    Term,
    TermKind,
    TermStatus,
    draft_from_case,
    format_yuan,
    reminder_due,
    seal_due,
    signing_refusal,
    takes_effect,
    term_problems,
    term_status,
    withdrawal_allowed,
    yuan,
)
from sutiao.kernel.calendar import china_today, cn_date
from sutiao.kernel.confirmation import RULING_CITATION
from sutiao.kernel.enums import DisputeType, PartyRole
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import (
    AGREEMENT,
    AGREEMENT_LIVE,
    MEDIATION_OPEN,
    AgreementEvent,
    AgreementState,
    InvestorState,
    MediationState,
)

from .. import permissions
from ..agreements import selectors
from ..agreements.models import (
    Agreement,
    AgreementTerm,
    AgreementVersion,
    PerformanceConfirmation,
    PerformanceStep,
    SignatureKind,
    SignatureRecord,
    SigningMethod,
)
from ..mediation import figures
from ..mediation.models import Mediation, MediationParty
from ..mediation.notify import tell_parties
from ..models import MediationOrg, Mediator
from . import applications, delegations
from .mediation import locked_mediation


class AgreementProblems(DomainError):
    """Every problem of a version at once (kernel.agreement.term_problems), for the editor to show each where it
    belongs; the message is the first, for callers that show one line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = problems[0]
        super().__init__(
            gettext(first.message) if len(problems) == 1 else gettext("协议有%(n)s处需要修改") % {"n": len(problems)},
            field=first.field if first.index is None else "terms",
        )


@dataclass(frozen=True)
class TermInput:
    """A term as the mediator wrote it: the parties are this mediation's MediationParty ids."""

    obligor: int | None
    obligee: int | None
    kind: str
    description: str
    amount: Decimal | None
    due: dt.date | None


# --- helpers ---


def _locked(agreement: Agreement) -> tuple[Agreement, Mediation]:
    mediation = locked_mediation(agreement.mediation)
    agreement = Agreement.objects.select_for_update(of=("self",)).select_related("current").get(pk=agreement.pk)
    return agreement, mediation


def _move(agreement: Agreement, event: AgreementEvent) -> str:
    before = agreement.state
    agreement.state = AGREEMENT.next_state(agreement.state, event)
    return before


def _timeline(mediation: Mediation, actor, text: str) -> None:
    if mediation.direct:
        applications.add_event(mediation.application, actor, text)
    else:
        delegations.add_event(mediation.delegation, actor, text)


def agreement_url(mediation: Mediation) -> str:
    return reverse("agreement", args=[mediation.pk])


def _ensure_drafting_allowed(mediation: Mediation) -> None:
    """An agreement is made while the mediation runs, or right after the mediator recorded its success (the
    result's free-text terms then become the agreement's); never once it failed or was withdrawn."""
    recalled = not mediation.direct and mediation.delegation.state == InvestorState.RECALLED
    if mediation.state not in (*MEDIATION_OPEN, MediationState.SUCCEEDED) or recalled:
        raise DomainError(gettext("调解已终结，不能再制作调解协议"))


def _parties(mediation: Mediation) -> dict[int, MediationParty]:
    return {p.pk: p for p in mediation.parties.all()}


def _claims(mediation: Mediation) -> tuple[tuple[str, Decimal | None], ...]:
    source = mediation.source
    if mediation.direct:
        return ((source.claims, source.amount),)
    return tuple((c["text"], yuan(c["amount"]) if c.get("amount") not in (None, "") else None) for c in source.claims)


def _case_facts(mediation: Mediation) -> CaseFacts:
    source = mediation.source
    return CaseFacts(
        number=mediation.number,
        dispute_type=DisputeType(source.dispute_type),
        parties=tuple(CaseParty(p.pk, PartyRole(p.role), p.name) for p in mediation.parties.all()),
        claims=_claims(mediation),
        amount=source.amount,
        organisation=source.organisation.name,
        mediator=source.mediator.display_name if source.mediator_id else "",
    )


def _check(clauses: str, terms: list[TermInput], parties: dict[int, MediationParty]) -> list[Term]:
    kernel_terms = [
        Term(
            t.obligor,
            t.obligee,
            TermKind(t.kind) if t.kind in TermKind.__members__.values() else t.kind,
            t.description.strip(),
            t.amount,
            t.due,
        )
        for t in terms
    ]
    problems = term_problems(clauses, kernel_terms, set(parties), china_today())
    if problems:
        raise AgreementProblems(problems)
    return kernel_terms


def render_version(mediation: Mediation, version: AgreementVersion, terms: list[AgreementTerm]) -> bytes:
    """The version as the parties read and sign it (sutiao.documents.pdf): the same version always gives the same
    bytes (its own creation time and id), so its SHA-256 can be recomputed. The document is Chinese whatever the
    language of the page it was made from: a translated heading would change the bytes."""
    source = mediation.source
    parties = list(mediation.parties.all())
    names = {p.pk: p.name for p in parties}
    blocks: list = [pdf.Heading("当事人")]
    blocks += [pdf.Para(f"{PartyRole(p.role).label}：{p.name}") for p in parties]
    blocks += [pdf.Heading("协议条款"), pdf.Para(version.clauses)]
    if terms:
        blocks.append(pdf.Heading("履行条款"))
        blocks.append(
            pdf.TermsTable(
                ("序号", "义务人", "权利人", "履行内容", "金额（元）", "履行期限"),
                tuple(
                    (
                        str(t.position),
                        names[t.obligor_id],
                        names[t.obligee_id],
                        t.description or TermKind(t.kind).label,
                        format_yuan(t.amount) if t.amount is not None else "—",
                        f"{cn_date(t.due)}前",
                    )
                    for t in terms
                ),
                widths=(0.07, 0.2, 0.15, 0.28, 0.15, 0.15),
                numeric=frozenset({4}),
            )
        )
    signers = [pdf.Signer(PartyRole(p.role).label, p.name) for p in parties]
    signers.append(pdf.Signer("调解员", source.mediator.display_name if source.mediator_id else ""))
    signers.append(pdf.Signer("调解组织（电子印章）", source.organisation.name))
    return pdf.render(
        pdf.Document(
            title="调解协议书",
            blocks=tuple(blocks),
            footer=f"{mediation.number} · 调解协议 第{version.number}版",
            created=version.created_at,
            document_id=str(version.pk),
            signers=tuple(signers),
            author=source.organisation.name,
        )
    )


def _new_version(
    actor: User, agreement: Agreement, mediation: Mediation, clauses: str, terms: list[Term], note: str
) -> AgreementVersion:
    number = (agreement.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = AgreementVersion(
        agreement=agreement,
        number=number,
        clauses=clauses.strip(),
        note=note.strip()[:500],
        created_by=actor,
        created_at=timezone.now().replace(microsecond=0),
    )
    rows = [
        AgreementTerm(
            version=version,
            position=i,
            obligor_id=t.obligor,
            obligee_id=t.obligee,
            kind=t.kind,
            description=t.description.strip(),
            amount=t.amount,
            due=t.due,
        )
        for i, t in enumerate(terms, 1)
    ]
    data = render_version(mediation, version, rows)
    name = f"调解协议-{mediation.number}-第{number}版.pdf"
    stored = accept_upload(
        ContentFile(data, name=name), uploaded_by=actor, kind=FileKind.DOCUMENT, label=name, case=mediation.case_ref
    )
    version.pdf, version.sha256 = stored, stored.sha256
    version.save()
    AgreementTerm.objects.bulk_create(rows)
    agreement.current = version
    agreement.save(update_fields=["current"])
    return version


# --- drafting ---


@transaction.atomic
def draft_agreement(actor: User, mediation: Mediation) -> Agreement:
    """The mediator starts the agreement from the template of the case's dispute type, filled from the case (its
    parties, claims and amounts, kernel.agreement.draft_from_case): version 1, a draft for the mediator to edit.
    After the court rejected the application for confirmation of the agreement in force, the new draft takes its
    place and the old one is marked superseded (L13: 变更原调解协议或者达成新的调解协议, 民事诉讼法 Art. 206); the
    new draft then starts from the old agreement's last version — its clauses and terms copied as they stand, the
    parties being the same — for the mediator to change what the court's grounds call for, and remembers where it
    came from (`redrafted_from`). A copied due date that has passed is kept, not moved: the draft page flags it and
    freezing for signing refuses it until the mediator sets another (kernel.agreement.term_problems)."""
    mediation = locked_mediation(mediation)
    permissions.ensure_case_mediator(actor, mediation.source)
    _ensure_drafting_allowed(mediation)
    live = Agreement.objects.select_for_update().filter(mediation=mediation, state__in=AGREEMENT_LIVE).first()
    origin = None
    if live is not None:
        if not selectors.may_draft_anew(live):
            raise DomainError(gettext("本案已有调解协议，请在其上修改"))
        _supersede(actor, live, mediation)
        origin = live.current
    agreement = Agreement.objects.create(
        mediation=mediation, created_by=actor, created_at=timezone.now(), redrafted_from=origin
    )
    if origin is None:
        draft = draft_from_case(_case_facts(mediation), china_today())
        clauses, terms, note, after = draft.clauses, list(draft.terms), "按模板起草", {}
    else:
        clauses, terms = origin.clauses, _copied_terms(origin)
        rejection = selectors.redraft_origin(agreement).rejection
        # The version's note is part of the agreement's record, in Chinese like its PDF (not the page's language).
        note = f"以原调解协议第{origin.number}版为基础另行起草（{_rejected_by(rejection)}）"
        after = {
            "from_agreement": str(live.pk),
            "from_version": origin.number,
            "from_sha256": origin.sha256,
            "rejected_request": str(rejection.pk) if rejection else None,
        }
    version = _new_version(actor, agreement, mediation, clauses, terms, note)
    record(
        actor,
        "agreement.draft",
        agreement,
        case=mediation.case_ref,
        after={"version": version.number, "sha256": version.sha256, "terms": len(terms), **after},
    )
    if origin is None:
        text = gettext("起草调解协议（第1版）")
    else:
        text = gettext("起草调解协议（第1版），以原调解协议第%(v)s版的条款和履行条款为基础") % {"v": origin.number}
    _timeline(mediation, actor.display_name, text)
    return agreement


def _copied_terms(version: AgreementVersion) -> list[Term]:
    """The version's terms as they stand (who owes whom what, by when); their performance stays with the old."""
    return [
        Term(t.obligor_id, t.obligee_id, TermKind(t.kind), t.description, t.amount, t.due)
        for t in version.terms.order_by("position")
    ]


def _rejected_by(rejection) -> str:
    """Which ruling rejected it, for the version's note, e.g.
    «北京市朝阳区人民法院(2026)京0105民特7号裁定驳回司法确认申请»."""
    if rejection is None:
        return "司法确认申请被裁定驳回"
    return f"{rejection.court_name}{rejection.number}裁定驳回司法确认申请"


@transaction.atomic
def revise_agreement(actor: User, agreement: Agreement, clauses: str, terms: list[TermInput], note: str = ""):
    """A new version of the draft: the clauses and the terms as the mediator now wrote them, every problem
    reported at once (AgreementProblems). Refused once the agreement is frozen for signing."""
    agreement, mediation = _locked(agreement)
    permissions.ensure_case_mediator(actor, mediation.source)
    _ensure_drafting_allowed(mediation)
    if agreement.state != AgreementState.DRAFT:
        raise DomainError(gettext("调解协议已定稿提交签署，不能再修改；如需修改，请先撤回"))
    before = _move(agreement, AgreementEvent.REVISE)
    checked = _check(clauses, terms, _parties(mediation))
    version = _new_version(actor, agreement, mediation, clauses, checked, note)
    record(
        actor,
        "agreement.revise",
        agreement,
        case=mediation.case_ref,
        before={"state": before, "version": version.number - 1},
        after={"version": version.number, "sha256": version.sha256, "terms": len(checked), "note": version.note},
    )
    _timeline(mediation, actor.display_name, gettext("修改调解协议（第%(v)s版）") % {"v": version.number})
    return version


@transaction.atomic
def submit_for_signing(actor: User, agreement: Agreement) -> Agreement:
    """定稿，提交签署: the current version is frozen (no edits after) and its PDF, already rendered with its hash,
    is what every party and the mediator sign (L10). The current version is checked again first: a draft from the
    template whose due dates have since passed is not frozen."""
    agreement, mediation = _locked(agreement)
    permissions.ensure_case_mediator(actor, mediation.source)
    _ensure_drafting_allowed(mediation)
    version = agreement.current
    before = _freeze(agreement, mediation)
    agreement.save(update_fields=["state", "submitted_at"])
    record(
        actor,
        "agreement.submit",
        agreement,
        case=mediation.case_ref,
        before={"state": before},
        after={"state": agreement.state, "version": version.number, "sha256": version.sha256},
    )
    _timeline(mediation, actor.display_name, gettext("调解协议定稿（第%(v)s版），提交各方签署") % {"v": version.number})
    tell_parties(
        mediation,
        mediation.parties.all(),
        gettext("调解协议待签署"),
        gettext("调解协议已定稿，请阅读后签署"),
        agreement_url(mediation),
    )
    return agreement


def _freeze(agreement: Agreement, mediation: Mediation) -> str:
    """The current version, checked again (a draft from the template whose due dates have since passed is not
    frozen), frozen for signing; the agreement moves to signing (saved by the caller). Returns the state before."""
    version = agreement.current
    problems = selectors.version_problems(version, list(version.terms.order_by("position")), _parties(mediation))
    if problems:
        raise AgreementProblems(problems)
    before = _move(agreement, AgreementEvent.SUBMIT)
    now = timezone.now()
    if version.frozen_at is None:  # taken back from signing and submitted again unchanged: still frozen
        version.frozen_at = now
        version.save(update_fields=["frozen_at"])
    agreement.submitted_at = now
    return before


@transaction.atomic
def withdraw_from_signing(actor: User, agreement: Agreement, reason: str) -> Agreement:
    """The mediator takes the agreement back to change it, only while nobody has signed (a signature signs one
    text); the next change is a new version."""
    agreement, mediation = _locked(agreement)
    permissions.ensure_case_mediator(actor, mediation.source)
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("请写明撤回修改的原因"), field="reason")
    if agreement.state == AgreementState.SIGNING and not withdrawal_allowed(set(agreement.signed_party_ids)):
        raise DomainError(gettext("已有当事人签署，不能撤回修改；如需变更，请作废后重新起草"))
    before = _move(agreement, AgreementEvent.WITHDRAW)
    # A scan uploaded for the parties to confirm goes with it: the next version is signed afresh.
    agreement.submitted_at, agreement.method, agreement.paper_scan = None, SigningMethod.ONLINE, None
    agreement.save(update_fields=["state", "submitted_at", "method", "paper_scan"])
    record(
        actor,
        "agreement.withdraw",
        agreement,
        case=mediation.case_ref,
        before={"state": before},
        after={"state": agreement.state, "reason": reason[:500]},
    )
    _timeline(mediation, actor.display_name, gettext("撤回调解协议修改：%(r)s") % {"r": reason[:300]})
    tell_parties(
        mediation, mediation.parties.all(), gettext("调解协议已撤回修改"), reason[:300], agreement_url(mediation)
    )
    return agreement


@transaction.atomic
def void_agreement(actor: User, agreement: Agreement, reason: str) -> Agreement:
    """The mediator discards an agreement not yet in force (e.g. a party signed and the others will not), so a
    new one can be drafted."""
    agreement, mediation = _locked(agreement)
    permissions.ensure_case_mediator(actor, mediation.source)
    if not reason.strip():
        raise DomainError(gettext("请写明作废的原因"), field="reason")
    _void(actor, agreement, mediation, reason.strip())
    return agreement


def _void(actor, agreement: Agreement, mediation: Mediation, reason: str) -> None:
    before = _move(agreement, AgreementEvent.VOID)
    agreement.voided_at, agreement.void_reason = timezone.now(), reason[:500]
    agreement.save(update_fields=["state", "voided_at", "void_reason"])
    figures.refresh(mediation.pk)
    record(
        actor,
        "agreement.void",
        agreement,
        case=mediation.case_ref,
        before={"state": before},
        after={"state": agreement.state, "reason": reason[:500]},
    )
    _timeline(mediation, getattr(actor, "display_name", actor), gettext("调解协议作废：%(r)s") % {"r": reason[:300]})


def _supersede(actor, agreement: Agreement, mediation: Mediation) -> None:
    before = _move(agreement, AgreementEvent.SUPERSEDE)
    agreement.save(update_fields=["state"])
    figures.refresh(mediation.pk)
    record(
        actor,
        "agreement.supersede",
        agreement,
        case=mediation.case_ref,
        before={"state": before},
        after={"state": agreement.state},
    )
    text = gettext("原调解协议的司法确认申请被驳回，另行起草调解协议（%(rule)s）") % {"rule": RULING_CITATION}
    _timeline(mediation, actor.display_name, text)


def void_open_agreements(actor, mediation: Mediation, reason: str) -> None:
    """The mediation ended without an agreement in force (failed, withdrawn, recalled): a draft or an agreement
    awaiting signatures is void. Called inside the action that ends the mediation."""
    # The mediation before its agreements, in the order every agreement action locks them (_locked): voiding
    # refreshes the mediation's figures, which locks it.
    list(Mediation.objects.select_for_update().filter(pk=mediation.pk).values_list("pk"))
    for agreement in Agreement.objects.select_for_update().filter(
        mediation=mediation, state__in=(AgreementState.DRAFT, AgreementState.SIGNING)
    ):
        _void(actor, agreement, mediation, reason)


# --- L10: in force once every party signed ---


@transaction.atomic
def signature_recorded(agreement: Agreement, party: MediationParty | None, at: dt.datetime) -> Agreement:
    """What the signing flow calls, inside its own transaction, once it has recorded and verified a signature on
    the frozen version's PDF: `party` for a party's signature (None for the mediator's or the organisation's seal).
    When every party has signed, the agreement takes effect (L10, kernel.agreement.takes_effect; 《人民法院在线调解
    规则》第十九条第二款), the parties are told, and the court of a delegated case hears of it (AGREEMENT_STATUS)."""
    agreement, mediation = _locked(agreement)
    if agreement.state != AgreementState.SIGNING:
        raise DomainError(gettext("调解协议不在待签署状态"))
    if party is not None:
        if party.mediation_id != mediation.pk:
            raise DomainError(gettext("当事人不属于本案"))
        agreement.signed_party_ids = sorted({*agreement.signed_party_ids, party.pk})
    agreement.first_signed_at = agreement.first_signed_at or at
    fields = ["signed_party_ids", "first_signed_at"]
    if takes_effect(set(agreement.signed_party_ids), set(_parties(mediation))):
        before = _move(agreement, AgreementEvent.TAKE_EFFECT)
        agreement.effective_at = at
        fields += ["state", "effective_at"]
        record(
            SYSTEM,
            "agreement.effective",
            agreement,
            case=mediation.case_ref,
            before={"state": before},
            after={"state": agreement.state, "version": agreement.current.number, "sha256": agreement.current.sha256},
        )
        _timeline(
            mediation,
            SYSTEM,
            gettext("各方当事人均已签署，调解协议（第%(v)s版）生效") % {"v": agreement.current.number},
        )
        tell_parties(
            mediation,
            mediation.parties.all(),
            gettext("调解协议已生效"),
            gettext("调解协议已生效，请按约定主动履行"),
            agreement_url(mediation),
        )
        agreement.save(update_fields=fields)
        figures.refresh(mediation.pk)
        _send_status(agreement, mediation, AgreementStep.EFFECTIVE)
        return agreement
    agreement.save(update_fields=fields)
    return agreement


# --- signing online, or on paper confirmed online (L10; issue 11 §2, §7) ---

MEDIATOR_FIELD, SEAL_FIELD = "mediator", "seal"
PAPER_TYPES = (checks.PDF, checks.JPEG, checks.PNG)


def _signature_field(party: MediationParty | None) -> str:
    return MEDIATOR_FIELD if party is None else f"party-{party.pk}"


def _signer(actor: User, mediation: Mediation, party: MediationParty | None):
    """Who may sign for whom: the case's mediator signs as the mediator (party None); for a party, its own
    account or someone acting for it within the «sign» scope of a power of attorney (or a firm's staff). Nobody
    signs for another. Returns the `Acting` of someone acting for the party, else None."""
    if party is None:
        permissions.ensure_case_mediator(actor, mediation.source)
        return None
    refusal = gettext("仅该当事人本人或其在授权范围内（签署协议）的代理人可以签署，任何人不能代他人签署")
    if party.mediation_id != mediation.pk:
        raise PermissionDenied(refusal)
    return _acting(actor, party, refusal)


def _signed(version: AgreementVersion) -> list[SignatureRecord]:
    return list(version.signatures.order_by("at", "id"))


def _ensure_may_sign(agreement: Agreement, mediation: Mediation, party: MediationParty | None) -> None:
    """The agreement awaits signatures online and it is this signer's turn (kernel.agreement.signing_refusal)."""
    if agreement.state != AgreementState.SIGNING:
        raise DomainError(gettext("调解协议不在待签署状态"))
    if agreement.method != SigningMethod.ONLINE:
        raise DomainError(gettext("本协议已在纸上签署，请在线确认扫描件，无需电子签名"))
    records = _signed(agreement.current)
    problem = signing_refusal(
        None if party is None else party.pk,
        any(r.kind == SignatureKind.MEDIATOR for r in records),
        set(agreement.signed_party_ids),
        set(_parties(mediation)),
    )
    if problem:
        raise DomainError(gettext(problem))


def _ensure_may_confirm_paper(agreement: Agreement, party: MediationParty) -> None:
    if agreement.state != AgreementState.SIGNING or agreement.paper_scan_id is None:
        raise DomainError(gettext("没有待确认的纸质调解协议"))
    if party.pk in agreement.signed_party_ids:
        raise DomainError(gettext("该当事人已确认本协议"))


def _code_checked(actor: User, code: str) -> None:
    """The signer's SMS code (sutiao.accounts.sms_signin: the code sent to the signer's own mobile). Checked
    outside the action's transaction, so that a wrong code counts against the tries even though it is refused."""
    result = sms_signin.check_user_code(actor, code)
    if result is sms_signin.Check.OK:
        return
    raise DomainError(
        {
            sms_signin.Check.WRONG: gettext("验证码不正确，请核对短信后重新输入"),
            sms_signin.Check.EXPIRED: gettext("验证码已失效，请重新获取"),
            sms_signin.Check.NONE: gettext("请先获取短信验证码"),
        }[result],
        field="code",
    )


def send_signing_code(actor: User, agreement: Agreement, party: MediationParty | None, ip_address) -> str:
    """An SMS code to the signer's own mobile, for signing (or, for a paper agreement, confirming) for `party`
    (None: the mediator's signature), once it is their turn. Returns the mobile masked."""
    agreement = Agreement.objects.select_related("mediation", "current").get(pk=agreement.pk)
    mediation = agreement.mediation
    _signer(actor, mediation, party)
    if agreement.paper_scan_id is not None and party is not None:
        _ensure_may_confirm_paper(agreement, party)
        purpose = gettext("确认纸质调解协议（%(number)s）") % {"number": mediation.number}
    else:
        _ensure_may_sign(agreement, mediation, party)
        purpose = gettext("签署调解协议（%(number)s）") % {"number": mediation.number}
    return sms_signin.send_code_to(actor, ip_address, purpose=purpose)


def _identity(user: User) -> SigningIdentity:
    """The signer's own certificate, issued by the CA on first use: a party's account in the name it was
    verified under (a firm: the legal person's), a mediator in the roster's name, anyone else (an agent, a
    firm's staff) in the account's name, identified by the account."""
    profile = PartyProfile.objects.filter(user=user).first()
    mediator = Mediator.objects.filter(user=user).select_related("organisation").first()
    if profile is not None:
        kind = SubjectKind.LEGAL_PERSON if profile.is_firm else SubjectKind.NATURAL_PERSON
        name = profile.name[:NAME_MAX_CHARACTERS]
        subject = Subject(kind, name, decrypt(profile.id_number_encrypted), name if profile.is_firm else "")
    elif mediator is not None:
        subject = Subject(
            SubjectKind.NATURAL_PERSON,
            mediator.name[:NAME_MAX_CHARACTERS],
            decrypt(mediator.id_number_encrypted),
            mediator.organisation.name[:NAME_MAX_CHARACTERS],
        )
    else:
        subject = Subject(SubjectKind.NATURAL_PERSON, user.display_name[:NAME_MAX_CHARACTERS], f"user:{user.pk}")
    held = SigningIdentity.objects.of_holder(user=user).unrevoked().filter(kind=subject.kind).first()
    if held is not None and held.not_after > timezone.now():
        return held
    return issue_identity(user, subject=subject, user=user)


def _seal_identity(actor: User, organisation) -> SigningIdentity:
    """The organisation's e-seal (在线调解规则 Art. 19 ¶1), issued by the CA the first time it seals."""
    held = (
        SigningIdentity.objects.of_holder(institution=organisation)
        .unrevoked()
        .filter(kind=SubjectKind.ORGANISATION_SEAL)
        .first()
    )
    if held is not None and held.not_after > timezone.now():
        return held
    registry = MediationOrg.objects.filter(institution=organisation).first()
    subject = Subject(
        SubjectKind.ORGANISATION_SEAL,
        f"{organisation.name}电子印章"[:NAME_MAX_CHARACTERS],
        registry.uscc if registry else f"institution:{organisation.pk}",
        organisation.name[:NAME_MAX_CHARACTERS],
    )
    return issue_identity(actor, subject=subject, institution=organisation)


def sign_agreement(actor: User, agreement: Agreement, party: MediationParty | None, code: str) -> SignatureRecord:
    """签署: the mediator (party None), then each party — its own account, or an agent within the «sign» scope
    of its power of attorney, whose signature says so — signs the frozen version's PDF, confirming with the SMS
    code sent to their own mobile. Each signature is a PAdES B-LT signature with an RFC 3161 timestamp
    (documents.signing.sign) appended as an incremental update to the previous signed bytes, and each signed
    revision is kept with a SignatureRecord. When the last party signs, the organisation's e-seal is added at
    once (seal=True: the document is locked) and the agreement takes effect (L10, signature_recorded). The
    certificates are issued, the first time, before the action's transaction (a licensed CA answers over the
    network); the code is checked before it too (a wrong one must count)."""
    agreement = Agreement.objects.select_related("mediation", "current").get(pk=agreement.pk)
    mediation = agreement.mediation
    _signer(actor, mediation, party)
    _ensure_may_sign(agreement, mediation, party)
    _code_checked(actor, code)
    identity = _identity(actor)
    seal = None
    if party is not None and seal_due({*agreement.signed_party_ids, party.pk}, set(_parties(mediation))):
        seal = _seal_identity(actor, mediation.source.organisation)
    return _sign(actor, agreement, party, identity, seal)


def _read(stored) -> bytes:
    try:
        with open_verified(stored) as f:
            return f.read()
    except TamperedFile as e:
        raise DomainError(gettext("待签署的文件已被改动或缺失，不能签署，请联系调解组织")) from e


def _store_signed(actor, mediation, version, data: bytes, what: str):
    name = f"调解协议-{mediation.number}-第{version.number}版-{what}.pdf"
    return accept_upload(
        ContentFile(data, name=name), uploaded_by=actor, kind=FileKind.DOCUMENT, label=name, case=mediation.case_ref
    )


def _signed_at(data: bytes, field: str) -> dt.datetime:
    """The time the new signature's timestamp attests, once the whole signed file verified (documents.signing.
    verify; the result is kept for the agreement page, agreements.selectors.verification)."""
    report = selectors.verification(data)
    mine = next((s for s in report.signatures if s.field == field), None)
    if not report.valid or mine is None or mine.timestamp_time is None:
        raise DomainError(gettext("签名未通过验证，未予保存，请稍后重试或联系平台管理员"))
    return mine.timestamp_time


@transaction.atomic
def _sign(actor, agreement, party, identity, seal_identity) -> SignatureRecord:
    agreement, mediation = _locked(agreement)
    acting = _signer(actor, mediation, party)
    _ensure_may_sign(agreement, mediation, party)
    version = agreement.current
    previous = version.signatures.order_by("-at", "-id").select_related("file").first()
    before = previous.file if previous else version.pdf
    data = _read(before)
    organisation = mediation.source.organisation.name
    field = _signature_field(party)
    if party is None:
        reason, kind, who = f"调解员{actor.display_name}签署调解协议", SignatureKind.MEDIATOR, actor.display_name
    elif acting is None:
        reason, kind, who = f"{party.name}签署调解协议", SignatureKind.PARTY, party.name
    else:
        title = "代理人" if actor.role == Role.AGENT else "授权工作人员"
        reason, kind, who = f"{title}{actor.display_name}代{party.name}签署调解协议", SignatureKind.PARTY, party.name
    signed = sign(data, identity, field=field, reason=reason, location=organisation)
    at = _signed_at(signed, field)
    row = SignatureRecord.objects.create(
        agreement=agreement,
        version=version,
        kind=kind,
        party=party,
        signer=actor,
        signer_name=actor.display_name[:200],
        as_agent=acting is not None,
        at=at,
        field=field,
        file=_store_signed(actor, mediation, version, signed, f"{who}已签署"[:80]),
        sha256_before=before.sha256,
        sha256_after=hashlib.sha256(signed).hexdigest(),
        certificate_serial=identity.serial,
    )
    seq = record(
        actor,
        "agreement.sign",
        row,
        case=mediation.case_ref,
        after={
            "version": version.number,
            "kind": kind.value,
            "party": party.name if party else None,
            "as_agent": row.as_agent,
            "sha256_before": row.sha256_before,
            "sha256_after": row.sha256_after,
            "certificate_serial": row.certificate_serial,
        },
    )
    _timeline(mediation, actor.display_name, reason)
    if acting is not None:
        party_accounts.record_act(acting, actor, "agreement.sign", f"{mediation.number}：{reason}", seq)
    if party is None:
        tell_parties(
            mediation,
            mediation.parties.all(),
            gettext("调解协议待签署"),
            gettext("调解员已签署调解协议，请您阅读后签署"),
            agreement_url(mediation),
        )
        signature_recorded(agreement, None, at)
        return row
    if seal_identity is not None:  # the last party: the organisation's e-seal goes on before the effect
        _seal(actor, agreement, mediation, version, signed, seal_identity)
    signature_recorded(agreement, party, at)
    return row


def _seal(actor, agreement, mediation, version, data: bytes, identity) -> None:
    organisation = mediation.source.organisation.name
    sealed = sign(
        data, identity, field=SEAL_FIELD, reason=f"{organisation}加盖电子印章", location=organisation, seal=True
    )
    at = _signed_at(sealed, SEAL_FIELD)
    row = SignatureRecord.objects.create(
        agreement=agreement,
        version=version,
        kind=SignatureKind.SEAL,
        signer_name=identity.name,
        at=at,
        field=SEAL_FIELD,
        file=_store_signed(actor, mediation, version, sealed, "已盖章"),
        sha256_before=hashlib.sha256(data).hexdigest(),
        sha256_after=hashlib.sha256(sealed).hexdigest(),
        certificate_serial=identity.serial,
    )
    record(
        SYSTEM,
        "agreement.seal",
        row,
        case=mediation.case_ref,
        after={"version": version.number, "sha256_after": row.sha256_after, "certificate_serial": identity.serial},
    )
    _timeline(mediation, SYSTEM, gettext("各方签署完毕，加盖%(org)s电子印章") % {"org": organisation})


@transaction.atomic
def upload_paper_agreement(actor: User, agreement: Agreement, upload, offline: bool = False) -> Agreement:
    """The agreement signed on paper, scanned (PDF, JPG or PNG, typed by the documents upload path) and uploaded
    by the case's mediator or the organisation's administrator: during an online mediation (纸质签署) or for a
    mediation the organisation held offline (`offline`, issue 11 §7; 法办〔2021〕313号 四（五）). The current
    version (the text as the mediator recorded it, its terms followed for performance) is frozen as for online
    signing, and each party then confirms the scan online (confirm_paper_agreement). A scan may be replaced
    while no party has confirmed."""
    agreement, mediation = _locked(agreement)
    source = mediation.source
    if not (permissions.is_case_mediator(actor, source) or permissions.administers(actor, source.organisation_id)):
        raise PermissionDenied(gettext("仅本案调解员或调解组织管理员可上传纸质调解协议"))
    _ensure_drafting_allowed(mediation)
    if agreement.state not in (AgreementState.DRAFT, AgreementState.SIGNING):
        raise DomainError(gettext("调解协议不在可上传纸质协议的状态"))
    if agreement.signed_party_ids or agreement.current.signatures.exists():
        raise DomainError(gettext("已有人签署或确认本协议，不能再上传纸质协议"))
    before = _freeze(agreement, mediation) if agreement.state == AgreementState.DRAFT else agreement.state
    stored = accept_upload(
        upload, uploaded_by=actor, kind=FileKind.DOCUMENT, label=gettext("纸质调解协议扫描件"), case=mediation.case_ref
    )
    if stored.content_type not in PAPER_TYPES:
        raise DomainError(gettext("纸质调解协议扫描件须为 PDF、JPG 或 PNG 文件"), field="file")
    agreement.method = SigningMethod.OFFLINE if offline else SigningMethod.PAPER
    agreement.paper_scan = stored
    agreement.save(update_fields=["state", "submitted_at", "method", "paper_scan"])
    record(
        actor,
        "agreement.paper_upload",
        agreement,
        case=mediation.case_ref,
        before={"state": before},
        after={
            "state": agreement.state,
            "method": agreement.method,
            "version": agreement.current.number,
            "scan_sha256": stored.sha256,
        },
    )
    label = SigningMethod(agreement.method).label
    _timeline(
        mediation,
        actor.display_name,
        gettext("上传调解协议（%(method)s，第%(v)s版），待各方当事人在线确认")
        % {"method": gettext(label), "v": agreement.current.number},
    )
    tell_parties(
        mediation,
        mediation.parties.all(),
        gettext("请确认纸质调解协议"),
        gettext("调解组织上传了各方在纸上签署的调解协议，请核对扫描件后在线确认"),
        agreement_url(mediation),
    )
    return agreement


def confirm_paper_agreement(actor: User, agreement: Agreement, party: MediationParty, code: str) -> SignatureRecord:
    """A party (or its agent within «sign») confirms online, with the SMS code sent to their own mobile, that the
    uploaded scan is the agreement it signed on paper. When every party has confirmed, the agreement takes effect
    as one signed online does (L10, signature_recorded)."""
    agreement = Agreement.objects.select_related("mediation").get(pk=agreement.pk)
    _signer(actor, agreement.mediation, party)
    _ensure_may_confirm_paper(agreement, party)
    _code_checked(actor, code)
    return _confirm_paper(actor, agreement, party)


@transaction.atomic
def _confirm_paper(actor, agreement, party) -> SignatureRecord:
    agreement, mediation = _locked(agreement)
    acting = _signer(actor, mediation, party)
    _ensure_may_confirm_paper(agreement, party)
    scan = agreement.paper_scan
    try:
        open_verified(scan).close()
    except TamperedFile as e:
        raise DomainError(gettext("扫描件已被改动或缺失，不能确认，请联系调解组织")) from e
    now = timezone.now()
    row = SignatureRecord.objects.create(
        agreement=agreement,
        version=agreement.current,
        kind=SignatureKind.PAPER,
        party=party,
        signer=actor,
        signer_name=actor.display_name[:200],
        as_agent=acting is not None,
        at=now,
        file=scan,
        sha256_before=scan.sha256,
        sha256_after=scan.sha256,
    )
    if acting is None:
        text = gettext("%(party)s在线确认纸质调解协议") % {"party": party.name}
    else:
        text = gettext("%(agent)s代%(party)s在线确认纸质调解协议") % {"agent": actor.display_name, "party": party.name}
    seq = record(
        actor,
        "agreement.paper_confirm",
        row,
        case=mediation.case_ref,
        after={"party": party.name, "as_agent": row.as_agent, "scan_sha256": scan.sha256},
    )
    _timeline(mediation, actor.display_name, text)
    if acting is not None:
        party_accounts.record_act(acting, actor, "agreement.paper_confirm", f"{mediation.number}：{text}", seq)
    signature_recorded(agreement, party, now)
    return row


# --- voluntary performance ---


def status_of(term: AgreementTerm, today: dt.date | None = None) -> TermStatus:
    return term_status(
        term.due,
        today or china_today(),
        confirmed_on=china_today(term.performed_at) if term.performed_at else None,
        reported_on=china_today(term.reported_at) if term.reported_at else None,
    )


def _send_status(agreement: Agreement, mediation: Mediation, step: AgreementStep) -> None:
    """The court that delegated the case follows the agreement and its performance (issue 11 §3); a direct
    application has no court to tell."""
    if mediation.direct:
        return
    d = mediation.delegation
    version = agreement.current
    # The document the parties are bound by — the sealed signed revision, or the confirmed paper scan — is what the
    # court is told of and fetches by its hash (a 调解书 is made from it, L15).
    document = selectors.binding_document(agreement)
    if step == AgreementStep.EFFECTIVE:
        share(d.peer, document)
    names = {p.pk: p.name for p in mediation.parties.all()}
    outbox.send(
        d.peer,
        MessageType.AGREEMENT_STATUS,
        d.case,
        AgreementStatusPayload(
            delegation_id=d.id,
            agreement_id=agreement.pk,
            version=version.number,
            sha256=document.sha256,
            step=step,
            terms=[
                AgreementTermStatus(
                    position=t.position,
                    obligor=names[t.obligor_id][:200],
                    obligee=names[t.obligee_id][:200],
                    kind=t.kind,
                    description=t.description,
                    amount=t.amount,
                    due=t.due,
                    status=status_of(t).value,
                )
                for t in version.terms.order_by("position")
            ],
            at=timezone.now(),
        ),
    )


def _acting(actor: User, party: MediationParty, refusal: str = ""):
    """Who says something for `party`: the party's own linked account, or an agent (or a firm's staff) acting
    within the «sign» scope (确认笔录、签署协议) for that party's account. Returns the party-accounts `Acting` for
    someone acting for the party (the party sees the act), else None; anyone else is refused with `refusal`."""
    if party.user_id is not None and party.user_id == actor.pk:
        return None
    refused = PermissionDenied(refusal or gettext("仅该当事人本人或其授权代理人可确认履行情况"))
    if party.user_id is None or not party.id_number_digest:
        raise refused
    try:
        acting = party_accounts.acting_for(actor, party.id_number_digest, AgentScope.SIGN)
    except PermissionDenied:
        raise refused from None
    if acting.as_self or acting.party.user_id != party.user_id:
        raise refused
    return acting


_STEP_TEXT = {
    PerformanceStep.REPORTED: "报告已履行",
    PerformanceStep.CONFIRMED: "确认已收到/已履行",
    PerformanceStep.DISPUTED: "对履行提出异议",
}


@transaction.atomic
def confirm_performance(
    actor: User, term: AgreementTerm, party: MediationParty, step: str, note: str = ""
) -> PerformanceConfirmation:
    """A party (or its agent) says how a term of the agreement in force was performed: the obligor reports it
    performed; the obligee confirms receipt or performance, or disputes the obligor's report (which clears it).
    A term is performed once the obligee confirms, or once a report stands undisputed (kernel.agreement.
    term_status). Each statement is kept; the court of a delegated case hears the new status."""
    term = AgreementTerm.objects.select_related("version__agreement__mediation").get(pk=term.pk)
    agreement, mediation = _locked(term.version.agreement)
    term = AgreementTerm.objects.select_for_update().get(pk=term.pk)
    acting = _acting(actor, party)
    if party.mediation_id != mediation.pk:
        raise PermissionDenied(gettext("仅该当事人本人或其授权代理人可确认履行情况"))
    if agreement.state != AgreementState.EFFECTIVE or agreement.current_id != term.version_id:
        raise DomainError(gettext("调解协议尚未生效，不能确认履行情况"))
    step = PerformanceStep(step)
    if step == PerformanceStep.REPORTED and party.pk != term.obligor_id:
        raise DomainError(gettext("仅该条款的义务人可报告已履行"), field="step")
    if step in (PerformanceStep.CONFIRMED, PerformanceStep.DISPUTED) and party.pk != term.obligee_id:
        raise DomainError(gettext("仅该条款的权利人可确认或提出异议"), field="step")
    if term.performed_at is not None:
        raise DomainError(gettext("该条款已履行完毕"))
    if step == PerformanceStep.REPORTED and term.reported_at is not None:
        raise DomainError(gettext("已报告履行，待权利人确认"))
    if step == PerformanceStep.DISPUTED and term.reported_at is None:
        raise DomainError(gettext("义务人尚未报告履行，无需提出异议"))
    note = note.strip()
    if step == PerformanceStep.DISPUTED and not note:
        raise DomainError(gettext("请写明异议的理由"), field="note")
    now = timezone.now()
    if step == PerformanceStep.REPORTED:
        term.reported_at = now
    elif step == PerformanceStep.CONFIRMED:
        term.performed_at = now
    else:
        term.reported_at = None
    term.save(update_fields=["reported_at", "performed_at"])
    figures.refresh(mediation.pk)
    confirmation = PerformanceConfirmation.objects.create(
        term=term, party=party, step=step, note=note[:500], at=now, by=actor
    )
    seq = record(
        actor,
        "agreement.performance",
        confirmation,
        case=mediation.case_ref,
        after={"term": term.position, "party": party.name, "step": step.value, "status": status_of(term).value},
    )
    text = gettext("%(party)s就第%(n)s项履行条款%(what)s") % {
        "party": party.name,
        "n": term.position,
        "what": _STEP_TEXT[step],
    }
    if acting is not None:
        party_accounts.record_act(acting, actor, "agreement.performance", f"{mediation.number}：{text}", seq)
    _timeline(mediation, party.name, text + (f"：{note[:200]}" if note else ""))
    other = term.obligee if step == PerformanceStep.REPORTED else term.obligor
    tell_parties(mediation, [other], gettext("履行情况"), text, agreement_url(mediation))
    _send_status(agreement, mediation, AgreementStep.PERFORMANCE)
    return confirmation


@transaction.atomic
def remind_performance() -> int:
    """The periodic scan of unperformed terms of agreements in force (a job): a report left undisputed for
    UNDISPUTED_DAYS counts as performance; the obligor is reminded once, shortly before the due date; a term
    whose due date passed unperformed is noted once as overdue, to both parties and the court. Returns how many
    terms it acted on."""
    today = china_today()
    acted = 0
    terms = (
        AgreementTerm.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related(
            "version__agreement__mediation__delegation__peer",
            "version__agreement__mediation__application",
            "obligor",
            "obligee",
        )
        .filter(performed_at__isnull=True, version__agreement__state=AgreementState.EFFECTIVE)
        # Due soon or past (a reminder, an overdue note), or reported (an undisputed report to settle).
        .filter(Q(due__lte=today + dt.timedelta(days=REMINDER_DAYS_BEFORE_DUE)) | Q(reported_at__isnull=False))
        # Noted overdue and no report pending: nothing is left for the scan to do with it.
        .exclude(overdue_noted_at__isnull=False, reported_at__isnull=True)
        .order_by("due", "id")
    )
    changed: dict = {}
    for term in terms:
        agreement = term.version.agreement
        if agreement.current_id != term.version_id:
            continue
        mediation = agreement.mediation
        status = status_of(term, today)
        now = timezone.now()
        if status == TermStatus.PERFORMED:  # a report the obligee did not dispute in time
            # The mediation's figures change with it (its lock first, as refresh takes it). An action holding the
            # mediation may be waiting for this term's lock: skip it rather than wait, the next scan settles it.
            if Mediation.objects.select_for_update(skip_locked=True).filter(pk=mediation.pk).first() is None:
                continue
            term.performed_at, term.performed_undisputed = now, True
            term.save(update_fields=["performed_at", "performed_undisputed"])
            figures.refresh(mediation.pk)
            record(
                SYSTEM, "agreement.performed_undisputed", term, case=mediation.case_ref, after={"term": term.position}
            )
            _timeline(
                mediation,
                SYSTEM,
                gettext("第%(n)s项履行条款：义务人报告履行后权利人未提出异议，视为已履行") % {"n": term.position},
            )
            changed.setdefault(agreement.pk, (agreement, mediation, AgreementStep.PERFORMANCE))
        elif reminder_due(term.due, today, status, term.reminded_at is not None):
            term.reminded_at = now
            term.save(update_fields=["reminded_at"])
            text = gettext("第%(n)s项履行条款应于%(due)s前履行：%(what)s") % {
                "n": term.position,
                "due": cn_date(term.due),
                "what": _describe(term),
            }
            record(SYSTEM, "agreement.reminded", term, case=mediation.case_ref, after={"term": term.position})
            tell_parties(mediation, [term.obligor], gettext("履行期限提醒"), text, agreement_url(mediation))
        elif status == TermStatus.OVERDUE and term.overdue_noted_at is None:
            term.overdue_noted_at = now
            term.save(update_fields=["overdue_noted_at"])
            text = gettext("第%(n)s项履行条款已逾期未履行（应于%(due)s前履行）") % {
                "n": term.position,
                "due": cn_date(term.due),
            }
            record(SYSTEM, "agreement.overdue", term, case=mediation.case_ref, after={"term": term.position})
            _timeline(mediation, SYSTEM, text)
            tell_parties(mediation, [term.obligor, term.obligee], gettext("履行逾期"), text, agreement_url(mediation))
            changed[agreement.pk] = (agreement, mediation, AgreementStep.OVERDUE)
        else:
            continue
        acted += 1
    for agreement, mediation, step in changed.values():
        _send_status(agreement, mediation, step)
    return acted


def _describe(term: AgreementTerm) -> str:
    what = term.description or TermKind(term.kind).label
    if term.amount is not None:
        what += gettext("（%(amount)s元）") % {"amount": format_yuan(term.amount)}
    return what
