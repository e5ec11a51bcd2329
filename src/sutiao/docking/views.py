"""The docking endpoint and its OpenAPI document."""

import datetime as dt
import json
import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sutiao.documents.storage import TamperedFile, open_verified

from . import hooks
from .documents import shared_file
from .feed import page_for
from .inbox import burn_nonce, receive, receive_batch
from .openapi import openapi_document
from .reconcile import summaries
from .refusals import Refused
from .schemas import BatchReceipt, CourtList
from .signing import FEED_COMPONENTS, HttpMessage, sign_answer, verify
from .statistics import own as own_statistics

log = logging.getLogger("sutiao.docking.inbox")


def _refusal(refused: Refused, request) -> HttpResponse:
    log.warning(
        "refused docking request from %s: %s %s", request.META.get("REMOTE_ADDR"), refused.code, refused.message
    )
    body = {"error": refused.code, "message": refused.message, "final": refused.final}
    if refused.detail is not None:
        body["detail"] = refused.detail
    # Signed like a receipt: the sender acts on a refusal only when it is signed for its request (issue 14).
    return _signed_json(json.dumps(body, ensure_ascii=False, default=str).encode(), refused.status, request)


def _take(request, receive_fn):
    """What both endpoints do around the receiving: size and type first, a signed answer last."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.SUTIAO_MAX_BODY_BYTES:
        return _refusal(Refused("body_too_large", "报文过大", status=413), request)
    if request.content_type != "application/json":
        return _refusal(Refused("unsupported_media_type", "报文类型须为 application/json", status=415), request)
    try:
        status, answer = receive_fn(_view(request), request.body)
    except Refused as refused:
        return _refusal(refused, request)
    return _signed_json(answer.model_dump_json().encode(), status, request)


def _view(request) -> HttpMessage:
    return HttpMessage(method=request.method, url=request.build_absolute_uri(), headers=request.headers)


def _signed_json(payload: bytes, status: int, request, content_type: str = "application/json") -> HttpResponse:
    """The answer, signed and bound to the request it answers."""
    response = HttpResponse(payload, status=status, content_type=content_type)
    try:
        sign_answer(_SignableResponse(response), payload, _view(request))
    except ImproperlyConfigured:
        # A platform without its signing key cannot dock at all; its unsigned answer changes nothing at the sender.
        log.exception("docking answer left unsigned")
    return response


@csrf_exempt
@require_POST
def messages(request):
    return _take(request, receive)


@csrf_exempt
@require_POST
def batches(request):
    return _take(request, lambda view, body: (200, BatchReceipt(results=receive_batch(view, body))))


class _SignableResponse:
    """http-message-signatures reads `status_code` and `headers` and writes the signature headers."""

    def __init__(self, response: HttpResponse):
        self.status_code, self.headers, self.request = response.status_code, response.headers, None


def _signed_read(request, read):
    """A signed GET from a peer: verify who asks, answer with what `read(peer, after, limit)` gives, signed."""
    try:
        verified = verify(_view(request), request.body, components=FEED_COMPONENTS)
        # A read is burnt like a write: a captured read replayed would hand out parties' data again.
        burn_nonce(verified.peer_key.peer, verified.nonce)
        limit = int(request.GET.get("limit") or 500)
        answer = read(verified.peer_key.peer, request.GET.get("after", ""), limit)
    except Refused as refused:
        return _refusal(refused, request)
    except ValueError:
        return _refusal(Refused("schema_invalid", "after 或 limit 参数无效", status=400), request)
    return _signed_json(json.dumps(answer, ensure_ascii=False, default=str).encode(), 200, request)


@require_GET
def feed(request):
    """The catch-up feed: what this platform has sent to the peer whose key signed the request."""
    return _signed_read(request, page_for)


@require_GET
def cases(request):
    """Per-case summaries for the peer's reconciliation."""
    return _signed_read(request, summaries)


@require_GET
def courts(request):
    """The courts this platform serves, for the peer's court directory (none on the investor platform)."""
    return _signed_read(
        request, lambda _peer, _after, _limit: CourtList(courts=hooks.court_list()).model_dump(mode="json")
    )


# The longest period one statistics message covers: a year (the joint meeting's yearly review), leap day included.
STATISTICS_MAX_DAYS = 366


def _period(params) -> tuple[dt.date, dt.date]:
    try:
        start, end = dt.date.fromisoformat(params.get("start", "")), dt.date.fromisoformat(params.get("end", ""))
    except ValueError:
        start = end = None
    if start is None or end < start or (end - start).days + 1 > STATISTICS_MAX_DAYS:
        raise Refused(
            "schema_invalid",
            f"start、end 应为 YYYY-MM-DD，start 不晚于 end，跨度不超过 {STATISTICS_MAX_DAYS} 天",
            status=400,
        )
    return start, end


@require_GET
def statistics(request):
    """The signed statistics message: the delegations shared with the asking peer, made in the period, counted."""

    def read(peer, _after, _limit):
        # The adoption figures and the cases by region only to an asker that asks for them: an older one refuses a
        # field it does not know.
        asked = {name: request.GET.get(name) == "1" for name in ("adoption", "cases_by_region")}
        statistics = own_statistics(peer, *_period(request.GET), **asked)
        return statistics.model_dump(mode="json", exclude={name for name, wanted in asked.items() if not wanted})

    return _signed_read(request, read)


@require_GET
def audit_heads(request):
    """The audit chain heads the asking peer sent us, for its `audit verify --peer`."""
    return _signed_read(request, hooks.received_heads)


@require_GET
def document(request, sha256: str):
    """A document's bytes by their SHA-256, to the peer it was shared with (docking.documents.share): to any
    other peer, and for a hash that names nothing, the same 404. The bytes are read back verified against the
    stored hash (a file altered in storage is not sent) and the answer is signed over them (Content-Digest)."""
    try:
        verified = verify(_view(request), request.body, components=FEED_COMPONENTS)
        peer = verified.peer_key.peer
        burn_nonce(peer, verified.nonce)
        stored = shared_file(peer, sha256)
        if stored is None:
            raise Refused("document_not_shared", "该文件不存在，或未向贵方平台共享", status=404)
        try:
            with open_verified(stored) as copy:
                payload = copy.read()
        except TamperedFile as e:
            log.error("shared document %s for %s cannot be sent: %s", stored.pk, peer.name, e.message)
            raise Refused("document_unavailable", "该文件在本平台的存储中缺失或已被改动，暂无法提供", status=503) from e
    except Refused as refused:
        return _refusal(refused, request)
    response = _signed_json(payload, 200, request, content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def openapi(request):
    return HttpResponse(json.dumps(openapi_document(), ensure_ascii=False, indent=1), content_type="application/json")
