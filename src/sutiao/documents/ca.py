"""The certificate authority behind electronic signatures (电子签名法 Art. 13, 16; 在线调解规则 Art. 19-20): who
certifies that a signing key belongs to a natural person, a legal person, a mediation organisation's e-seal or a
court's seal, who revokes that, and which roots a verifier trusts.

`CertificateAuthority` is the interface; `authority()` returns the one configured by
SUTIAO_CERTIFICATE_AUTHORITY (a dotted path to a class with a `from_settings()` constructor). `PlatformCA`, the
default, is the platform's own two-level CA (a root and an issuing CA) for development, tests and closed
deployments: its keys live in SUTIAO_CA_KEY_DIR, generated once under var/ only with SUTIAO_DEV=1. A deployment
whose signatures must be "reliable electronic signatures" in the sense of Art. 13 plugs in a licensed
certification service (Art. 16-17) as a second implementation (docs/signatures.md).

Keys are RSA 2048 with SHA-256 and PKCS#1 v1.5: the one choice every verifier we answer to accepts — pyHanko and
pyhanko-certvalidator, poppler's `pdfsig` (NSS), Adobe Reader — pyHanko's in-process timestamp authority signs
with RSA only (sutiao.documents.tsa), and the licensed Chinese CAs issue RSA 2048 where they do not issue SM2,
which neither pyHanko nor poppler verifies. EC P-256 would sign faster but buys nothing the bench asks for
(bench/signing.py: the signature itself is a small share of signing a PDF)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.pii import id_number_digest

log = logging.getLogger("sutiao.documents")

KEY_SIZE = 2048
ROOT_YEARS = 20
ISSUING_YEARS = 10
# A signing certificate lasts two years: a signature made within them stays verifiable afterwards, since the
# PDF carries its timestamp and the CRL of its time (PAdES B-LT, sutiao.documents.signing).
SUBJECT_DAYS = 2 * 365
# A CRL is reissued at least this often; a verifier holding one older than its nextUpdate asks for a new one.
CRL_VALIDITY = dt.timedelta(days=7)
CRL_REFRESH = dt.timedelta(hours=1)


class SubjectKind(models.TextChoices):
    """Whose key a certificate binds."""

    NATURAL_PERSON = "natural_person", _("自然人")  # a party who is an individual, an agent, a mediator
    LEGAL_PERSON = "legal_person", _("法人或其他组织")  # a firm that is a party (its representative signs)
    ORGANISATION_SEAL = "organisation_seal", _("调解组织电子印章")
    COURT_SEAL = "court_seal", _("人民法院电子印章")  # on rulings and mediation documents


class RevocationReason(models.TextChoices):
    """RFC 5280 §5.3.1 reason codes a platform has cause to give."""

    UNSPECIFIED = "unspecified", _("未说明")
    KEY_COMPROMISE = "key_compromise", _("密钥泄露")
    AFFILIATION_CHANGED = "affiliation_changed", _("身份或隶属关系变更")  # a mediator left, a power of attorney ended
    SUPERSEDED = "superseded", _("已签发新证书")  # a new identity was issued to the same holder
    CESSATION_OF_OPERATION = "cessation_of_operation", _("账户或机构已停用")


_X509_REASONS = {
    RevocationReason.UNSPECIFIED: x509.ReasonFlags.unspecified,
    RevocationReason.KEY_COMPROMISE: x509.ReasonFlags.key_compromise,
    RevocationReason.AFFILIATION_CHANGED: x509.ReasonFlags.affiliation_changed,
    RevocationReason.SUPERSEDED: x509.ReasonFlags.superseded,
    RevocationReason.CESSATION_OF_OPERATION: x509.ReasonFlags.cessation_of_operation,
}


@dataclass(frozen=True)
class Subject:
    """Who a certificate is for. `identifier` is the identity number (natural person) or the unified social
    credit code (legal person, organisation, court): it never appears in the certificate, only its keyed
    digest (`subject_serial`). `organisation` is the O of the name (the firm, the organisation or court)."""

    kind: SubjectKind
    name: str
    identifier: str
    organisation: str = ""

    def __post_init__(self):
        object.__setattr__(self, "kind", SubjectKind(self.kind))
        if not self.name.strip() or not self.identifier.strip():
            raise ValueError("a certificate subject needs a name and an identifier")
        if max(len(self.name), len(self.organisation)) > NAME_MAX_CHARACTERS:
            raise ValueError(f"a certificate subject's name has at most {NAME_MAX_CHARACTERS} characters")


def subject_serial(identifier: str) -> str:
    """The subject's serialNumber attribute: a keyed digest of the identity number or credit code (the clear
    number must not travel in every signed PDF, 个人信息保护法 Art. 28), the same for the same person on this
    platform so two certificates of one person are recognisably theirs. It is derived from, but not equal to,
    the digest the database looks people up by (sutiao.accounts.pii), so a certificate's value cannot be matched
    against a leaked table of lookup digests."""
    inner = id_number_digest(identifier)
    return hmac.new(b"sutiao-certificate-subject", inner.encode(), hashlib.sha256).hexdigest()


@runtime_checkable
class CertificateAuthority(Protocol):
    """What the signing code needs of a CA. A licensed CA's implementation calls its service here; every method
    may raise `CertificateAuthorityError` with a message for the user."""

    def issue(self, subject: Subject, public_key) -> x509.Certificate:
        """A signing certificate binding `public_key` (a `cryptography` public key: the platform keeps the
        private key, the CA never sees it) to `subject`, with key usage nonRepudiation and digitalSignature."""

    def revoke(self, certificate: x509.Certificate, reason: RevocationReason, at: dt.datetime) -> None:
        """Put `certificate` on the CA's revocation list from `at` on."""

    def crls(self) -> list[x509.CertificateRevocationList]:
        """The current CRLs of every CA certificate in `chain()` (the issuing CA's, and the root's for the
        issuing CA), so a signature can be validated — and embedded for later validation — with no network."""

    def chain(self) -> list[x509.Certificate]:
        """The intermediate certificates between a certificate this CA issues and its root."""

    def trust_roots(self) -> list[x509.Certificate]:
        """The roots a signature made with one of this CA's certificates chains to."""


