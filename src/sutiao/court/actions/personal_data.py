"""Parties' personal data on the court platform (issue 14 item 9; docs/personal-data.md): identity numbers,
phones and addresses shown masked unless the viewer's role needs the clear value, each clear view audited;
erased once the case has been closed longer than its retention period; a party's own copy."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sutiao.audit.log import SYSTEM, Entry, record, record_many
from sutiao.docking.retention import erase_parties
from sutiao.kernel.identifiers import PERSONAL_FIELDS, mask

from .. import permissions
from ..models import Case, CaseRevision, Consent, Party


@dataclass(frozen=True)
class ShownParty:
    """A party as one viewer sees it: the personal fields clear or masked."""

    party: Party
    id_number: str
    phone: str
    address: str
    clear: bool


def needs_clear(user, case: Case) -> bool:
    """The filing staff of the case's court ask the parties for their consent by phone and check who they are
    (LEGAL-RULES L1): they see the clear values. Judges and admins read the case with them masked."""
    return permissions.allows(permissions.ensure_may_ask_consent, user, case)


@transaction.atomic
def show_parties(actor, case: Case) -> list[ShownParty]:
    """The case's parties as `actor` may see them; a clear view of any personal field is audited."""
    parties = list(case.parties.all())
    clear = needs_clear(actor, case)
    if clear and any(getattr(p, f) for p in parties for f in PERSONAL_FIELDS):
        record(actor, "case.parties.view_personal_data", case, case=case, after={"parties": [p.name for p in parties]})
    return [
        ShownParty(p, *(getattr(p, f) if clear else mask(f, getattr(p, f)) for f in PERSONAL_FIELDS), clear)
        for p in parties
    ]


def show_revisions(actor, case: Case) -> list:
    """The case's corrections and voiding, each change's personal values clear or masked as `show_parties`
    shows the parties to `actor` (whose clear view of the parties is audited there)."""
    clear = needs_clear(actor, case)

    def shown(change: dict) -> dict:
        if clear or not change.get("field"):
            return change
        return {
            **change,
            "before": mask(change["field"], change["before"]),
            "after": mask(change["field"], change["after"]),
        }

    return [(r, [shown(c) for c in r.changes]) for r in case.revisions.select_related("actor")]


def purge_personal_data(now: dt.datetime | None = None, batch: int = 200) -> int:
    """Erase the identity numbers, phones and addresses of the parties of cases closed longer than the
    retention period (settings.SUTIAO_RETENTION_DAYS["case_parties"]; 个人信息保护法 Art. 19, 47), in the party
    rows and in the docking's stored messages of those cases; one audit record per case. Names stay with the
    case file, and the keyed digest, so a party still finds the case. A periodic job; returns how many cases."""
    days = settings.SUTIAO_RETENTION_DAYS["case_parties"]
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    done = 0
    while True:
        with transaction.atomic():
            due = Party.objects.filter(case__closed_at__lt=cutoff).exclude(id_number="", phone="", address="")
            case_ids = list(due.values_list("case_id", flat=True).distinct().order_by("case_id")[:batch])
            if not case_ids:
                return done
            Party.objects.filter(case_id__in=case_ids).update(id_number="", phone="", address="")
            _erase_revisions(case_ids)
            messages = erase_parties(case_ids)
            cases = Case.objects.filter(pk__in=case_ids)
            after = {"retention_days": days, "docking_messages": messages}
            record_many(SYSTEM, [Entry("case.parties.erase_personal_data", c, c, None, after) for c in cases])
            done += len(case_ids)


def _erase_revisions(case_ids) -> None:
    """The corrections' personal values go with the parties' (the names and the rest stay with the file)."""
    rows = []
    for revision in CaseRevision.objects.filter(case_id__in=case_ids):
        changes = [{**c, "before": "", "after": ""} if c.get("field") else c for c in revision.changes]
        if changes != revision.changes:
            revision.changes = changes
            rows.append(revision)
    CaseRevision.objects.bulk_update(rows, ["changes"])


def party_copy(profile) -> list[dict]:
    """What this platform holds about the party of `profile` in its cases (个人信息保护法 Art. 45), clear: the
    caller (accounts.parties.data_copy) gives it to that party only, and audits it."""
    parties = list(Party.objects.filter(id_digest=profile.id_number_digest).select_related("case__court"))
    consents = {}
    for c in Consent.objects.filter(party__in=parties).order_by("recorded_at", "id"):
        consents.setdefault(c.party_id, []).append(
            {"consented": c.consented, "method": c.get_method_display(), "answered_at": c.answered_at.isoformat()}
        )
    return [
        {
            "case_number": p.case.number,
            "court": p.case.court.name,
            "state": str(p.case.state_label),
            "registered_at": p.case.registered_at.isoformat(),
            "closed_at": p.case.closed_at.isoformat() if p.case.closed_at else None,
            "role": str(p.case.role_label(p.role)),
            **{f: getattr(p, f) for f in ("name", *PERSONAL_FIELDS)},
            "consents": consents.get(p.pk, []),
        }
        for p in parties
    ]
