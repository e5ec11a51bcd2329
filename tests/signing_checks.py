"""Electronic signatures (sutiao.documents: ca, tsa, identities, signing), the same on both platforms: tests/court
and tests/investor each import these tests and run them with their own settings, on SQLite or (DATABASE_URL) on
PostgreSQL. Every signed PDF is checked by our `verify`, by pyHanko's own validator and by poppler's `pdfsig`, an
independent implementation (NSS): three signers and a seal validate in all three; a changed byte or an appended
update is caught by all three."""

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from django.utils import timezone

from sutiao.accounts.models import Institution, InstitutionKind, User
from sutiao.accounts.pii import decrypt, id_number_digest
from sutiao.audit.models import AuditRecord
from sutiao.documents import ca as ca_module
from sutiao.documents.ca import (
    PlatformCA,
    RevocationReason,
    Subject,
    SubjectKind,
    authority,
    generate_ca_files,
    subject_serial,
)
from sutiao.documents.identities import issue_identity, revoke_identity
from sutiao.documents.models import RevokedCertificate, SignatureAudit, SigningIdentity
from sutiao.documents.signing import sign, signature_field_spec, verify
from sutiao.kernel.errors import DomainError

AMOUNT = b"AMOUNT 125000.00"
SIGNER_NAMES = ["陈二", "某某证券股份有限公司", "李调解", "中证资本市场法律服务中心电子印章"]


def agreement_pdf(title: str = "调解协议书") -> bytes:
    """A one-page PDF with Chinese text (reportlab's built-in STSong-Light, no font file needed) and an ASCII
    amount line, uncompressed so a test can change one byte of the amount in place."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    page.setFont("STSong-Light", 16)
    page.drawString(72, 760, title)
    page.setFont("STSong-Light", 11)
    page.drawString(72, 730, "申请人陈二与被申请人某某证券股份有限公司经调解自愿达成如下协议：")
    page.setFont("Helvetica", 11)
    page.drawString(72, 710, AMOUNT.decode())
    page.showPage()
    page.save()
    return buffer.getvalue()


# --- fixtures ---


@pytest.fixture(scope="module")
def ca_files(tmp_path_factory):
    """One platform CA per test module (RSA keys take a while to make); each test's revocations are its own,
    since they live in the test's database."""
    directory = tmp_path_factory.mktemp("ca") / "platform"
    generate_ca_files(directory, name="测试平台", crl_base_url="http://ca.invalid")
    return directory


@pytest.fixture
def platform_ca(settings, ca_files):
    settings.SUTIAO_CA_KEY_DIR = str(ca_files)
    settings.SUTIAO_CA_CRL_URL = "http://ca.invalid"
    settings.SUTIAO_SIGNATURE_TRUST_ROOTS = []
    settings.SUTIAO_TSA_URL = ""
    ca = authority()
    assert isinstance(ca, PlatformCA) and ca.directory == ca_files
    return ca


@pytest.fixture
def signers(db, platform_ca):
    """The parties, the mediator and the organisation's seal, each with an identity issued through the action."""
    org = Institution.objects.create(kind=InstitutionKind.MEDIATION_ORG, name="中证资本市场法律服务中心")
    clerk = User.objects.create_user("ca_clerk", password="x-long-password", full_name="证书管理员")
    people = {}
    for username, name, number in (
        ("chen", "陈二", "110101199003077777"),
        ("firm_rep", "某某证券股份有限公司", "91110000100000000X"),
        ("mediator", "李调解", "110101198001011234"),
    ):
        user = User.objects.create_user(username, password="x-long-password", full_name=name)
        kind = SubjectKind.LEGAL_PERSON if number.startswith("9") else SubjectKind.NATURAL_PERSON
        people[username] = issue_identity(clerk, subject=Subject(kind, name, number), user=user)
    people["seal"] = issue_identity(
        clerk,
        subject=Subject(SubjectKind.ORGANISATION_SEAL, f"{org.name}电子印章", "52100000500000000Y", org.name),
        institution=org,
    )
    people["clerk"] = clerk
    return people