class CertificateAuthorityError(Exception):
    """The CA refused or could not be reached; `message` is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- the platform's own CA ---


# RFC 5280 bounds CN and O at 64 characters (ub-common-name, ub-organization-name: SIZE of the UTF8String, so
# characters); cryptography checks 64 UTF-8 bytes, which cuts a Chinese name at 21 characters. The RFC's bound is
# checked here instead (Subject refuses a longer name).
NAME_MAX_CHARACTERS = 64
warnings.filterwarnings("ignore", message="Attribute's length must be >= 1 and <= 64", category=UserWarning)


def _name(*attributes: tuple) -> x509.Name:
    parts = []
    for oid, value in attributes:
        if value:
            if len(value) > NAME_MAX_CHARACTERS:
                raise ValueError(f"{oid._name} longer than {NAME_MAX_CHARACTERS} characters")
            parts.append(x509.NameAttribute(oid, value, _validate=False))
    return x509.Name(parts)


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def _pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _ca_certificate(subject, issuer, public_key, signing_key, *, years, path_length, issuer_key=None):
    now = timezone.now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key((issuer_key or signing_key).public_key()),
            critical=False,
        )
    )
    return builder


def generate_ca_files(directory: Path, *, name: str, crl_base_url: str) -> None:
    """Write a new root and issuing CA (and the local timestamp authority's certificate, see tsa.py) into
    `directory`, which must not exist yet: written to a temporary sibling and renamed, so two processes
    starting at once end with one CA, not a mix of two."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ca-", dir=directory.parent))
    os.chmod(staging, 0o700)
    root_key, issuing_key = _new_key(), _new_key()
    root_name = _name(
        (NameOID.COUNTRY_NAME, "CN"), (NameOID.ORGANIZATION_NAME, name), (NameOID.COMMON_NAME, f"{name} 根证书")
    )
    issuing_name = _name(
        (NameOID.COUNTRY_NAME, "CN"),
        (NameOID.ORGANIZATION_NAME, name),
        (NameOID.COMMON_NAME, f"{name} 签名证书签发机构"),
    )
    root = _ca_certificate(root_name, root_name, root_key.public_key(), root_key, years=ROOT_YEARS, path_length=1).sign(
        root_key, hashes.SHA256()
    )
    issuing = (
        _ca_certificate(issuing_name, root_name, issuing_key.public_key(), root_key, years=ISSUING_YEARS, path_length=0)
        .add_extension(_distribution_point(f"{crl_base_url}/root.crl"), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    files = {
        "root.pem": root.public_bytes(serialization.Encoding.PEM),
        "root-key.pem": _pem(root_key),
        "issuing.pem": issuing.public_bytes(serialization.Encoding.PEM),
        "issuing-key.pem": _pem(issuing_key),
    }
    for file_name, content in files.items():
        path = staging / file_name
        path.write_bytes(content)
        os.chmod(path, 0o600)
    try:
        os.rename(staging, directory)
    except OSError:  # another process won: keep its CA
        for path in staging.iterdir():
            path.unlink()
        staging.rmdir()


def _distribution_point(url: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints([x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)])


@dataclass
class _CachedCrl:
    key: tuple
    made: dt.datetime
    crl: x509.CertificateRevocationList


class PlatformCA:
    """A root and an issuing CA whose keys are files in `directory`: root.pem/root-key.pem and
    issuing.pem/issuing-key.pem (PEM, PKCS#8 unencrypted: protect the directory, 0700, as the platform's other
    keys are). Revocations are rows of `RevokedCertificate` in the platform's database; the CRLs are made from
    them and kept for CRL_REFRESH or until a revocation changes them."""

    def __init__(self, directory: Path, *, crl_base_url: str):
        self.directory = Path(directory)
        self.crl_base_url = crl_base_url.rstrip("/")
        try:
            self.root = self._certificate("root.pem")
            self.root_key = self._key("root-key.pem")
            self.issuing = self._certificate("issuing.pem")
            self.issuing_key = self._key("issuing-key.pem")
        except FileNotFoundError as e:
            raise ImproperlyConfigured(f"the platform CA's files are missing in {self.directory}: {e}") from e
        self._crls: dict[str, _CachedCrl] = {}

    @classmethod
    def from_settings(cls) -> PlatformCA:
        directory = ca_key_dir()
        crl_base_url = settings.SUTIAO_CA_CRL_URL or f"{settings.BASE_URL.rstrip('/')}/ca"
        if not (directory / "root.pem").exists():
            if not settings.DEV:
                raise ImproperlyConfigured(
                    f"SUTIAO_CA_KEY_DIR ({directory}) holds no CA: only SUTIAO_DEV=1 generates one (docs/signatures.md)"
                )
            log.info("generating the development CA in %s", directory)
            generate_ca_files(directory, name=f"{settings.PLATFORM_NAME} 开发测试 CA", crl_base_url=crl_base_url)
        return cls(directory, crl_base_url=crl_base_url)

    def _certificate(self, name: str) -> x509.Certificate:
        return x509.load_pem_x509_certificate((self.directory / name).read_bytes())

    def _key(self, name: str):
        return serialization.load_pem_private_key((self.directory / name).read_bytes(), password=None)

    # --- CertificateAuthority ---

    def issue(self, subject: Subject, public_key) -> x509.Certificate:
        organisation = subject.organisation or (subject.name if subject.kind != SubjectKind.NATURAL_PERSON else "")
        name = _name(
            (NameOID.COUNTRY_NAME, "CN"),
            (NameOID.ORGANIZATION_NAME, organisation),
            (NameOID.COMMON_NAME, subject.name),
            (NameOID.SERIAL_NUMBER, subject_serial(subject.identifier)),
        )
        now = timezone.now()
        # No extended key usage: NSS (poppler's pdfsig) checks a signer's EKU for emailProtection whenever one
        # is present, and a PDF signature needs none.
        return self._leaf(name, public_key, now, now + dt.timedelta(days=SUBJECT_DAYS)).sign(
            self.issuing_key, hashes.SHA256()
        )

    def issue_timestamping(self, public_key, *, name: str) -> x509.Certificate:
        """The local timestamp authority's certificate (RFC 3161 §2.3: extendedKeyUsage timeStamping only,
        critical). Not part of the interface: a deployment's TSA comes with its own certificate."""
        now = timezone.now()
        subject = _name(
            (NameOID.COUNTRY_NAME, "CN"), (NameOID.ORGANIZATION_NAME, name), (NameOID.COMMON_NAME, f"{name} 时间戳服务")
        )
        builder = self._leaf(subject, public_key, now, self.issuing.not_valid_after_utc).add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
        return builder.sign(self.issuing_key, hashes.SHA256())

    def _leaf(self, name, public_key, not_before, not_after) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(self.issuing.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before - dt.timedelta(minutes=5))
            .not_valid_after(min(not_after, self.issuing.not_valid_after_utc))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,  # nonRepudiation: the signer commits to the content
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.issuing_key.public_key()), critical=False
            )
            .add_extension(_distribution_point(f"{self.crl_base_url}/issuing.crl"), critical=False)
        )

    def revoke(self, certificate: x509.Certificate, reason: RevocationReason, at: dt.datetime) -> None:
        from .models import RevokedCertificate

        if certificate.issuer != self.issuing.subject:
            raise CertificateAuthorityError(str(_("该证书不是本平台签发的，无法吊销")))
        RevokedCertificate.objects.get_or_create(
            serial=str(certificate.serial_number),
            defaults={"revoked_at": at, "reason": RevocationReason(reason).value},
        )

    def crls(self) -> list[x509.CertificateRevocationList]:
        from .models import RevokedCertificate

        rows = list(RevokedCertificate.objects.order_by("serial").values_list("serial", "revoked_at", "reason"))
        return [
            self._crl("issuing", self.issuing, self.issuing_key, rows),
            # The root revokes nothing in code: its CRL says so, as validators in hard-fail mode ask for it.
            self._crl("root", self.root, self.root_key, []),
        ]

    def _crl(self, which, issuer, key, rows) -> x509.CertificateRevocationList:
        now = timezone.now()
        cache_key = tuple(rows)
        cached = self._crls.get(which)
        if cached and cached.key == cache_key and now - cached.made < CRL_REFRESH:
            return cached.crl
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(issuer.subject)
            .last_update(now - dt.timedelta(minutes=5))
            .next_update(now + CRL_VALIDITY)
            # Increasing across processes and restarts without a counter to keep: the time it was made.
            .add_extension(x509.CRLNumber(int(now.timestamp() * 1000)), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        )
        for serial, revoked_at, reason in rows:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(int(serial))
                .revocation_date(_up_to_the_second(revoked_at))
                .add_extension(x509.CRLReason(_X509_REASONS[RevocationReason(reason)]), critical=False)
                .build()
            )
        crl = builder.sign(key, hashes.SHA256())
        self._crls[which] = _CachedCrl(cache_key, now, crl)
        return crl

    def chain(self) -> list[x509.Certificate]:
        return [self.issuing]

    def trust_roots(self) -> list[x509.Certificate]:
        return [self.root]


