"""RFC 9421 HTTP Message Signatures over an RFC 9530 Content-Digest, Ed25519 (DESIGN.md §4).

Requests cover the method, the path, the content type and the body digest — not the authority, so a
proxy or load balancer in between does not break them; the recipient is inside the signed body.
"""

import datetime as dt
import functools
import secrets
from dataclasses import dataclass
from pathlib import Path

import http_sf
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    algorithms,
)
from http_message_signatures.digests import ContentDigest
from http_message_signatures.exceptions import InvalidSignature

from .models import PeerKey
from .refusals import Refused

TAG = "sutiao-docking-v1"
LABEL = "sutiao"
REQUEST_COMPONENTS = ("@method", "@path", "content-type", "content-digest")
RESPONSE_COMPONENTS = ("@status", "content-type", "content-digest")
# An answer covers the signature of the request it answers (RFC 9421 §2.4, `req`): that signature's parameters hold
# the request's nonce, so a signed answer — a refusal above all — cannot be replayed as the answer to another request.
ANSWERED_REQUEST = f'"signature";req;key="{LABEL}"'
ANSWER_COMPONENTS = (*RESPONSE_COMPONENTS, ANSWERED_REQUEST)
# Reads (the catch-up feed, the reconciliation summaries) also bind the query: the cursor asked for.
FEED_COMPONENTS = ("@method", "@path", "@query", "content-type", "content-digest")
CLOCK_SKEW = dt.timedelta(seconds=30)


@dataclass(frozen=True)
class HttpMessage:
    """The minimal request view http-message-signatures needs (method, url, headers)."""

    method: str
    url: str
    headers: dict


@functools.cache
def _own_key(path: str) -> Ed25519PrivateKey:
    if not path:
        raise ImproperlyConfigured("SUTIAO_SIGNING_KEY_FILE is not set: this platform cannot sign docking messages")
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("SUTIAO_SIGNING_KEY_FILE must hold an Ed25519 private key")
    return key


def own_key() -> tuple[str, Ed25519PrivateKey]:
    if not settings.SUTIAO_KEY_ID:
        raise ImproperlyConfigured("SUTIAO_KEY_ID is not set")
    return settings.SUTIAO_KEY_ID, _own_key(settings.SUTIAO_SIGNING_KEY_FILE)


def own_public_pem() -> str:
    return (
        own_key()[1]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class _Keys(HTTPSignatureKeyResolver):
    def __init__(
        self,
        public: Ed25519PublicKey | None = None,
        public_id: str = "",
        private: tuple[str, Ed25519PrivateKey] | None = None,
    ):
        self.public, self.public_id, self.private = public, public_id, private

    def resolve_private_key(self, key_id: str):
        if self.private is None or key_id != self.private[0]:
            raise KeyError(key_id)
        return self.private[1]

    def resolve_public_key(self, key_id: str):
        # Only the key the verified signature names: never a key looked up for some other entry.
        if key_id != self.public_id:
            raise KeyError(key_id)
        return self.public


def sign(
    message,
    body: bytes,
    components=REQUEST_COMPONENTS,
    *,
    now: dt.datetime | None = None,
    key: tuple[str, Ed25519PrivateKey] | None = None,
) -> None:
    """Sign a request (or a response) in place: Content-Digest, Signature-Input, Signature.
    `key` (key id, private key) defaults to this platform's own signing key."""
    now = now or dt.datetime.now(dt.UTC)
    key_id, private_key = key or own_key()
    HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=_Keys(private=(key_id, private_key))).sign(
        message,
        key_id=key_id,
        created=now,
        expires=now + dt.timedelta(seconds=settings.SUTIAO_SIGNATURE_LIFETIME),
        nonce=secrets.token_urlsafe(18),
        label=LABEL,
        tag=TAG,
        covered_component_ids=components,
        body=body,
    )


@dataclass(frozen=True)
class Verified:
    peer_key: PeerKey
    nonce: str
    content_digest: str


def _ours(headers) -> tuple[str, dict]:
    """The label and parameters of the one signature with our tag. Other signatures (a proxy's, say) are not
    ours to judge; two of ours would let one be verified and the other's parameters be read, so they are refused."""
    raw = headers.get("Signature-Input")
    if not raw or not headers.get("Signature"):
        raise Refused("signature_missing", "请求未签名：缺少 Signature 或 Signature-Input 头")
    try:
        parsed = http_sf.parse(raw.encode(), tltype="dictionary")
    except Exception as e:
        raise Refused("signature_malformed", "Signature-Input 头格式错误") from e
    ours = [(label, params) for label, (_members, params) in parsed.items() if params.get("tag") == TAG]
    if len(ours) != 1:
        raise Refused("signature_malformed", f"须有且仅有一个标记为 {TAG} 的签名（实有 {len(ours)} 个）")
    return ours[0]


