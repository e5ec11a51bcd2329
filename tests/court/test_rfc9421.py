"""Our signatures against the standard: the Ed25519 test vector of RFC 9421 Appendix B.2.6, and a verifier
written here from the RFC's text alone (not http-message-signatures) that checks what we sign, and the
other way round."""

import base64
import datetime as dt
import hashlib

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, algorithms
from http_message_signatures.resolvers import MappingKeyResolver

from sutiao.docking.models import PeerKey
from sutiao.docking.refusals import Refused
from sutiao.docking.signing import REQUEST_COMPONENTS, sign, verify

# RFC 9421 Appendix B.1.4, "test-key-ed25519".
RFC_PRIVATE = b"""-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----
"""
RFC_PUBLIC = b"""-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----
"""
# Appendix B.2.6: the signature over the test request, which Ed25519 reproduces exactly.
RFC_B26_INPUT = (
    'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");'
    'created=1618884473;keyid="test-key-ed25519"'
)
RFC_B26_SIGNATURE = "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:"


def rfc_request():
    return requests.Request(
        "POST",
        "https://example.com/foo?param=Value&Pet=dog",
        data=b'{"hello": "world"}',
        headers={
            "Host": "example.com",
            "Date": "Tue, 20 Apr 2021 02:07:55 GMT",
            "Content-Type": "application/json",
            "Content-Digest": (
                "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"
            ),
            "Content-Length": "18",
        },
    ).prepare()


def test_our_signing_stack_reproduces_the_rfc_9421_ed25519_vector():
    keys = MappingKeyResolver(
        public_keys={"test-key-ed25519": RFC_PUBLIC},
        private_keys={"test-key-ed25519": serialization.load_pem_private_key(RFC_PRIVATE, None)},
    )
    request = rfc_request()
    HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=keys).sign(
        request,
        key_id="test-key-ed25519",
        created=dt.datetime.fromtimestamp(1618884473, dt.UTC),
        label="sig-b26",
        include_alg=False,
        covered_component_ids=("date", "@method", "@path", "@authority", "content-type", "content-length"),
        use_existing_digest=True,
    )
    assert request.headers["Signature-Input"] == RFC_B26_INPUT
    assert request.headers["Signature"] == RFC_B26_SIGNATURE
    verifier = HTTPMessageVerifier(signature_algorithm=algorithms.ED25519, key_resolver=keys)
    [result] = verifier.verify(request, max_age=None)
    assert result.parameters["keyid"] == "test-key-ed25519"


# --- an independent implementation, from RFC 9421 §2.3 and §2.5 and RFC 9530 §2 only ---


def independent_signature_base(method: str, path: str, headers: dict, signature_input: str, label: str) -> bytes:
    member = signature_input.split(f"{label}=", 1)[1]
    inner = member[member.index("(") + 1 : member.index(")")]
    lines = []
    for component in [c.strip('"') for c in inner.split()]:
        value = {"@method": method, "@path": path}.get(component)
        if value is None:
            value = headers[component].strip()
        lines.append(f'"{component}": {value}')
    lines.append(f'"@signature-params": {member}')
    return "\n".join(lines).encode()


def independent_verify(method, path, headers, body, public_pem, label="sutiao") -> bool:
    algorithm, _, encoded = headers["content-digest"].partition("=")
    expected = base64.b64encode(hashlib.new({"sha-256": "sha256", "sha-512": "sha512"}[algorithm], body).digest())
    if encoded.strip(":").encode() != expected:
        return False
    base = independent_signature_base(method, path, headers, headers["signature-input"], label)
    signature = base64.b64decode(headers["signature"].split(f"{label}=:", 1)[1].rstrip(":"))
    try:
        serialization.load_pem_public_key(public_pem).verify(signature, base)
    except Exception:
        return False
    return True


def test_an_independent_verifier_accepts_what_we_sign(settings):
    private = Ed25519PrivateKey.generate()
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    body = '{"type":"DELEGATE","note":"委派"}'.encode()
    request = requests.Request(
        "POST", "http://investor.example/docking/v1/messages", data=body, headers={"Content-Type": "application/json"}
    ).prepare()
    sign(request, body, key=("court-key", private))
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert independent_verify("POST", "/docking/v1/messages", headers, body, public_pem)
    assert not independent_verify("POST", "/docking/v1/messages", headers, body + b" ", public_pem)
    assert not independent_verify("POST", "/docking/v1/other", headers, body, public_pem)


@pytest.mark.django_db
def test_we_accept_what_an_independent_signer_makes():
    private = Ed25519PrivateKey.generate()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    body = b'{"hello": "world"}'
    now = int(dt.datetime.now(dt.UTC).timestamp())
    params = (
        '("@method" "@path" "content-type" "content-digest");'
        f'created={now};expires={now + 60};nonce="independent-nonce-0001";keyid="indie";tag="sutiao-docking-v1"'
    )
    headers = {
        "content-type": "application/json",
        "content-digest": f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode()}:",
        "signature-input": f"sutiao={params}",
    }
    base = independent_signature_base("POST", "/docking/v1/messages", headers, headers["signature-input"], "sutiao")
    headers["signature"] = f"sutiao=:{base64.b64encode(private.sign(base)).decode()}:"

    class Message:
        method, url = "POST", "http://court.example/docking/v1/messages"

    Message.headers = requests.structures.CaseInsensitiveDict(headers)
    key = PeerKey(key_id="indie", public_key_pem=public_pem)
    assert verify(Message, body, components=REQUEST_COMPONENTS, key_lookup=lambda key_id: key).nonce == (
        "independent-nonce-0001"
    )
    Message.headers["content-type"] = "text/plain"
    with pytest.raises(Refused) as refused:
        verify(Message, body, components=REQUEST_COMPONENTS, key_lookup=lambda key_id: key)
    assert refused.value.code == "signature_invalid"
