"""Accepting an upload: the one way a file enters the platform, for every action that takes one (evidence in
a mediation, a power of attorney, …). The caller checks its own permission and records its own action; this
checks the file, stores it and records the upload, or refuses and stores nothing."""

import hashlib
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from sutiao.audit.log import SYSTEM, record
from sutiao.kernel.errors import DomainError
from sutiao.kernel.ids import new_id

from .checks import SNIFF_BYTES, content_type, display_name, extension
from .models import DocumentAudit, FileKind, StoredFile
from .storage import CHUNK, SPOOL_BYTES, documents_storage


def _too_large(limit: int) -> DomainError:
    return DomainError(
        _("文件超过 %(limit)s MB 的上限，请压缩或拆分后上传") % {"limit": f"{limit / 2**20:g}"}, field="file"
    )


def accept_upload(
    upload: File, *, uploaded_by, kind: FileKind, label: str = "", case=None, max_bytes: int | None = None
) -> StoredFile:
    """Store `upload` (an UploadedFile from request.FILES, or any django File) for `uploaded_by` and return its
    row; `uploaded_by` is None for what the platform made itself (a scheduled report), a string (the peer
    platform's name) for a document received through the docking. The bytes are streamed into a temporary copy
    while counted and hashed, refused past
    SUTIAO_UPLOAD_MAX_BYTES, typed by their content (checks.content_type), and only then written to the
    documents storage under a generated key, with the row and its audit record in one transaction; `case` files
    the record in that case's trail. Any refusal (a DomainError, field "file") leaves no bytes and no row.
    A caller whose own transaction rolls back after this returned leaves the bytes without a row; nothing
    reads such bytes (see docs/documents.md)."""
    kind = FileKind(kind)
    if upload is None:
        raise DomainError(_("请选择要上传的文件"), field="file")
    name = display_name(upload.name)
    ext = extension(name)
    limit = max_bytes or settings.SUTIAO_UPLOAD_MAX_BYTES  # a session's recording may be larger than an upload
    if (upload.size or 0) > limit:  # what the parser counted: refuse before reading it again
        raise _too_large(limit)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as copy:
        digest, size = hashlib.sha256(), 0
        for chunk in upload.chunks(CHUNK):
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            digest.update(chunk)
            copy.write(chunk)
        if size == 0:
            raise DomainError(_("文件是空的，请重新选择"), field="file")
        copy.seek(0)
        detected = content_type(copy.read(SNIFF_BYTES), ext, copy)
        copy.seek(0)
        pk = new_id()
        # The key is random (a UUIDv7's random tail spreads files over 256 directories): the uploader's name
        # never reaches the file system or the bucket.
        key = f"{pk.hex[-2:]}/{pk.hex}"
        storage = documents_storage()
        try:
            # A write cut short (a full disk) leaves part of a file: removed below like a failed insert's.
            key = storage.save(key, File(copy))
            with transaction.atomic():
                stored = StoredFile.objects.create(
                    id=pk,
                    storage_name=key,
                    original_name=name,
                    content_type=detected,
                    size=size,
                    sha256=digest.hexdigest(),
                    kind=kind,
                    label=(label or "").strip()[:200],
                    uploaded_by=None if isinstance(uploaded_by, str) else uploaded_by,
                )
                after = {
                    "name": name,
                    "kind": kind.value,
                    "content_type": detected,
                    "size": size,
                    "sha256": stored.sha256,
                }
                record(uploaded_by or SYSTEM, DocumentAudit.UPLOAD, stored, case=case, after=after)
        except BaseException:
            storage.delete(key)
            raise
    return stored
