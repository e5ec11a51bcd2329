"""Documents between the platforms (issue 11 §4): a message names a document by its SHA-256, never carries it;
the receiver fetches the bytes by that hash over a signed read and checks the hash (and, for a signed PDF, its
signatures: sutiao.documents.signing.verify). The sender answers a peer only what it shared with that peer."""

import hashlib
import re

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from sutiao.documents.models import StoredFile
from sutiao.kernel.errors import DomainError

from .models import Peer, PeerKey, SharedDocument, insecure_url
from .refusals import Refused
from .signing import ANSWER_COMPONENTS, FEED_COMPONENTS, ResponseView, sign, verify

SHA256_HEX = re.compile(r"[0-9a-f]{64}")
CHUNK = 64 * 1024


def share(peer: Peer, stored_file: StoredFile) -> SharedDocument:
    """Let `peer` fetch `stored_file`. Call it inside the action's transaction that writes the outbox message
    naming the file's SHA-256: the share and the message commit together or not at all. Sharing twice is one share."""
    with transaction.atomic():
        shared, _created = SharedDocument.objects.get_or_create(
            peer=peer, stored_file=stored_file, defaults={"sha256": stored_file.sha256}
        )
    return shared


def shared_file(peer: Peer, sha256: str) -> StoredFile | None:
    """The file `peer` may fetch by `sha256`, or None — whether another peer may, or the hash exists at all, is
    not the asking peer's business."""
    if not SHA256_HEX.fullmatch(sha256):
        return None
    shared = SharedDocument.objects.filter(peer=peer, sha256=sha256).select_related("stored_file").first()
    return shared.stored_file if shared else None


class DocumentRefused(DomainError):
    """A fetched document was not delivered, or not as asked: the message says why, in Chinese. `final` when
    asking again cannot help (the bytes are not the ones named, or too many); else the peer may be down for now."""

    def __init__(self, message: str, final: bool = False):
        super().__init__(message)
        self.final = final


def fetch_document(peer: Peer, sha256: str, *, max_bytes: int | None = None, timeout: float = 120) -> bytes:
    """The bytes `peer` shared with this platform under `sha256`: a signed GET of /docking/v1/documents/<sha256>,
    read in chunks up to `max_bytes` (default SUTIAO_UPLOAD_MAX_BYTES, what an upload may be), the peer's signed
    answer verified, and the bytes' SHA-256 checked against the one asked for. Raises DocumentRefused."""
    from .client import _session  # the peers' keep-alive session

    sha256 = sha256.lower()
    if not SHA256_HEX.fullmatch(sha256):
        raise DocumentRefused(_("文件的 SHA-256 校验值格式错误"))
    max_bytes = max_bytes or settings.SUTIAO_UPLOAD_MAX_BYTES
    insecure = insecure_url(peer.base_url)
    if insecure:
        raise DocumentRefused(insecure)
    request = _prepared(peer, sha256)
    sign(request, b"", components=FEED_COMPONENTS)
    try:
        with _session.send(request, timeout=(5, timeout), stream=True) as response:
            if response.status_code == 404:
                raise DocumentRefused(_("对方平台没有向本平台共享该文件（%(sha)s）") % {"sha": sha256})
            if response.status_code != 200:
                raise DocumentRefused(_("对方平台返回 HTTP %(status)s，未取得文件") % {"status": response.status_code})
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise DocumentRefused(_too_large(max_bytes), final=True)
            body, digest = bytearray(), hashlib.sha256()
            for chunk in response.iter_content(CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise DocumentRefused(_too_large(max_bytes), final=True)
                digest.update(chunk)
            body = bytes(body)
            _verify_answer(peer, response, request, body)
    except OSError as e:  # requests' connection errors and timeouts
        raise DocumentRefused(_("无法连接对方平台，未取得文件：%(error)s") % {"error": type(e).__name__}) from e
    if digest.hexdigest() != sha256:
        raise DocumentRefused(
            _("对方平台发来的文件与所需的 SHA-256 校验值不符（实为 %(got)s），已拒收") % {"got": digest.hexdigest()},
            final=True,
        )
    return body


def _prepared(peer: Peer, sha256: str):
    import requests

    return requests.Request(
        "GET",
        f"{peer.base_url.rstrip('/')}/docking/v1/documents/{sha256}",
        headers={"Content-Type": "application/json"},
    ).prepare()


def _too_large(max_bytes: int) -> str:
    return _("对方平台发来的文件超过 %(mb)s MB 上限，已拒收") % {"mb": max_bytes // (1024 * 1024)}


def _verify_answer(peer: Peer, response, request, body: bytes) -> None:
    """The answer is the peer's (one of its own unrevoked keys) and signed for this very request."""

    def lookup(key_id: str) -> PeerKey:
        key = PeerKey.objects.filter(key_id=key_id, peer=peer, revoked_at__isnull=True).select_related("peer").first()
        if key is None:
            raise Refused("unknown_key", f"回执签名的密钥未登记：{key_id}")
        return key

    try:
        verify(ResponseView(response, request), body, components=ANSWER_COMPONENTS, key_lookup=lookup)
    except Refused as refused:
        raise DocumentRefused(_("对方平台的应答签名无效，未取得文件：%(why)s") % {"why": refused.message}) from refused
