"""RFC 3161 timestamps on signatures (PAdES B-T): the time a signature existed, attested by a timestamp authority
rather than claimed by the signer's clock. In deployment, SUTIAO_TSA_URL names the TSA (a licensed one, as the
CA is); in development and tests, with SUTIAO_DEV=1 and no URL, a timestamp authority in the process answers,
signing with a certificate the platform CA issues for it (extendedKeyUsage timeStamping, ca.PlatformCA
.issue_timestamping), kept beside the CA's keys. `respond` also serves that authority over HTTP, for a test of the
deployment path (RequestsHTTPTimeStamper) without the network."""

import contextlib
import functools
import os
import tempfile
from pathlib import Path

from asn1crypto import cms, core, tsp
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.sign import general
from pyhanko.sign.general import simple_cms_attribute
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from .ca import KEY_SIZE, PlatformCA, authority

# RFC 3161 §3.4: the media types of a request and its reply over HTTP.
REQUEST_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"


def timestamper() -> TimeStamper:
    """The timestamp authority signatures are stamped by: SUTIAO_TSA_URL's, or the local one in development."""
    if settings.SUTIAO_TSA_URL:
        return RequestsHTTPTimeStamper(settings.SUTIAO_TSA_URL, timeout=settings.SUTIAO_TSA_TIMEOUT)
    if not settings.DEV:
        raise ImproperlyConfigured("SUTIAO_TSA_URL must be set (only SUTIAO_DEV=1 uses the local timestamp authority)")
    return local_timestamper()


def local_timestamper() -> "LocalTimeStamper":
    ca = authority()
    if not isinstance(ca, PlatformCA):
        raise ImproperlyConfigured("the local timestamp authority needs the platform CA; set SUTIAO_TSA_URL")
    return _local_timestamper(str(ca.directory))


class LocalTimeStamper(DummyTimeStamper):
    """pyHanko's in-process timestamp authority (RFC 3161 tokens signed with RSA PKCS#1 v1.5, SHA-256), holding
    its key loaded: pyHanko's own parses it again for every token, the dearest step of a timestamp."""

    def __init__(self, key: rsa.RSAPrivateKey, **kwargs):
        super().__init__(**kwargs)
        self._key = key

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, dt):
        md_spec = get_pyca_cryptography_hash(md_algorithm)
        digest = hashes.Hash(md_spec)
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                simple_cms_attribute("signing_certificate", general.as_signing_certificate(self.tsa_cert)),
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = self._key.sign(signed_attrs.dump(), padding.PKCS1v15(), get_pyca_cryptography_hash(md_algorithm))
        return signature, signed_attrs


@functools.lru_cache(maxsize=4)
def _local_timestamper(directory: str) -> LocalTimeStamper:
    ca = authority()
    certificate, key = _tsa_files(ca, Path(directory))
    return LocalTimeStamper(
        key,
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        # The token carries the issuing CA too, so a verifier builds the path from the token alone.
        certs_to_embed=[asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in ca.chain()],
    )


def _tsa_files(ca: PlatformCA, directory: Path):
    """The local TSA's key and certificate, in one file (tsa.pem, so they cannot mismatch) made once: written
    beside and linked into place, so two processes starting together agree on one."""
    path = directory / "tsa.pem"
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
        certificate = ca.issue_timestamping(key.public_key(), name=str(settings.PLATFORM_NAME))
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ) + certificate.public_bytes(serialization.Encoding.PEM)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".tsa-", delete=False) as staging:
            staging.write(pem)
        os.chmod(staging.name, 0o600)
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(staging.name, path)
        os.unlink(staging.name)
    both = path.read_bytes()
    key = serialization.load_pem_private_key(both, password=None)
    certificate = x509.load_pem_x509_certificate(both[both.index(b"-----BEGIN CERTIFICATE-----") :])
    return certificate, key


def respond(request_der: bytes) -> bytes:
    """The local authority's DER reply (TimeStampResp) to a DER TimeStampReq, for an HTTP endpoint."""
    request = tsp.TimeStampReq.load(request_der)
    return local_timestamper().request_tsa_response(request).dump()
