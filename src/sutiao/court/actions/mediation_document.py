"""The 调解书 of an entrusted case (issue 11 §5; 《民事诉讼法》Art. 100; LEGAL-RULES L15, L18): the judge who hears
the case issues it from the agreement in force — fetched by its hash from the organisation's platform — as a PDF
sealed with the court's e-seal and served on each party (L16); each party signs for receipt online; once both have,
it is in force and the case closes. A party who refuses leaves it without effect, and the trial resumes (Art. 102).
Each function is one action: permission, kernel transition, story and audit record in one transaction."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts.models import AgentScope, Role, User
from sutiao.accounts.parties import acting_for, record_act
from sutiao.audit.log import record
from sutiao.docking.documents import fetch_document
from sutiao.documents.actions import accept_upload
from sutiao.documents.models import FileKind
from sutiao.kernel.confirmation import case_fee, half_fee
from sutiao.kernel.enums import CaseStage, MediationOutcome
from sutiao.kernel.errors import DomainError
from sutiao.kernel.mediation_document import REFUSAL_CITATION
from sutiao.kernel.mediation_document import takes_effect as document_takes_effect
from sutiao.kernel.workflow import (
    COURT,
    MEDIATION_DOCUMENT,
    CourtEvent,
    CourtState,
    MediationDocumentEvent,
    MediationDocumentState,
)

from .. import permissions
from ..mediation_document import agreed_terms, mediation_document
from ..models import Case, Delegation, DocumentReceipt, MediationDocument, Party
from ..sealed import court_seal, sealed_document
from .common import case_event, transition
from .service import serve_to_party

TITLE = "民事调解书"


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def assign_judge(actor: User, case: Case, judge: User) -> Case:
    """Filing staff name the judge who hears a case in litigation (承办法官): the one who issues its 调解书."""
    case = _locked(case)
    permissions.ensure_may_assign_judge(actor, case)
    if case.stage != CaseStage.IN_LITIGATION:
        raise DomainError(gettext("诉前案件尚未立案，没有承办法官"))
    if judge.role != Role.JUDGE or judge.institution_id != case.court_id or not judge.is_active:
        raise DomainError(gettext("请指定本院的一名法官"), field="judge")
    before = str(case.judge) if case.judge_id else ""
    case.judge = judge
    case.save(update_fields=["judge"])
    case_event(case, actor, gettext("指定承办法官：%(judge)s") % {"judge": judge})
    record(actor, "case.assign_judge", case, case=case, before={"judge": before}, after={"judge": str(judge)})
    return case


def _settled_delegation(case: Case) -> Delegation:
    """The entrustment whose mediation succeeded with an agreement in force (AGREEMENT_STATUS effective)."""
    if case.stage != CaseStage.IN_LITIGATION:
        raise DomainError(gettext("调解书仅适用于委托调解（诉中）的案件；诉前委派调解达成的协议可申请司法确认"))
    delegation = case.current_delegation
    if case.state != CourtState.SUCCEEDED or delegation is None or delegation.outcome != MediationOutcome.SUCCEEDED:
        raise DomainError(gettext("案件尚未调解成功，不能制作调解书"))
    if not delegation.agreement_sha256:
        raise DomainError(gettext("尚未收到生效的调解协议（各方当事人签署后生效），不能制作调解书"))
    return delegation


def issue(actor: User, case: Case) -> MediationDocument:
    """The judge issues the 调解书 (L15): the agreement in force is fetched from the organisation's platform by its
    SHA-256 (the hash checked on arrival), the document rendered with the agreed terms and half the case fee
    (L18), sealed with the court's e-seal, stored, and served on each party (L16); the case waits for both
    parties to sign for receipt. The fetch and the seal's first issue happen before the transaction (both may
    wait on the network); everything else in one transaction."""
    permissions.ensure_may_issue_document(actor, case)
    delegation = _settled_delegation(case)
    agreement_bytes = fetch_document(delegation.organisation.peer, delegation.agreement_sha256)
    seal = court_seal(case.court, actor)
    return _issue(actor, case, agreement_bytes, seal)


@transaction.atomic
def _issue(actor: User, case: Case, agreement_bytes: bytes, seal) -> MediationDocument:
    case = _locked(case)
    permissions.ensure_may_issue_document(actor, case)
    delegation = _settled_delegation(case)
    fields = transition(case, CourtEvent.ISSUE_DOCUMENT, COURT)
    if case.closed_at is not None:  # settled, the case had closed; it is open again until the document's effect
        case.closed_at = None
        fields.append("closed_at")
    case.save(update_fields=fields)
    agreement = accept_upload(
        ContentFile(agreement_bytes, name=f"{case.number}调解协议.pdf"),
        uploaded_by=actor,
        kind=FileKind.DOCUMENT,
        label=gettext("调解协议（第%(v)s版）") % {"v": delegation.agreement_version},
        case=case,
    )
    if agreement.sha256 != delegation.agreement_sha256:  # fetch_document checked it; the store must agree
        raise DomainError(gettext("调解协议的 SHA-256 校验值不符，已拒收"))
    now = timezone.now()
    fee = case_fee(case.amount)
    fee_due = half_fee(fee)
    terms = agreed_terms(delegation)
    stored = sealed_document(
        actor,
        mediation_document(case, delegation, terms, fee, fee_due, actor, now),
        seal,
        court=case.court,
        file_name=f"{case.number}民事调解书.pdf",
        case=case,
    )
    document = MediationDocument.objects.create(
        case=case,
        delegation=delegation,
        agreement=agreement,
        document=stored,
        terms=terms,
        case_fee=fee,
        fee_due=fee_due,
        issued_by=actor,
        issued_at=now,
    )
    case_event(case, actor, gettext("制作民事调解书，送达双方当事人签收（《中华人民共和国民事诉讼法》第一百条）"))
    for party in case.parties.all():
        serve_to_party(actor, case, party, stored, TITLE)
    record(
        actor,
        "mediation_document.issue",
        document,
        case=case,
        after={
            "sha256": stored.sha256,
            "agreement_sha256": agreement.sha256,
            "agreement_version": delegation.agreement_version,
            "case_fee": fee,
            "fee_due": fee_due,
        },
    )
    return document


def _open_document(case: Case, party: Party) -> MediationDocument:
    if party.case_id != case.pk:
        raise DomainError(gettext("当事人不属于本案"))
    document = MediationDocument.objects.select_for_update().filter(case=case).first()
    if document is None or document.state != MediationDocumentState.ISSUED:
        raise DomainError(gettext("本案没有待签收的调解书"))
    if DocumentReceipt.objects.filter(document=document, party=party).exists():
        raise DomainError(gettext("该当事人已对调解书作出签收或拒收的表示"))
    return document


def _acting(actor: User, party: Party):
    """The party themself, or whoever acts for them within the «sign» scope (确认笔录、签署协议)."""
    if not party.id_digest:
        raise DomainError(gettext("该当事人未登记证件号码，不能在线签收"))
    return acting_for(actor, party.id_digest, AgentScope.SIGN)


@transaction.atomic
def sign_receipt(actor: User, case: Case, party: Party) -> MediationDocument:
    """A party (or their agent) signs for receipt of the 调解书 online (在线诉讼规则 Art. 33). Once every party has
    signed, it is in force (L15; 《民事诉讼法》Art. 100 ¶3) and the case closes."""
    case = _locked(case)
    acting = _acting(actor, party)
    document = _open_document(case, party)
    DocumentReceipt.objects.create(document=document, party=party, signed=True, by=actor)
    case_event(case, actor, gettext("%(party)s签收民事调解书") % {"party": party.name})
    seq = record(actor, "mediation_document.sign_receipt", document, case=case, after={"party": party.name})
    record_act(
        acting, actor, "mediation_document.sign_receipt", gettext("签收民事调解书 %(n)s") % {"n": case.number}, seq
    )
    signed = set(DocumentReceipt.objects.filter(document=document, signed=True).values_list("party_id", flat=True))
    if document_takes_effect(signed, {p.pk for p in case.parties.all()}):
        document.state = MEDIATION_DOCUMENT.next_state(document.state, MediationDocumentEvent.TAKE_EFFECT)
        document.effective_at = timezone.now()
        document.save(update_fields=["state", "effective_at"])
        case.save(update_fields=transition(case, CourtEvent.DOCUMENT_EFFECTIVE, COURT))
        case_event(case, "系统", gettext("双方当事人均已签收，调解书发生法律效力，本案结案"))
        record(actor, "mediation_document.effective", document, case=case, after={"state": document.state})
    return document


@transaction.atomic
def refuse_receipt(actor: User, case: Case, party: Party, reason: str) -> MediationDocument:
    """A party refuses to sign for the 调解书 before it took effect — online themself (or their agent), or as the
    judge records it: it does not take effect, and the court proceeds to judgment (《民事诉讼法》Art. 102); the
    case returns to trial."""
    case = _locked(case)
    if actor.role in (Role.PARTY, Role.AGENT):
        acting = _acting(actor, party)
    else:
        permissions.ensure_may_issue_document(actor, case)
        acting = None
    if not reason.strip():
        raise DomainError(gettext("请写明拒绝签收的理由"), field="reason")
    document = _open_document(case, party)
    DocumentReceipt.objects.create(document=document, party=party, signed=False, reason=reason.strip(), by=actor)
    document.state = MEDIATION_DOCUMENT.next_state(document.state, MediationDocumentEvent.REFUSE)
    document.save(update_fields=["state"])
    case.save(update_fields=transition(case, CourtEvent.RESUME_TRIAL, COURT))
    case_event(
        case,
        actor,
        gettext("%(party)s拒绝签收民事调解书（%(reason)s）：调解书不发生法律效力，本案恢复审理（%(citation)s）")
        % {"party": party.name, "reason": reason.strip(), "citation": REFUSAL_CITATION},
    )
    seq = record(
        actor, "mediation_document.refuse", document, case=case, after={"party": party.name, "reason": reason.strip()}
    )
    if acting is not None:
        record_act(
            acting, actor, "mediation_document.refuse", gettext("拒绝签收民事调解书 %(n)s") % {"n": case.number}, seq
        )
    return document
