"""Documents the court issues under its electronic seal — the ruling on judicial confirmation (民事裁定书) and the
调解书 (民事调解书): the seal identity, and one way to render, seal and store such a document."""

from django.core.files.base import ContentFile
from django.utils import timezone

from sutiao.accounts.models import Institution
from sutiao.documents.actions import accept_upload
from sutiao.documents.ca import Subject, SubjectKind
from sutiao.documents.identities import issue_identity
from sutiao.documents.models import FileKind, SigningIdentity, StoredFile
from sutiao.documents.pdf import Document, render
from sutiao.documents.signing import sign

SEAL_FIELD = "court-seal"


def court_seal(court: Institution, actor) -> SigningIdentity:
    """The court's e-seal identity, issued by the CA the first time the court seals a document (outside the
    caller's transaction: a licensed CA answers over the network)."""
    seal = SigningIdentity.objects.of_holder(institution=court).unrevoked().filter(kind=SubjectKind.COURT_SEAL).first()
    if seal is not None and seal.not_after > timezone.now():
        return seal
    subject = Subject(SubjectKind.COURT_SEAL, name=court.name, identifier=f"court:{court.pk}", organisation=court.name)
    return issue_identity(actor, subject=subject, institution=court)


def sealed_document(
    actor, document: Document, seal: SigningIdentity, *, court, file_name: str, case=None
) -> StoredFile:
    """`document` rendered to PDF, sealed with the court's e-seal (PAdES, documents.signing) and stored, inside the
    caller's transaction. The document's title is the signature's reason and the file's label."""
    pdf = sign(render(document), seal, field=SEAL_FIELD, reason=document.title, location=court.name, seal=True)
    return accept_upload(
        ContentFile(pdf, name=file_name), uploaded_by=actor, kind=FileKind.DOCUMENT, label=document.title, case=case
    )