def sign_all(pdf: bytes, people) -> bytes:
    for who, field in (("chen", "applicant"), ("firm_rep", "respondent"), ("mediator", "mediator")):
        pdf = sign(pdf, people[who], field=field, reason="同意调解协议", location="北京")
    return sign(pdf, people["seal"], field="seal", reason="调解组织确认", location="北京", seal=True)


# --- pyHanko's and poppler's verdicts ---


def pyhanko_verdicts(pdf: bytes, roots) -> list:
    """pyHanko's own validation, with nothing of ours in between: (field, intact, valid, trusted, coverage,
    modification level) per signature."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(r.public_bytes(serialization.Encoding.DER)) for r in roots],
        crls=[asn1_crl.CertificateList.load(c.public_bytes(serialization.Encoding.DER)) for c in authority().crls()],
        allow_fetching=False,
    )
    verdicts = []
    for embedded in reader.embedded_signatures:
        status = validate_pdf_signature(embedded, context)
        verdicts.append(
            (
                embedded.field_name,
                status.intact,
                status.valid,
                status.trusted,
                status.coverage.name,
                status.modification_level.name if status.modification_level else None,
                status.docmdp_ok,
            )
        )
    return verdicts


def pdfsig_path() -> str:
    found = shutil.which("pdfsig")
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail("pdfsig (poppler-utils) is missing under CI: `make system-deps` and .ci/run install it")
        pytest.skip("pdfsig (Debian's poppler-utils) is not installed: apt-get install poppler-utils")
    return found


@pytest.fixture
def nss_trusting(tmp_path, platform_ca):
    """An NSS database in which our root is a trusted CA, for pdfsig -nssdir (certutil, libnss3-tools)."""
    pdfsig_path()
    certutil = shutil.which("certutil")
    if not certutil:
        if os.environ.get("CI") == "true":
            pytest.fail("certutil (libnss3-tools) is missing under CI: `make system-deps` and .ci/run install it")
        pytest.skip("certutil (Debian's libnss3-tools) is not installed: apt-get install libnss3-tools")
    directory = tmp_path / "nss"
    directory.mkdir()
    subprocess.run([certutil, "-N", "-d", f"sql:{directory}", "--empty-password"], check=True, capture_output=True)
    root = tmp_path / "root.pem"
    root.write_bytes(platform_ca.root.public_bytes(serialization.Encoding.PEM))
    subprocess.run(
        [certutil, "-A", "-d", f"sql:{directory}", "-n", "sutiao-test-root", "-t", "C,C,C", "-a", "-i", str(root)],
        check=True,
        capture_output=True,
    )
    return directory


def pdfsig(pdf: bytes, tmp_path: Path, nssdir: Path | None) -> list[dict]:
    """pdfsig's report, one dict per signature: signer, validation ("Signature is Valid." …), certificate
    ("Certificate is Trusted." …) and whether it says the total document is signed."""
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    # Not -no-ocsp: poppler 22.12 then reports "Unknown issue with Certificate" for every chain. Our certificates
    # name no OCSP responder (no authorityInfoAccess), so pdfsig makes no request either way.
    command = [pdfsig_path()]
    if nssdir:
        command += ["-nssdir", f"sql:{nssdir}"]
    result = subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode in (0, 1, 2), result.stderr  # pdfsig exits 2 when a signature fails
    signatures = []
    for block in re.split(r"\nSignature #\d+:\n", "\n" + result.stdout)[1:]:
        fields = dict(re.findall(r"^ +- ([^:\n]+): ?(.*)$", block, re.M))
        signatures.append(
            {
                "signer": fields.get("Signer Certificate Common Name", ""),
                "validation": fields.get("Signature Validation", ""),
                "certificate": fields.get("Certificate Validation", ""),
                "total": "Total document signed" in block,
                "not_total": "not total document signed" in block.lower(),
            }
        )
    return signatures


# --- the platform CA ---


def test_certificates_carry_the_chinese_name_a_keyed_digest_and_the_key_usages(signers, platform_ca):
    chen = signers["chen"]
    certificate = x509.load_pem_x509_certificate(chen.certificate_pem.encode())
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "陈二"
    serial = certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value
    assert serial == subject_serial("110101199003077777") == chen.subject_serial
    # The clear number appears nowhere in the certificate, nor does the database's lookup digest.
    der = certificate.public_bytes(serialization.Encoding.DER)
    assert b"110101199003077777" not in der and id_number_digest("110101199003077777").encode() not in der
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value == "http://ca.invalid/issuing.crl"
    assert certificate.issuer == platform_ca.issuing.subject
    certificate.verify_directly_issued_by(platform_ca.issuing)
    platform_ca.issuing.verify_directly_issued_by(platform_ca.root)


def test_a_seal_certificate_names_the_organisation(signers):
    certificate = x509.load_pem_x509_certificate(signers["seal"].certificate_pem.encode())
    assert certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "中证资本市场法律服务中心"
    assert signers["seal"].institution.name == "中证资本市场法律服务中心" and signers["seal"].user is None


def test_the_private_key_is_encrypted_at_rest(signers):
    chen = signers["chen"]
    assert "PRIVATE KEY" not in chen.private_key_encrypted
    key = serialization.load_pem_private_key(decrypt(chen.private_key_encrypted).encode(), password=None)
    certificate = x509.load_pem_x509_certificate(chen.certificate_pem.encode())
    assert key.public_key().public_numbers() == certificate.public_key().public_numbers()


def test_issuing_and_revoking_are_audited_and_a_new_identity_supersedes_the_old(signers):
    clerk, chen = signers["clerk"], signers["chen"]
    issued = AuditRecord.objects.filter(action=SignatureAudit.IDENTITY_ISSUED, object_id=str(chen.pk)).get()
    assert issued.after["serial"] == chen.serial and "private" not in str(issued.after).lower()
    again = issue_identity(
        clerk, subject=Subject(SubjectKind.NATURAL_PERSON, "陈二", "110101199003077777"), user=chen.user
    )
    chen.refresh_from_db()
    assert chen.revocation_reason == RevocationReason.SUPERSEDED and chen.revoked_at is not None
    assert list(SigningIdentity.objects.of_holder(user=chen.user).unrevoked()) == [again]
    assert RevokedCertificate.objects.filter(serial=chen.serial).exists()
    revoked = AuditRecord.objects.get(action=SignatureAudit.IDENTITY_REVOKED, object_id=str(chen.pk))
    assert revoked.after["reason"] == "superseded"
    with pytest.raises(DomainError):
        revoke_identity(clerk, chen, reason=RevocationReason.KEY_COMPROMISE)


def test_the_crl_is_signed_by_the_issuing_ca_and_lists_a_revoked_certificate(signers, platform_ca):
    revoke_identity(signers["clerk"], signers["mediator"], reason=RevocationReason.AFFILIATION_CHANGED)
    issuing_crl, root_crl = platform_ca.crls()
    assert issuing_crl.is_signature_valid(platform_ca.issuing.public_key())
    assert root_crl.is_signature_valid(platform_ca.root.public_key()) and len(root_crl) == 0
    entry = issuing_crl.get_revoked_certificate_by_serial_number(int(signers["mediator"].serial))
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == x509.ReasonFlags.affiliation_changed
    assert issuing_crl.get_revoked_certificate_by_serial_number(int(signers["chen"].serial)) is None


def test_the_crl_is_served_where_the_certificates_say_and_lists_a_revoked_identity(signers, platform_ca, client):
    """The CRL distribution point a certificate names answers the issuing CA's DER CRL, to anyone."""
    revoke_identity(signers["clerk"], signers["mediator"], reason=RevocationReason.KEY_COMPROMISE)
    certificate = x509.load_pem_x509_certificate(signers["chen"].certificate_pem.encode())
    points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    url = points[0].full_name[0].value
    assert url == "http://ca.invalid/issuing.crl"
    response = client.get("/ca/issuing.crl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-crl"
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    served = x509.load_der_x509_crl(response.content)
    assert served.is_signature_valid(platform_ca.issuing.public_key())
    assert served.get_revoked_certificate_by_serial_number(int(signers["mediator"].serial)) is not None
    assert served.get_revoked_certificate_by_serial_number(int(signers["chen"].serial)) is None
    root = x509.load_der_x509_crl(client.get("/ca/root.crl").content)
    assert root.is_signature_valid(platform_ca.root.public_key()) and len(root) == 0
    assert client.get("/ca/other.crl").status_code == 404
    assert client.post("/ca/issuing.crl").status_code == 405


def test_outside_development_the_ca_needs_its_key_directory(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    settings.DEV = False
    settings.SUTIAO_CA_KEY_DIR = ""
    with pytest.raises(ImproperlyConfigured):
        ca_module.ca_key_dir()
    settings.SUTIAO_CA_KEY_DIR = str(tmp_path / "empty")
    with pytest.raises(ImproperlyConfigured, match="only SUTIAO_DEV=1"):
        PlatformCA.from_settings()


def test_in_development_the_ca_is_generated_once_under_var(settings, tmp_path):
    settings.DEV = True
    settings.SUTIAO_CA_KEY_DIR = ""
    settings.VAR_DIR = tmp_path
    first = PlatformCA.from_settings()
    assert first.directory == tmp_path / "ca" / settings.PLATFORM
    assert oct((first.directory / "root-key.pem").stat().st_mode)[-3:] == "600"
    again = PlatformCA.from_settings()
    assert again.root == first.root


# --- signing and verifying ---


def test_three_signers_and_the_seal_validate_in_ours_pyhanko_and_pdfsig(signers, platform_ca, tmp_path, nss_trusting):
    signed = sign_all(agreement_pdf(), signers)

    report = verify(signed)
    assert report.valid and report.sealed and not report.altered_after_signing, [s.problems for s in report.signatures]
    assert [s.signer_name for s in report.signatures] == SIGNER_NAMES
    assert [s.field for s in report.signatures] == ["applicant", "respondent", "mediator", "seal"]
    for s in report.signatures:
        assert s.intact and s.valid and s.trusted and s.timestamp_valid and not s.revoked
        assert abs(s.timestamp_time - timezone.now()) < dt.timedelta(minutes=5)
    assert [s.seal for s in report.signatures] == [False, False, False, True]
    # Earlier signatures saw later ones added (form filling); after the seal only validation data follows.
    assert report.signatures[0].modification == "form_filling"
    assert report.signatures[-1].modification in ("none", "lta_updates")

    verdicts = pyhanko_verdicts(signed, platform_ca.trust_roots())
    assert [v[:4] for v in verdicts] == [(f, True, True, True) for f in ("applicant", "respondent", "mediator", "seal")]
    assert all(v[6] is not False for v in verdicts)

    poppler = pdfsig(signed, tmp_path, nss_trusting)
    assert [p["signer"] for p in poppler] == SIGNER_NAMES  # the Chinese CN round-trips through NSS too
    assert all(p["validation"] == "Signature is Valid." for p in poppler), poppler
    assert all(p["certificate"] == "Certificate is Trusted." for p in poppler), poppler


def test_the_signed_pdf_carries_its_validation_data(signers, platform_ca):
    """B-LT: the DSS holds the CRLs and the chain, so it validates with no CA at hand (here: the CA's current
    CRLs withheld from pyHanko, which then has only what is in the file)."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    signed = sign(agreement_pdf(), signers["chen"], field="applicant", reason="同意", location="北京")
    reader = PdfFileReader(io.BytesIO(signed), strict=False)
    dss = DocumentSecurityStore.read_dss(reader)
    assert len(dss.crls) >= 2 and len(list(dss.load_certs())) >= 2
    context = dss.as_validation_context(
        {
            "trust_roots": [asn1_x509.Certificate.load(platform_ca.root.public_bytes(serialization.Encoding.DER))],
            "allow_fetching": False,
            "revocation_mode": "hard-fail",
        }
    )
    status = validate_pdf_signature(reader.embedded_signatures[0], context)
    assert status.bottom_line, status.pretty_print_details()


def test_a_byte_changed_after_signing_is_detected_by_ours_pyhanko_and_pdfsig(
    signers, platform_ca, tmp_path, nss_trusting
):
    signed = sign_all(agreement_pdf(), signers)
    assert signed.count(AMOUNT) == 1
    changed = signed.replace(AMOUNT, b"AMOUNT 925000.00")

    report = verify(changed)
    assert report.altered_after_signing and not report.valid
    assert not any(s.intact for s in report.signatures)
    assert "签名后文件内容被改动（摘要不符）" in report.signatures[0].problems

    assert not any(v[1] for v in pyhanko_verdicts(changed, platform_ca.trust_roots()))
    poppler = pdfsig(changed, tmp_path, nss_trusting)
    assert poppler and all(p["validation"] == "Digest Mismatch." for p in poppler), poppler


def test_an_update_appended_after_the_seal_is_detected_by_ours_pyhanko_and_pdfsig(
    signers, platform_ca, tmp_path, nss_trusting
):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = sign_all(agreement_pdf(), signers)
    # What a forger would do without breaking any signature: an incremental update drawing over the page.
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 11 Tf 72 700 Td (AMOUNT 925000.00) Tj ET"))
    page["/Contents"] = generic.ArrayObject([*_contents(page), stream])
    writer.update_container(page)
    output = io.BytesIO()
    writer.write(output)
    altered = output.getvalue()

    report = verify(altered)
    assert report.altered_after_signing and not report.valid
    assert all(s.intact and s.valid for s in report.signatures)  # every signature still holds over its bytes…
    assert not report.signatures[-1].covers_whole_document  # …but none covers what was added
    assert "签名后文件被追加了不允许的修改" in report.signatures[-1].problems

    verdicts = pyhanko_verdicts(altered, platform_ca.trust_roots())
    assert verdicts[-1][5] == "OTHER" and verdicts[-1][4] != "ENTIRE_FILE"
    poppler = pdfsig(altered, tmp_path, nss_trusting)
    assert poppler[-1]["validation"] == "Signature is Valid." and poppler[-1]["not_total"], poppler


def _contents(page):
    from pyhanko.pdf_utils import generic

    contents = page["/Contents"]
    if isinstance(contents, generic.ArrayObject):
        return list(contents)
    return [page.raw_get("/Contents")]


def test_a_sealed_document_takes_no_more_signatures(signers):
    sealed = sign_all(agreement_pdf(), signers)
    with pytest.raises(DomainError, match="电子印章"):
        sign(sealed, signers["chen"], field="late", reason="补签", location="北京")


def test_one_field_is_signed_once(signers):
    signed = sign(agreement_pdf(), signers["chen"], field="applicant", reason="同意", location="北京")
    with pytest.raises(DomainError, match="已有签名"):
        sign(signed, signers["firm_rep"], field="applicant", reason="同意", location="北京")


def test_a_revoked_identity_signs_nothing_more_and_its_earlier_signature_stays_valid(signers, platform_ca):
    earlier = sign(agreement_pdf(), signers["chen"], field="applicant", reason="同意", location="北京")
    revoke_identity(signers["clerk"], signers["chen"], reason=RevocationReason.KEY_COMPROMISE)
    chen = SigningIdentity.objects.get(pk=signers["chen"].pk)
    with pytest.raises(DomainError, match="已于 .* 吊销"):
        sign(earlier, chen, field="again", reason="同意", location="北京")

    report = verify(earlier)
    (signature,) = report.signatures
    assert signature.revoked and signature.revoked_at is not None and not signature.revoked_before_signing
    assert signature.ok and report.valid


def test_a_signature_made_after_revocation_is_reported_revoked(signers, platform_ca):
    """The row says in force, the CA says revoked (another process revoked it a moment ago, or the CA did on
    its own): the signature is refused by the validation made while signing; forced through the CA's back,
    verification reports it."""
    chen = signers["chen"]
    certificate = x509.load_pem_x509_certificate(chen.certificate_pem.encode())
    platform_ca.revoke(certificate, RevocationReason.KEY_COMPROMISE, timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(DomainError, match="签名失败：签名证书已被认证机构吊销"):
        sign(agreement_pdf(), chen, field="applicant", reason="同意", location="北京")

    # Signed while the CA did not yet list it, verified after it listed it as revoked before that signature.
    RevokedCertificate.objects.all().delete()
    signed = sign(agreement_pdf(), chen, field="applicant", reason="同意", location="北京")
    platform_ca.revoke(certificate, RevocationReason.KEY_COMPROMISE, timezone.now() - dt.timedelta(hours=1))
    (signature,) = verify(signed).signatures
    assert signature.revoked and signature.revoked_before_signing and not signature.ok
    assert "签名证书在签名前已被吊销" in signature.problems


def test_a_certificate_from_a_foreign_ca_is_reported_untrusted(signers, platform_ca, tmp_path, settings, nss_trusting):
    foreign_dir = tmp_path / "foreign"
    generate_ca_files(foreign_dir, name="外部机构", crl_base_url="http://foreign.invalid")
    settings.SUTIAO_CA_KEY_DIR = str(foreign_dir)
    stranger = issue_identity(
        signers["clerk"],
        subject=Subject(SubjectKind.NATURAL_PERSON, "王五", "110101199512120000"),
        user=User.objects.create_user("stranger", password="x-long-password"),
    )
    signed = sign(agreement_pdf(), stranger, field="applicant", reason="同意", location="北京")

    settings.SUTIAO_CA_KEY_DIR = str(platform_ca.directory)  # back on our platform, which trusts only its root
    (signature,) = verify(signed).signatures
    assert signature.intact and signature.valid and not signature.trusted and not signature.ok
    assert signature.signer_name == "王五"
    assert not pyhanko_verdicts(signed, platform_ca.trust_roots())[0][3]
    (poppler,) = pdfsig(signed, tmp_path, nss_trusting)
    assert poppler["validation"] == "Signature is Valid." and poppler["certificate"] != "Certificate is Trusted."

    # A root named in SUTIAO_SIGNATURE_TRUST_ROOTS (the peer platform's CA) is trusted.
    settings.SUTIAO_SIGNATURE_TRUST_ROOTS = [str(foreign_dir / "root.pem")]
    (signature,) = verify(signed).signatures
    assert signature.trusted


def test_a_timestamp_from_a_configured_tsa_url(signers, platform_ca, settings, live_tsa):
    """The deployment path (SUTIAO_TSA_URL, RFC 3161 over HTTP), served here by the local authority."""
    settings.SUTIAO_TSA_URL = live_tsa
    signed = sign(agreement_pdf(), signers["chen"], field="applicant", reason="同意", location="北京")
    (signature,) = verify(signed).signatures
    assert signature.timestamp_valid and signature.ok


@pytest.fixture
def live_tsa(platform_ca):
    """The local timestamp authority over HTTP on a loopback port (tsa.respond), for the length of a test."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from sutiao.documents import tsa

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            assert self.headers["Content-Type"] == tsa.REQUEST_TYPE
            reply = tsa.respond(body)
            self.send_response(200)
            self.send_header("Content-Type", tsa.REPLY_TYPE)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    server.shutdown()
    thread.join()


def test_an_unsigned_or_unreadable_file(db, platform_ca):
    report = verify(agreement_pdf())
    assert not report.signed and not report.valid and report.summary == "文件没有电子签名"
    with pytest.raises(DomainError, match="PDF"):
        verify(b"not a pdf at all")


def test_the_local_timestamp_authority_is_certified_for_timestamping_only(signers, platform_ca):
    from sutiao.documents import tsa

    stamper = tsa.local_timestamper()
    certificate = x509.load_der_x509_certificate(stamper.tsa_cert.dump())
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical and list(usage.value) == [x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]
    certificate.verify_directly_issued_by(platform_ca.issuing)


def test_a_long_chinese_name_fits_as_rfc_5280_counts_it(signers):
    """64 characters, not 64 UTF-8 bytes (21 Chinese characters), bound CN and O."""
    long_name = "某某某某某某证券投资咨询有限公司北京市朝阳区建国门外大街证券营业部"
    assert len(long_name) > 21 and len(long_name.encode()) > 64
    firm = issue_identity(
        signers["clerk"],
        subject=Subject(SubjectKind.LEGAL_PERSON, long_name, "91110000100000001X"),
        user=User.objects.create_user("long_firm", password="x-long-password"),
    )
    signed = sign(agreement_pdf(), firm, field="respondent", reason="同意", location="北京")
    (signature,) = verify(signed).signatures
    assert signature.signer_name == long_name == signature.signer_organisation and signature.ok
    with pytest.raises(ValueError):
        Subject(SubjectKind.LEGAL_PERSON, "公" * 65, "91110000100000001X")


def test_verification_uses_no_network(signers, monkeypatch):
    """Everything a verdict needs is in the file and in the platform's database: a socket opened during
    verification fails the test."""
    import socket

    signed = sign_all(agreement_pdf(), signers)

    def refuse(*args, **kwargs):
        raise AssertionError(f"verification opened a connection: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert verify(signed).valid


def test_an_empty_signature_field_the_document_already_has_is_signed_in_place(signers):
    """A rendered agreement may carry visible, empty signature boxes for each signer (documents.pdf)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields

    def with_boxes(seal_locked: bool) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(agreement_pdf()), strict=False)
        fields.append_signature_field(writer, signature_field_spec("applicant", box=(72, 100, 252, 160)))
        fields.append_signature_field(writer, signature_field_spec("seal", box=(320, 100, 500, 160), seal=seal_locked))
        output = io.BytesIO()
        writer.write(output)
        return output.getvalue()

    # A seal box rendered without its lock would be locked only when sealing, which changes a field under the
    # earlier signatures: refused, as a mistake of the renderer.
    signed = sign(with_boxes(False), signers["chen"], field="applicant", reason="同意", location="北京")
    with pytest.raises(ValueError, match="no lock"):
        sign(signed, signers["seal"], field="seal", reason="确认", location="北京", seal=True)

    signed = sign(with_boxes(True), signers["chen"], field="applicant", reason="同意", location="北京")
    sealed = sign(signed, signers["seal"], field="seal", reason="确认", location="北京", seal=True)
    report = verify(sealed)
    assert [s.field for s in report.signatures] == ["applicant", "seal"], report
    assert report.valid and report.sealed, report
    with pytest.raises(DomainError, match="电子印章"):
        sign(sealed, signers["firm_rep"], field="respondent", reason="同意", location="北京")


def test_a_document_timestamp_added_by_an_archive_later_is_not_an_alteration(signers, platform_ca):
    """PAdES B-LTA: an archive re-timestamps signed files before their algorithms weaken. The timestamp is
    validation data after the seal, not a signer and not a change."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers as pyhanko_signers

    from sutiao.documents import tsa

    sealed = sign_all(agreement_pdf(), signers)
    output = io.BytesIO()
    pyhanko_signers.PdfTimeStamper(tsa.timestamper()).timestamp_pdf(
        IncrementalPdfFileWriter(io.BytesIO(sealed), strict=False), md_algorithm="sha256", output=output
    )
    report = verify(output.getvalue())
    assert [s.field for s in report.signatures] == ["applicant", "respondent", "mediator", "seal"]
    assert report.valid and not report.altered_after_signing, report
