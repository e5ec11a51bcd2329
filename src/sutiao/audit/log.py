"""Writing the audit log. Every action calls `record` (or `record_many` for a bulk action) inside its own
transaction, so the record commits or rolls back with the change it describes (DESIGN.md §3); so do the
effects of incoming docking messages (actor = the peer) and sensitive reads (an identity number shown
unmasked, a document downloaded, a list exported)."""

import contextvars
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .chain import FIELDS, link, serialised
from .models import SYSTEM_ROLE, AuditHead, AuditRecord

# The actor of what the platform does on its own (scheduled work, recomputations), in records and case stories.
SYSTEM = "系统"

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("sutiao_request_id", default="")


@dataclass(frozen=True)
class Entry:
    """One record to write: what happened to which object (model instance or None), in which case."""

    action: str
    obj: object = None
    case: object = None
    before: dict | None = None
    after: dict | None = None


def _actor_fields(actor) -> tuple[str, str, str]:
    """(name, id, role) of a user, or of a system actor given as a string (e.g. the peer platform's id)."""
    if isinstance(actor, str):
        return actor, "", SYSTEM_ROLE
    return str(actor), str(actor.pk), getattr(actor, "role", "") or ""


def record(actor, action: str, obj=None, *, case=None, before: dict | None = None, after: dict | None = None) -> int:
    """Append one record; must run inside the caller's transaction. `case` is the platform-neutral case
    reference the docking uses (the court's Case, or the investor platform's `Delegation.case`): a case's
    trail is read by it (`selectors.trail_for_case`). Returns the record's sequence number, by which another
    row can point at it."""
    return record_many(actor, [Entry(action, obj, case, before, after)])


def record_many(actor, entries: list[Entry], at: dt.datetime | None = None) -> int:
    """Append one record per entry, in order; returns the sequence number of the last (0 for none)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the action's transaction")
    if not entries:
        return 0
    name, actor_id, role = _actor_fields(actor)
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    at = at or timezone.now()
    rid = request_id.get()
    seq, prev = head.seq, head.hash
    rows = []
    for entry in entries:
        obj = entry.obj
        before_text, before = serialised(entry.before)
        after_text, after = serialised(entry.after)
        seq += 1
        fields = {
            "seq": seq,
            "at": at,
            "actor": name,
            "actor_id": actor_id,
            "role": role,
            "action": entry.action,
            "object_type": obj._meta.label if obj is not None else "",
            "object_id": str(obj.pk) if obj is not None else "",
            "case": str(getattr(entry.case, "pk", entry.case) or ""),
            "before": before,
            "after": after,
            "request_id": rid,
        }
        digest = link(prev, fields)
        rows.append((prev, digest, *(fields[c] for c in FIELDS[:9]), before_text, after_text, rid))
        prev = digest
    _insert(rows, at)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
    return seq


_COLUMNS = ("prev_hash", "hash", *FIELDS)
assert _COLUMNS[-3:] == ("before", "after", "request_id")  # the order record_many builds its rows in


def _insert(rows: list[tuple], at: dt.datetime) -> None:
    """The rows written without the ORM's per-instance and per-field machinery, which cost more than everything
    else a record does: a 50,000-case batch writes 50,000 records (bench (d)). PostgreSQL takes them by COPY
    (a multi-row INSERT is bound client-side by psycopg, placeholder by placeholder); SQLite by executemany
    of one prepared INSERT. JSON columns get the text `serialised` made, so what is read back — and hashed
    again by `audit verify` — is what was hashed here."""
    connection = transaction.get_connection()
    ops = connection.ops
    table = ops.quote_name(AuditRecord._meta.db_table)
    columns = ", ".join(ops.quote_name(AuditRecord._meta.get_field(c).column) for c in _COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        stored_at = ops.adapt_datetimefield_value(at)
        one = ", ".join(["%s"] * len(_COLUMNS))
        # Table and column names come from the model, every value is a parameter.
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({one})",  # noqa: S608
            [(*row[:3], stored_at, *row[4:]) for row in rows],
        )
