"""The hash chain: one canonical serialisation of a record, and the hash that links it to the previous one."""

import hashlib
import json

GENESIS = "0" * 64
FIELDS = (
    "seq",
    "at",
    "actor",
    "actor_id",
    "role",
    "action",
    "object_type",
    "object_id",
    "case",
    "before",
    "after",
    "request_id",
)


def serialised(value) -> tuple[str | None, object]:
    """`value` as the JSON text to store and as what a JSON column gives back for it: only JSON's own types, so
    the hash computed when a record is written is the hash computed when it is read back (dates, UUIDs and
    decimals become strings). One serialisation serves both, as a bulk action writes thousands of records."""
    if value is None:
        return None, None
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text, json.loads(text)


def canonical(fields: dict) -> bytes:
    body = {name: fields[name] for name in FIELDS}
    body["at"] = body["at"].isoformat(timespec="microseconds")
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def link(prev_hash: str, fields: dict) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(fields)).hexdigest()