def _up_to_the_second(at: dt.datetime) -> dt.datetime:
    """A CRL states times in whole seconds. Rounded down, a signature timestamped in the same second before the
    revocation would read as made after it; rounded up, nothing is lost, since from the moment of revocation the
    platform signs nothing more with the identity (signing.sign checks the row, then the CA's current CRL)."""
    return at if at.microsecond == 0 else at.replace(microsecond=0) + dt.timedelta(seconds=1)


def ca_key_dir() -> Path:
    """SUTIAO_CA_KEY_DIR, or with SUTIAO_DEV=1 a directory of this platform's own under var/ (each institution
    holds its own keys, as with SUTIAO_FIELD_KEY)."""
    if settings.SUTIAO_CA_KEY_DIR:
        return Path(settings.SUTIAO_CA_KEY_DIR)
    if settings.DEV:
        return Path(settings.VAR_DIR) / "ca" / settings.PLATFORM
    raise ImproperlyConfigured("SUTIAO_CA_KEY_DIR must be set (only SUTIAO_DEV=1 allows a development default)")


@functools.lru_cache(maxsize=4)
def _authority(path: str, key_dir: str, crl_url: str) -> CertificateAuthority:
    authority_class = import_string(path)
    instance = authority_class.from_settings()
    if not isinstance(instance, CertificateAuthority):
        raise ImproperlyConfigured(f"{path} does not implement sutiao.documents.ca.CertificateAuthority")
    return instance


