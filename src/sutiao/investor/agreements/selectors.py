"""Who reads a mediation's agreement, written once: the case's mediator, the organisation's administrator, the
mediation's parties (their linked accounts) and whoever acts for a party within a power of attorney covering
documents or signing (an agent, a firm's staff). Anyone else gets 404, as if the case did not exist."""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.http import Http404

from sutiao.accounts import parties as party_accounts
from sutiao.accounts.models import AgentScope, Role
from sutiao.documents.signing import DocumentVerification, verify
from sutiao.documents.storage import documents_storage
from sutiao.kernel.agreement import Problem, Term, TermKind, term_problems
from sutiao.kernel.calendar import china_today
from sutiao.kernel.confirmation import RulingOutcome, new_agreement_allowed
from sutiao.kernel.workflow import AGREEMENT_LIVE, AgreementState

from .. import permissions
from ..confirmation.models import ConfirmationRequest
from ..mediation.models import Mediation, MediationParty
from .models import Agreement, AgreementTerm, AgreementVersion, PerformanceConfirmation, SignatureRecord

READ_SCOPES = (AgentScope.DOCUMENTS, AgentScope.SIGN)


@dataclass(frozen=True)
class AgreementViewer:
    mediator: bool
    admin: bool
    parties: tuple  # the mediation's party rows the viewer speaks for (their own, or as agent within «sign»)

    @property
    def party(self) -> bool:
        return bool(self.parties)


def _acted_for(user, mediation: Mediation, scopes) -> tuple:
    rows = list(mediation.parties.all())
    own = [p for p in rows if p.user_id is not None and p.user_id == user.pk]
    if user.role not in (Role.PARTY, Role.AGENT):
        return tuple(own)
    accounts = {a.party.user_id for a in party_accounts.represented(user) if any(s in a.scopes for s in scopes)}
    return tuple(own + [p for p in rows if p not in own and p.user_id in accounts])


def viewer_for(user, mediation_id) -> tuple[Mediation, AgreementViewer]:
    """The mediation as `user` may see its agreement, and the viewer (whose `parties` are those it may speak for:
    an agent whose power covers documents but not signing reads only), or 404."""
    mediation = (
        Mediation.objects.select_related(
            "delegation",
            "delegation__organisation",
            "delegation__mediator",
            "application",
            "application__organisation",
            "application__mediator",
        )
        .filter(pk=mediation_id)
        .first()
    )
    if mediation is None or not user.is_authenticated:
        raise Http404("没有这个调解案件")
    source = mediation.source
    readers = _acted_for(user, mediation, READ_SCOPES)
    acting = _acted_for(user, mediation, (AgentScope.SIGN,))
    viewer = AgreementViewer(
        mediator=permissions.is_case_mediator(user, source),
        admin=permissions.administers(user, source.organisation_id),
        parties=acting,
    )
    if not (viewer.mediator or viewer.admin or readers):
        raise Http404("没有这个调解案件")
    return mediation, viewer


def current_agreement(mediation: Mediation) -> Agreement | None:
    """The live agreement (draft, signing or in force), else the latest void or superseded one, else None."""
    qs = Agreement.objects.filter(mediation=mediation).select_related("current", "current__created_by")
    return qs.filter(state__in=list(AGREEMENT_LIVE)).first() or qs.order_by("-created_at").first()


def latest_ruling_outcome(agreement: Agreement) -> str:
    """The outcome of the court's ruling on the agreement's latest application for judicial confirmation ("" while
    none was ruled on): after a rejection a new agreement may be drafted (L13)."""
    latest = ConfirmationRequest.objects.filter(agreement=agreement).order_by("-started_at", "-id").first()
    return latest.outcome if latest is not None else ""


def may_draft_anew(agreement: Agreement | None) -> bool:
    """No live agreement, or the one in force was rejected by the court (L13: change it or reach a new one)."""
    if agreement is None or agreement.state not in AGREEMENT_LIVE:
        return True
    return agreement.state == AgreementState.EFFECTIVE and new_agreement_allowed(latest_ruling_outcome(agreement))


def terms_of(version: AgreementVersion):
    return version.terms.select_related("obligor", "obligee").order_by("position")


def version_problems(version: AgreementVersion, terms: list[AgreementTerm], party_ids) -> list[Problem]:
    """What the kernel refuses in a stored version today (kernel.agreement.term_problems; `terms` in position
    order, a Problem's index is the term's place in it): what freezing it for signing refuses, and what the draft
    page flags up front — a version copied from a rejected agreement, or a draft left lying, whose due dates have
    passed since."""
    return term_problems(
        version.clauses,
        [
            Term(
                t.obligor_id,
                t.obligee_id,
                TermKind(t.kind) if t.kind in TermKind.__members__.values() else t.kind,
                t.description,
                t.amount,
                t.due,
            )
            for t in terms
        ],
        set(party_ids),
        china_today(),
    )


