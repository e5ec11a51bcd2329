"""Where stored files' bytes live: Django's storage named `documents` (settings.STORAGES), a directory under
var/ outside any served root by default, S3-compatible object storage at scale (docs/documents.md). Reading a
file back checks it against the SHA-256 taken when it was accepted."""

import hashlib
import logging
import tempfile

from django.core.files.storage import Storage, storages
from django.utils.translation import gettext as _

from sutiao.kernel.errors import DomainError

from .models import StoredFile

log = logging.getLogger("sutiao.documents")

CHUNK = 64 * 1024
# A verified copy up to this size stays in memory, a larger one spills to a temporary file.
SPOOL_BYTES = 1024 * 1024


class TamperedFile(DomainError):
    """The stored bytes are missing or differ from what was accepted."""


def documents_storage() -> Storage:
    return storages["documents"]


def open_verified(stored: StoredFile):
    """A copy of the stored bytes (a temporary file positioned at its start), after checking its size and
    SHA-256 against the row: what the caller reads is exactly what was verified, also on object storage where
    reading twice would mean downloading twice. Raises TamperedFile when the file is gone or altered."""
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned open, its reader closes it
    digest, size = hashlib.sha256(), 0
    try:
        with documents_storage().open(stored.storage_name, "rb") as source:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                copy.write(chunk)
    except (FileNotFoundError, OSError) as e:
        copy.close()
        log.error("stored file %s (%s) cannot be read: %s", stored.pk, stored.storage_name, e)
        raise TamperedFile(
            _("文件“%(name)s”在存储中缺失，无法下载，请联系平台管理员") % {"name": stored.original_name}
        ) from e
    if size != stored.size or digest.hexdigest() != stored.sha256:
        copy.close()
        log.error(
            "stored file %s (%s) altered: sha256 %s, expected %s",
            stored.pk,
            stored.storage_name,
            digest.hexdigest(),
            stored.sha256,
        )
        raise TamperedFile(
            _("文件“%(name)s”已被改动（与上传时的 SHA-256 校验值不符），已停止下载，请联系平台管理员")
            % {"name": stored.original_name}
        )
    copy.seek(0)
    return copy
