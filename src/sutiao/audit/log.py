"""Writing the audit log. Every action calls `record` (or `record_many` for a bulk action) inside its own
transaction, so the record commits or rolls back with the change it describes (DESIGN.md §3); so do the
effects of incoming docking messages (actor = the peer) and sensitive reads (an identity number shown
unmasked, a document downloaded, a list exported)."""

import contextvars
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .chain import FIELDS, link, plain
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


def record(actor, action: str, obj=None, *, case=None, before: dict | None = None, after: dict | None = None):
    """Append one record; must run inside the caller's transaction. `case` is the platform-neutral case
    reference the docking uses (the court's Case, or the investor platform's `Delegation.case`): a case's
    trail is read by it (`selectors.trail_for_case`)."""
    return record_many(actor, [Entry(action, obj, case, before, after)])[0]


def record_many(actor, entries: list[Entry], at: dt.datetime | None = None) -> list[AuditRecord]:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the action's transaction")
    if not entries:
        return []
    name, actor_id, role = _actor_fields(actor)
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    at = at or timezone.now()
    rows = []
    for entry in entries:
        obj = entry.obj
        fields = {
            "seq": head.seq + 1,
            "at": at,
            "actor": name,
            "actor_id": actor_id,
            "role": role,
            "action": entry.action,
            "object_type": obj._meta.label if obj is not None else "",
            "object_id": str(obj.pk) if obj is not None else "",
            "case": str(getattr(entry.case, "pk", entry.case) or ""),
            "before": plain(entry.before),
            "after": plain(entry.after),
            "request_id": request_id.get(),
        }
        digest = link(head.hash, fields)
        rows.append(AuditRecord(prev_hash=head.hash, hash=digest, **fields))
        head.seq, head.hash = fields["seq"], digest
    _insert(rows)
    head.save(update_fields=["seq", "hash"])
    return rows


_COLUMNS = ("prev_hash", "hash", *FIELDS)
_JSON = ("before", "after")
_BATCH = 500  # rows per INSERT: 14 parameters each, far below SQLite's limit of 32,766


def _insert(rows: list[AuditRecord]) -> None:
    """bulk_create's multi-row INSERT without its per-field machinery, which cost more than everything else a
    record does (bench (d)): a 50,000-case batch writes 50,000 records. The values are adapted as the ORM
    adapts them, so what is read back — and hashed again by `audit verify` — is the same."""
    connection = transaction.get_connection()
    ops = connection.ops
    table = ops.quote_name(AuditRecord._meta.db_table)
    columns = ", ".join(ops.quote_name(AuditRecord._meta.get_field(c).column) for c in _COLUMNS)
    json_field = AuditRecord._meta.get_field("before")
    one = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            chunk = rows[start : start + _BATCH]
            params = []
            for row in chunk:
                for column in _COLUMNS:
                    value = getattr(row, column)
                    if column == "at":
                        value = ops.adapt_datetimefield_value(value)
                    elif column in _JSON and value is not None:
                        value = json_field.get_db_prep_value(value, connection)
                    params.append(value)
            # Table and column names come from the model, every value is a parameter.
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))}"  # noqa: S608
            cursor.execute(sql, params)
