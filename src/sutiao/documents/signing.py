"""Signing a PDF and verifying its signatures (电子签名法 Art. 13-14; 在线调解规则 Art. 19-20: the parties and the
mediator sign the agreement, the organisation adds its e-seal last).

`sign` adds one PAdES signature as an incremental update, so one PDF is signed in turn by every signer and each
earlier signature stays intact: a B-T signature (CMS with an RFC 3161 signature timestamp, tsa.py) made B-LT by a
second update holding the Document Security Store — the certificates of the signer's and the timestamp's chains
and the CRLs current when it was signed — so it can be validated years later with no network and after the
certificate has expired.

`seal=True` is the organisation's (or court's) e-seal. A certification (DocMDP) signature cannot be it: PDF allows
certification only on the first signature, and the seal comes last. So the seal is an approval signature whose
field locks the document (a FieldMDP lock of every field and a DocMDP level of "no changes", PDF 2.0 §12.8.2.4):
after it nothing but validation data may be added; `sign` refuses to add a signature to a sealed document, and
`verify` reports any other change after it as an alteration.

`verify` reads every signature and says, for each, who signed, when (the signer's clock and the timestamp), whether
the signed bytes are intact, whether the certificate chains to a root we trust at the time of the timestamp
(point-in-time validation with the CRLs embedded and the CA's current ones), whether it has been revoked (and
whether before or after signing), and what changed in the file after it. It never uses the network.

pyHanko (with its validator, and aiohttp for its timestamp client) is imported by the functions that sign or
verify, not with this module: about half a second of imports that every process of both platforms paid at start
(a CLI command, a worker, the bench's bulk delegation) though most never touch a PDF."""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.utils import timezone
from django.utils.translation import gettext as _

from sutiao.accounts.pii import decrypt
from sutiao.kernel.errors import DomainError

from .ca import authority, trusted_roots
from .models import SigningIdentity

if TYPE_CHECKING:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader

log = logging.getLogger("sutiao.documents")


class _NoFetchingNotice(logging.Filter):
    """pyHanko warns on every signature that validation data is embedded without fetching: deliberate here (the
    CA's CRLs are handed to it, and nothing is fetched from the network), so the notice is dropped."""

    def filter(self, record):
        return not str(record.msg).startswith("Validation/revocation info will be embedded, but fetching is not")


logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_NoFetchingNotice())


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _asn1_crl(crl: x509.CertificateRevocationList) -> asn1_crl.CertificateList:
    return asn1_crl.CertificateList.load(crl.public_bytes(serialization.Encoding.DER))


def _reader(pdf_bytes: bytes) -> PdfFileReader:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        return PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as e:
        raise DomainError(_("文件不是可读取的 PDF，无法签名或验证")) from e


# --- signing ---


@functools.cache
def _loaded_key_signer():
    from pyhanko.sign import signers
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class LoadedKeySigner(signers.SimpleSigner):
        """pyHanko's SimpleSigner parses (and checks) the private key again on every signature it makes — the
        dearest step of signing; this one signs with the key already loaded. RSA PKCS#1 v1.5 only (ca.py)."""

        def __init__(self, key: rsa.RSAPrivateKey, **kwargs):
            super().__init__(**kwargs)
            self._key = key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            return self._key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))

    return LoadedKeySigner


def _sealed_by(reader: PdfFileReader) -> str:
    """The field name of a signature that locked the document (a seal), or ""."""
    from pyhanko.sign import fields

    for signature in reader.embedded_signatures:
        lock = signature.sig_field.get("/Lock")
        if lock is not None and lock.get_object().get("/P") == fields.MDPPerm.NO_CHANGES.value:
            return signature.field_name
    return ""


