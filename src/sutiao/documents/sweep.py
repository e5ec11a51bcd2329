"""Removing bytes no row names. `accept_upload` writes the bytes before its row, inside the caller's
transaction; should that transaction roll back afterwards (the caller's own check fails, the process dies),
the row goes and the bytes stay, unreachable: nothing serves a file without its row. This sweep deletes them
once they are older than any transaction could be."""

import datetime as dt
import logging

from django.utils import timezone

from .models import StoredFile
from .storage import documents_storage

log = logging.getLogger("sutiao.documents")

# Longer than any transaction stays open: bytes younger than this may still be waiting for their row to commit.
ORPHAN_GRACE = dt.timedelta(hours=1)


def sweep_orphans(now: dt.datetime | None = None) -> int:
    """Delete the stored bytes without a StoredFile row that are older than ORPHAN_GRACE; returns how many. One
    query per storage directory (at most 256 of them), not per file."""
    storage = documents_storage()
    cutoff = (now or timezone.now()) - ORPHAN_GRACE
    removed = 0
    pending = [""]
    while pending:
        directory = pending.pop()
        try:
            subdirectories, files = storage.listdir(directory)
        except FileNotFoundError:  # nothing uploaded yet
            continue
        pending += [f"{directory}{sub}/" for sub in subdirectories]
        names = [f"{directory}{name}" for name in files]
        known = set(StoredFile.objects.filter(storage_name__in=names).values_list("storage_name", flat=True))
        for name in names:
            if name not in known and storage.get_modified_time(name) < cutoff:
                storage.delete(name)
                log.info("removed orphaned stored file %s", name)
                removed += 1
    return removed
