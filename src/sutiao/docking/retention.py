"""The docking's part of the retention of parties' personal data (docs/personal-data.md): once a platform
erases a closed case's parties' identity numbers, phones and addresses, the messages it stored about the case
(sent and received) lose them too. The rest of each message stays, for reconciliation and the record; a peer
that already applied a message never reads it again."""

from sutiao.kernel.identifiers import PERSONAL_FIELDS

from .models import InboxMessage, OutboxMessage


def erase_parties(case_ids) -> int:
    """Blank the parties' personal fields in the stored messages of `case_ids`; return how many changed."""
    changed = 0
    for model in (OutboxMessage, InboxMessage):
        rows = []
        for row in model.objects.filter(case__in=list(case_ids)).only("pk", "payload"):
            payload = row.payload if isinstance(row.payload, dict) else {}
            parties, changes = payload.get("parties") or [], payload.get("changes") or []
            # A correction's changes (CASE_CORRECTED) name the personal field they hold: blanked like the parties.
            personal = [c for c in changes if isinstance(c, dict) and c.get("field") in PERSONAL_FIELDS]
            if any(p.get(f) for p in parties for f in PERSONAL_FIELDS) or any(
                c.get("before") or c.get("after") for c in personal
            ):
                erased = [{**p, **{f: "" for f in PERSONAL_FIELDS if f in p}} for p in parties]
                blanked = [
                    {**c, "before": "", "after": ""} if isinstance(c, dict) and c.get("field") in PERSONAL_FIELDS else c
                    for c in changes
                ]
                row.payload = {
                    **payload,
                    **({"parties": erased} if parties else {}),
                    **({"changes": blanked} if changes else {}),
                }
                rows.append(row)
        model.objects.bulk_update(rows, ["payload"], batch_size=500)
        changed += len(rows)
    return changed
