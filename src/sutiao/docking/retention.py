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
            parties = row.payload.get("parties") if isinstance(row.payload, dict) else None
            if parties and any(p.get(f) for p in parties for f in PERSONAL_FIELDS):
                erased = [{**p, **{f: "" for f in PERSONAL_FIELDS if f in p}} for p in parties]
                row.payload = {**row.payload, "parties": erased}
                rows.append(row)
        model.objects.bulk_update(rows, ["payload"], batch_size=500)
        changed += len(rows)
    return changed