def verify(message, body: bytes, components=REQUEST_COMPONENTS, key_lookup=None, at=None) -> Verified:
    """Verify a signed message and its body; raise Refused with a precise code otherwise. Every parameter used
    (key, times, nonce) is read from the signature that was verified, never from another entry of the headers.

    `key_lookup(key_id)` returns the PeerKey (default: an unrevoked key of an active peer). `at`: check the
    signature's times as of then, not now (a kept answer checked again: statistics.recheck)."""
    headers = message.headers
    label, params = _ours(headers)
    key_id = params.get("keyid")
    if not isinstance(key_id, str):
        raise Refused("signature_malformed", "签名缺少 keyid 参数")
    peer_key = (key_lookup or _registered_key)(key_id)
    now = at or dt.datetime.now(dt.UTC)
    created, expires = params.get("created"), params.get("expires")
    if not isinstance(created, int) or not isinstance(expires, int):
        raise Refused("signature_malformed", "签名缺少 created 或 expires 参数")
    if dt.datetime.fromtimestamp(created, dt.UTC) > now + CLOCK_SKEW:
        raise Refused("signature_not_yet_valid", "签名时间晚于当前时间")
    if dt.datetime.fromtimestamp(expires, dt.UTC) < now - CLOCK_SKEW:
        raise Refused("signature_expired", "签名已过期")
    if expires - created > 3600:
        raise Refused("signature_malformed", "签名有效期过长（不得超过 1 小时）")
    nonce = params.get("nonce")
    if not isinstance(nonce, str) or not 16 <= len(nonce) <= 128:
        raise Refused("signature_malformed", "签名缺少有效的 nonce 参数")
    digest_header = headers.get("Content-Digest")
    if not digest_header:
        raise Refused("digest_missing", "缺少 Content-Digest 头")
    try:
        ContentDigest.verify(digest_header, body)
    except Exception as e:
        raise Refused("digest_mismatch", "报文内容与 Content-Digest 不符（签名后被改动）", status=400) from e
    public_key = serialization.load_pem_public_key(peer_key.public_key_pem.encode())
    verifier_class = HTTPMessageVerifier if at is None else _VerifierAsOf
    verifier = verifier_class(signature_algorithm=algorithms.ED25519, key_resolver=_Keys(public_key, key_id))
    verifier.max_clock_skew = CLOCK_SKEW
    try:
        results = verifier.verify(
            message, max_age=None, expect_tag=TAG, expect_label=label, require_components=components, body=body
        )
    except InvalidSignature as e:
        raise Refused("signature_invalid", "签名验证失败") from e
    # The library verified exactly the entry read above: its signed parameters are the ones checked.
    if len(results) != 1 or results[0].parameters != dict(params):
        raise Refused("signature_invalid", "签名验证失败")
    return Verified(peer_key=peer_key, nonce=nonce, content_digest=digest_header)


class _VerifierAsOf(HTTPMessageVerifier):
    """The library checks a signature's times against the clock; `verify(at=…)` has checked them as of `at`."""

    def validate_created_and_expires(self, sig_input, max_age=None):
        return None


def _registered_key(key_id: str) -> PeerKey:
    key = PeerKey.objects.select_related("peer").filter(key_id=key_id).first()
    if key is None or not key.peer.active:
        raise Refused("unknown_key", f"未登记的密钥标识：{key_id[:128]}")
    if key.revoked_at is not None:
        raise Refused("key_revoked", f"密钥已吊销：{key_id}")
    return key


def _carries_our_label(headers) -> bool:
    try:
        return LABEL in http_sf.parse((headers.get("Signature") or "").encode(), tltype="dictionary")
    except Exception:
        return False


def sign_answer(response, body: bytes, request, *, key: tuple[str, Ed25519PrivateKey] | None = None) -> None:
    """Sign an answer (`response` has status_code and headers) to `request` (method, url, headers): bound to the
    request's signature when it carries one under our label, as every request of a genuine peer does."""
    response.request = request
    bound = request is not None and _carries_our_label(request.headers)
    sign(response, body, ANSWER_COMPONENTS if bound else RESPONSE_COMPONENTS, key=key)


class ResponseView:
    """A received response, with the request it answers, as http-message-signatures reads it."""

    def __init__(self, response, request):
        self.status_code, self.headers, self.request = response.status_code, response.headers, request


def verify_response(peer, response, request) -> Verified:
    """Verify a peer's signed answer to our `request` against that peer's own registered, unrevoked keys: an
    answer signed by another peer, or signed for another request, is refused."""

    def lookup(key_id: str) -> PeerKey:
        key = PeerKey.objects.filter(key_id=key_id, peer=peer, revoked_at__isnull=True).select_related("peer").first()
        if key is None:
            raise Refused("unknown_key", f"回执签名的密钥未登记：{key_id}")
        return key

    return verify(ResponseView(response, request), response.content, components=ANSWER_COMPONENTS, key_lookup=lookup)
