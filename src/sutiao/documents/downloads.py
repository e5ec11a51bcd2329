"""Serving a stored file to a user, for every view of either platform that offers one: the caller's permission
predicate first (outside one's reach a file does not exist: 404), then the integrity check, then an audit record
of the download, then the verified bytes."""

import logging
from collections.abc import Callable
from urllib.parse import quote

from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from sutiao.audit.log import record

from .models import DocumentAudit, StoredFile
from .storage import TamperedFile, open_verified

log = logging.getLogger("sutiao.documents")


def content_disposition(name: str) -> str:
    """`attachment` with the display name (RFC 6266): an ASCII fallback in `filename` for old clients and the
    exact UTF-8 name in `filename*` (RFC 5987/8187), so a Chinese name arrives intact and no quote or
    backslash in a name can break out of the header."""
    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\%' else "_" for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_response(
    request, stored: StoredFile, *, permitted: Callable[[object, StoredFile], bool], case=None
) -> HttpResponse:
    """The response that sends `stored` to `request.user` if `permitted(user, stored)` holds: else Http404 with
    a Chinese message. A file whose bytes are missing or altered is not sent: the user gets a plain 500 saying
    so, the operators a log line, and the attempt an audit record. `case` files the download in that case's
    trail."""
    user = request.user
    if not user.is_authenticated or not permitted(user, stored):
        log.warning("download of %s refused to %s", stored.pk, getattr(user, "pk", None))
        raise Http404(_("文件不存在，或您无权下载此文件"))
    try:
        verified = open_verified(stored)
    except TamperedFile as e:
        with transaction.atomic():
            record(user, DocumentAudit.DOWNLOAD_REFUSED_ALTERED, stored, case=case, after={"sha256": stored.sha256})
        return HttpResponse(e.message, status=500, content_type="text/plain; charset=utf-8")
    with transaction.atomic():
        record(
            user,
            DocumentAudit.DOWNLOAD,
            stored,
            case=case,
            after={"name": stored.original_name, "sha256": stored.sha256},
        )
    response = FileResponse(verified, content_type=stored.content_type)
    response["Content-Length"] = str(stored.size)
    response["Content-Disposition"] = content_disposition(stored.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Should a browser still render it, nothing in it runs.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