def authority() -> CertificateAuthority:
    """The configured CA, one instance per configuration (settings overridden in a test get their own)."""
    return _authority(
        settings.SUTIAO_CERTIFICATE_AUTHORITY, str(settings.SUTIAO_CA_KEY_DIR), settings.SUTIAO_CA_CRL_URL
    )


def extra_trust_roots() -> list[x509.Certificate]:
    """Roots trusted besides the configured CA's (SUTIAO_SIGNATURE_TRUST_ROOTS, PEM files): the peer platform's
    CA, a second licensed CA. A file that is missing is an error, except in development, where the peer's own
    development CA appears only once the peer has run."""
    roots = []
    paths = list(settings.SUTIAO_SIGNATURE_TRUST_ROOTS)
    if settings.DEV and not paths and not settings.SUTIAO_CA_KEY_DIR:
        # The other platform's development CA beside this one's (var/ca/<platform>/): a ruling sealed on the court
        # platform verifies on the investor platform and an agreement the other way round, as with licensed CAs.
        own = ca_key_dir()
        paths = [
            str(p / "root.pem")
            for p in sorted(own.parent.glob("*"))
            if p != own and p.is_dir() and not p.name.startswith(".")
        ]
    for path in paths:
        try:
            roots += x509.load_pem_x509_certificates(Path(path).read_bytes())
        except FileNotFoundError:
            if not settings.DEV:
                raise ImproperlyConfigured(f"SUTIAO_SIGNATURE_TRUST_ROOTS names {path}, which does not exist") from None
    return roots


def trusted_roots() -> list[x509.Certificate]:
    """Every root a verifier on this platform accepts."""
    roots = authority().trust_roots() + extra_trust_roots()
    unique = {root.fingerprint(hashes.SHA256()): root for root in roots}
    return list(unique.values())