def sign(
    pdf_bytes: bytes,
    identity: SigningIdentity,
    *,
    field: str,
    reason: str,
    location: str,
    seal: bool = False,
    now: dt.datetime | None = None,
) -> bytes:
    """`pdf_bytes` with one more signature by `identity` in a new invisible signature field `field`, timestamped
    and with its validation data (PAdES B-LT). `seal` locks the document after this signature (the e-seal, last).
    Refused (DomainError) when the identity is revoked or expired, the field already exists, or the document is
    sealed. The caller decides who may sign with which identity; this only checks the identity itself."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.errors import PathError, RevokedError, ValidationError
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from .tsa import timestamper

    now = now or timezone.now()
    if identity.revoked:
        raise DomainError(
            _("签名证书“%(name)s”已于 %(at)s 吊销，不能再用于签名")
            % {"name": identity.name, "at": timezone.localtime(identity.revoked_at).strftime("%Y年%m月%d日 %H:%M")}
        )
    if identity.not_after <= now:
        raise DomainError(_("签名证书“%(name)s”已过期，请重新申请证书") % {"name": identity.name})
    reader = _reader(pdf_bytes)
    if sealed := _sealed_by(reader):
        raise DomainError(
            _("文件已加盖电子印章（%(field)s），不能再签名；如需修改，请重新生成协议") % {"field": sealed}
        )
    if any(s.field_name == field for s in reader.embedded_signatures):
        raise DomainError(_("签名域“%(field)s”已有签名") % {"field": field})

    ca = authority()
    certificate = x509.load_pem_x509_certificate(identity.certificate_pem.encode())
    # The key was made by the platform (identities.issue_identity) and comes back through Fernet, which
    # authenticates it: the RSA consistency check (tens of milliseconds a load) would find nothing.
    key = serialization.load_pem_private_key(
        decrypt(identity.private_key_encrypted).encode(), password=None, unsafe_skip_rsa_key_validation=True
    )
    chain = [_asn1_certificate(c) for c in ca.chain()]
    signer = _loaded_key_signer()(
        key,
        signing_cert=_asn1_certificate(certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )
    # Validated while signing, with the CA's current CRLs and no network: a certificate the CA revoked a moment
    # ago (on another process) fails here too, and what was checked is what is embedded.
    context = ValidationContext(
        trust_roots=[_asn1_certificate(r) for r in trusted_roots()],
        other_certs=chain,
        crls=[_asn1_crl(c) for c in ca.crls()],
        allow_fetching=False,
        revocation_mode="hard-fail",
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        name=identity.name,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=True,
        validation_context=context,
        # The level the seal's lock sets (and what pyHanko would otherwise warn it falls back to).
        docmdp_permissions=fields.MDPPerm.NO_CHANGES if seal else fields.MDPPerm.FILL_FORMS,
    )
    spec = signature_field_spec(field, seal=seal)  # used when the document has no empty field of that name
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    _check_existing_field(writer, field, seal=seal)
    output = io.BytesIO()
    try:
        signers.PdfSigner(metadata, signer=signer, timestamper=timestamper(), new_field_spec=spec).sign_pdf(
            writer, output=output
        )
    except (SigningError, ValidationError, PathError) as e:
        log.warning("signing with %s refused: %s", identity.pk, e)
        if _caused_by(e, RevokedError):
            raise DomainError(_("签名失败：签名证书已被认证机构吊销，不能再用于签名")) from e
        raise DomainError(_("签名失败：签名证书未通过验证（可能已吊销或不受信任），请联系平台管理员")) from e
    return output.getvalue()


def signature_field_spec(name: str, *, box: tuple[int, int, int, int] | None = None, page: int = 0, seal=False):
    """The spec of a signature field named `name` (`box`: x1, y1, x2, y2 in points on page `page`, or invisible)
    for a renderer that draws empty signature boxes (pyHanko's fields.append_signature_field). A seal's box must
    be made with seal=True: its lock is part of the field from the start, since adding it when the seal signs
    would change a field under the earlier signatures, which their validation reports as an alteration."""
    from pyhanko.sign import fields

    if not seal:
        return fields.SigFieldSpec(name, box=box, on_page=page)
    return fields.SigFieldSpec(
        name,
        box=box,
        on_page=page,
        field_mdp_spec=fields.FieldMDPSpec(fields.FieldMDPAction.ALL),
        doc_mdp_update_value=fields.MDPPerm.NO_CHANGES,
    )


def _check_existing_field(writer: IncrementalPdfFileWriter, name: str, *, seal: bool) -> None:
    from pyhanko.sign import fields

    for field_name, _value, reference in fields.enumerate_sig_fields(writer, filled_status=False):
        if field_name == name and seal and "/Lock" not in reference.get_object():
            raise ValueError(
                f"the empty field {name} has no lock: render a seal's box with signature_field_spec(seal=True)"
            )


def _caused_by(error: BaseException, kind: type) -> bool:
    while error is not None:
        if isinstance(error, kind):
            return True
        error = error.__cause__ or error.__context__
    return False


# --- verification ---


@dataclass(frozen=True)
class SignatureReport:
    """One signature as a page shows it. `problems` lists, in Chinese, what is wrong; empty when `ok`."""

    field: str
    signer_name: str
    signer_organisation: str
    subject_serial: str  # the keyed digest of the identity number or credit code (ca.subject_serial)
    certificate_serial: str
    signing_time: dt.datetime | None  # as the signer's clock said (a signed attribute)
    timestamp_time: dt.datetime | None  # as the timestamp authority attests
    timestamp_valid: bool
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature over them holds
    trusted: bool  # the certificate chains to a root we trust, valid at the time of the timestamp
    revoked: bool  # the certificate is on a CRL we hold
    revoked_at: dt.datetime | None
    revoked_before_signing: bool
    covers_whole_document: bool  # no byte was added after this signature
    modification: str  # what was added after it: ModificationLevel's name (none, lta_updates, form_filling, …)
    changes_permitted: bool  # what was added after it is what a later signature or validation data may add
    seal: bool  # this signature locked the document
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class DocumentVerification:
    """Every signature of a document, in signing order, and whether the document was altered after signing."""

    signatures: tuple[SignatureReport, ...]
    altered_after_signing: bool

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def valid(self) -> bool:
        return self.signed and not self.altered_after_signing and all(s.ok for s in self.signatures)

    @property
    def sealed(self) -> bool:
        return any(s.seal for s in self.signatures)

    @property
    def summary(self) -> str:
        if not self.signed:
            return _("文件没有电子签名")
        if self.altered_after_signing:
            return _("文件在签名后被改动，签名不再证明其内容")
        if not self.valid:
            return _("有签名未通过验证")
        return _("全部 %(count)s 个签名有效，签名后未被改动") % {"count": len(self.signatures)}


def verify(pdf_bytes: bytes) -> DocumentVerification:
    """Every signature in `pdf_bytes`, validated offline against the trusted roots (ca.trusted_roots)."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError

    reader = _reader(pdf_bytes)
    # Document timestamps (PAdES B-LTA, added by an archive later) are validation data, not signers.
    signatures = [s for s in reader.embedded_signatures if s.sig_object_type == "/Sig"]
    if not signatures:
        return DocumentVerification((), False)
    ca = authority()
    roots = [_asn1_certificate(r) for r in trusted_roots()]
    current_crls = [_asn1_crl(c) for c in ca.crls()]
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        dss_certs = list(dss.load_certs())
        dss_crls = [asn1_crl.CertificateList.load(ref.get_object().data) for ref in dss.crls]
    except NoDSSFoundError:
        dss_certs, dss_crls = [], []
    reports = []
    last = len(signatures) - 1
    for index, embedded in enumerate(signatures):
        reports.append(_report(embedded, roots, dss_certs, dss_crls + current_crls, last=index == last))
    altered = any(
        not r.intact or not r.valid or not r.changes_permitted or (i == last and r.modification not in _after()[0])
        for i, r in enumerate(reports)
    )
    return DocumentVerification(tuple(reports), altered)


@functools.cache
def _after() -> tuple[set[str], set[str]]:
    """What may follow the last signature, and an earlier one: after the last only validation data (the DSS of
    B-LT); after an earlier one, the later signatures' fields as well (form filling, in PDF's terms)."""
    from pyhanko.sign.diff_analysis import ModificationLevel

    after_last = {ModificationLevel.NONE.name.lower(), ModificationLevel.LTA_UPDATES.name.lower()}
    return after_last, after_last | {ModificationLevel.FORM_FILLING.name.lower()}


def _timestamp_time(embedded) -> dt.datetime | None:
    unsigned = embedded.signer_info["unsigned_attrs"]
    if not unsigned or unsigned.native is None:
        return None
    for attribute in unsigned:
        if attribute["type"].native == "signature_time_stamp_token":
            token = attribute["values"][0]
            return token["content"]["encap_content_info"]["content"].parsed["gen_time"].native
    return None


def _name_part(certificate: x509.Certificate, oid) -> str:
    values = certificate.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _revocation(serial: int, issuer, crls) -> dt.datetime | None:
    """When the certificate was revoked according to any CRL of its issuer that we hold (the ones embedded when
    each signature was made and the CA's current ones), if at all: a revocation is never undone (the platform
    CA uses no certificateHold), so the earliest date any of them gives counts."""
    dates = [
        entry["revocation_date"].native
        for candidate in crls
        if candidate.issuer == issuer
        for entry in candidate["tbs_cert_list"]["revoked_certificates"]
        if entry["user_certificate"].native == serial
    ]
    return min(dates, default=None)


def _report(embedded, roots, dss_certs, crls, *, last: bool) -> SignatureReport:
    from pyhanko.sign import fields
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    certificate = x509.load_der_x509_certificate(embedded.signer_cert.dump())
    timestamp_time = _timestamp_time(embedded)
    moment = timestamp_time or timezone.now()
    # Point-in-time validation at the attested time: a certificate revoked or expired since stays good for what
    # it signed before; revocation information issued later (the CA's current CRL) still counts for that moment.
    context = ValidationContext(
        trust_roots=roots,
        other_certs=dss_certs + list(embedded.other_embedded_certs),
        crls=crls,
        moment=moment,
        allow_fetching=False,
        revocation_mode="hard-fail",
        retroactive_revinfo=True,
    )
    status = validate_pdf_signature(embedded, signer_validation_context=context)
    revoked_at = _revocation(certificate.serial_number, embedded.signer_cert.issuer, crls)
    revoked = revoked_at is not None
    revoked_before = revoked and timestamp_time is not None and revoked_at <= timestamp_time
    if revoked and timestamp_time is None:
        revoked_before = True  # without an attested time, a revoked certificate proves nothing
    modification = status.modification_level.name.lower() if status.modification_level else "none"
    after_last, after_earlier = _after()
    permitted = status.docmdp_ok is not False and modification in (after_last if last else after_earlier)
    timestamp = status.timestamp_validity
    timestamp_valid = bool(timestamp and timestamp.intact and timestamp.valid and timestamp.trusted)
    lock = embedded.sig_field.get("/Lock")
    seal = lock is not None and lock.get_object().get("/P") == fields.MDPPerm.NO_CHANGES.value

    problems = []
    if not status.intact:
        problems.append(_("签名后文件内容被改动（摘要不符）"))
    elif not status.valid:
        problems.append(_("签名值无效"))
    if not status.trusted:
        problems.append(_("签名证书不是受信任的认证机构签发的，或在签名时不在有效期内"))
    if revoked_before:
        problems.append(_("签名证书在签名前已被吊销"))
    if timestamp is None:
        problems.append(_("签名没有可信时间戳"))
    elif not timestamp_valid:
        problems.append(_("签名的时间戳无效或不受信任"))
    if not permitted:
        problems.append(_("签名后文件被追加了不允许的修改"))
    return SignatureReport(
        field=embedded.field_name,
        signer_name=_name_part(certificate, NameOID.COMMON_NAME),
        signer_organisation=_name_part(certificate, NameOID.ORGANIZATION_NAME),
        subject_serial=_name_part(certificate, NameOID.SERIAL_NUMBER),
        certificate_serial=str(certificate.serial_number),
        signing_time=status.signer_reported_dt,
        timestamp_time=timestamp.timestamp if timestamp else None,
        timestamp_valid=timestamp_valid,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted) and not revoked_before,
        revoked=revoked,
        revoked_at=revoked_at,
        revoked_before_signing=revoked_before,
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modification=modification,
        changes_permitted=permitted,
        seal=seal,
        problems=tuple(problems),
    )