@dataclass(frozen=True)
class RedraftOrigin:
    """Where a new agreement drafted after a rejection (L13) started: the superseded agreement's version whose
    clauses and terms were copied, and the application for its confirmation the court rejected (its court, 民特
    number, ground and reasons, as the court's ruling said them)."""

    version: AgreementVersion
    rejection: ConfirmationRequest | None


def redraft_origin(agreement: Agreement | None) -> RedraftOrigin | None:
    if agreement is None or agreement.redrafted_from_id is None:
        return None
    version = AgreementVersion.objects.get(pk=agreement.redrafted_from_id)
    rejection = (
        ConfirmationRequest.objects.filter(agreement_id=version.agreement_id, outcome=RulingOutcome.REJECTED)
        .order_by("-started_at", "-id")
        .first()
    )
    return RedraftOrigin(version, rejection)


def confirmations_of(version: AgreementVersion):
    return (
        PerformanceConfirmation.objects.filter(term__version=version)
        .select_related("party", "by")
        .order_by("term", "at", "id")
    )


def versions_of(mediation: Mediation):
    """Every version of every agreement of the mediation, newest first (the history, paged by its caller)."""
    return (
        AgreementVersion.objects.filter(agreement__mediation=mediation)
        .select_related("agreement", "created_by", "pdf")
        .order_by("-created_at", "-id")
    )


def version_in(mediation: Mediation, version_id) -> AgreementVersion | None:
    return versions_of(mediation).filter(pk=version_id).first()


def parties_of(mediation: Mediation) -> list[MediationParty]:
    return list(mediation.parties.all())


# --- signatures (issue 11 §2): what the agreement page shows of them ---

# A verification is a function of the bytes (and of the CRLs, which change what it says of a certificate revoked
# since, not whether a signature made before stands): kept by the file's SHA-256 for as long as the CA keeps a CRL.
VERIFICATION_SECONDS = 3600


def verification(data: bytes) -> DocumentVerification:
    """documents.signing.verify of these bytes, cached by their SHA-256."""
    key = f"sutiao:pdf-verification:{hashlib.sha256(data).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = verify(data)
        cache.set(key, found, VERIFICATION_SECONDS)
    return found


def signatures_of(version: AgreementVersion) -> list[SignatureRecord]:
    return list(version.signatures.select_related("party", "signer", "file").order_by("at", "id"))


def signed_document(agreement: Agreement):
    """The document the parties are bound by: the latest signed revision of the version in signing or in force
    (sealed once the last party signed), or the uploaded scan of one signed on paper; None before anyone signed
    online."""
    if agreement.paper_scan_id is not None:
        return agreement.paper_scan
    latest = agreement.current.signatures.select_related("file").order_by("-at", "-id").first()
    return latest.file if latest else None


def binding_document(agreement: Agreement):
    """What another platform is sent of an agreement: the signed document once there is one, else the frozen
    version's PDF (an agreement is in force only once signed, so a court never gets an unsigned one in force)."""
    return signed_document(agreement) or agreement.current.pdf


@dataclass(frozen=True)
class SigningStatus:
    """The signatures as the agreement page shows them: each SignatureRecord, the current signed document and
    whether its stored bytes are still those recorded (`intact`), and, for a signed PDF, what `verify` says of
    them (every signature: who, when by the timestamp, valid or not, whether it covers the whole file)."""

    records: list
    document: object  # StoredFile | None
    intact: bool
    verification: DocumentVerification | None

    @property
    def warning(self) -> bool:
        """The red warning: the stored bytes changed, or a signature fails or was followed by an alteration."""
        if self.document is None:
            return False
        return not self.intact or (self.verification is not None and not self.verification.valid)


def signing_status(agreement: Agreement) -> SigningStatus:
    records = signatures_of(agreement.current)
    document = signed_document(agreement)
    if document is None:
        return SigningStatus(records, None, True, None)
    try:
        with documents_storage().open(document.storage_name, "rb") as f:
            data = f.read()
    except OSError:
        return SigningStatus(records, document, False, None)
    intact = hashlib.sha256(data).hexdigest() == document.sha256
    checked = verification(data) if document.content_type == "application/pdf" and not agreement.paper_scan_id else None
    return SigningStatus(records, document, intact, checked)
