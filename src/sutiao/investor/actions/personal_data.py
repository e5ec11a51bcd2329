"""Parties' personal data on the investor platform (issue 14 item 9; docs/personal-data.md): the copy of the
court's parties a delegation brought, shown masked unless the viewer is the case's mediator, each clear view
audited; erased once the delegation has been closed longer than its retention period; a party's own copy."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sutiao.accounts.pii import id_number_digest
from sutiao.audit.log import SYSTEM, Entry, record, record_many
from sutiao.docking.retention import erase_parties
from sutiao.kernel.identifiers import PERSONAL_FIELDS, mask

from .. import permissions
from ..mediation.models import MediationParty
from ..models import OPEN_STATES, Delegation, DelegationCorrection
from ..typical.models import TypicalCase


@dataclass(frozen=True)
class ShownParty:
    """A party of the delegation as one viewer sees it: the personal fields clear or masked."""

    role: str
    kind: str
    name: str
    id_number: str
    phone: str
    address: str
    clear: bool


@transaction.atomic
def show_parties(actor, delegation: Delegation) -> list[ShownParty]:
    """The delegation's parties as `actor` may see them: the case's mediator calls and meets the parties and
    sees the clear values (audited); the organisation's administrator and everyone else, masked."""
    clear = permissions.is_case_mediator(actor, delegation)
    parties = delegation.parties or []
    if clear and any(p.get(f) for p in parties for f in PERSONAL_FIELDS):
        record(
            actor,
            "delegation.parties.view_personal_data",
            delegation,
            case=delegation.case,
            after={"parties": [p["name"] for p in parties]},
        )
    return [
        ShownParty(
            p["role"],
            p["kind"],
            p["name"],
            *(p.get(f, "") if clear else mask(f, p.get(f, "")) for f in PERSONAL_FIELDS),
            clear,
        )
        for p in parties
    ]


def show_corrections(actor, delegation: Delegation) -> list:
    """The court's corrections of the case, each change's personal values clear or masked as `show_parties`
    shows the parties to `actor` (whose clear view is audited there)."""
    clear = permissions.is_case_mediator(actor, delegation)

    def shown(change: dict) -> dict:
        if clear or not change.get("field"):
            return change
        return {
            **change,
            "before": mask(change["field"], change["before"]),
            "after": mask(change["field"], change["after"]),
        }

    return [(c, [shown(x) for x in c.changes]) for c in delegation.corrections.all()]


def purge_personal_data(now: dt.datetime | None = None, batch: int = 200) -> int:
    """Erase the parties' identity numbers, phones and addresses of delegations closed (no longer open; closed
    at their last event) longer than the retention period (settings.SUTIAO_RETENTION_DAYS["case_parties"];
    个人信息保护法 Art. 19, 47): the delegation's copy, the mediation's parties' phones, the docking's stored
    messages of the case; one audit record per delegation. A periodic job; returns how many delegations."""
    days = settings.SUTIAO_RETENTION_DAYS["case_parties"]
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    done = 0
    while True:
        with transaction.atomic():
            due = (
                Delegation.objects.exclude(state__in=OPEN_STATES)
                .filter(parties_erased_at__isnull=True)
                .annotate(closed=Max("events__at"))
                .filter(closed__lt=cutoff)
                .order_by("pk")[:batch]
            )
            delegations = list(Delegation.objects.filter(pk__in=[d.pk for d in due]).select_for_update())
            if not delegations:
                return done
            erased_at = timezone.now()
            for d in delegations:
                d.parties = [{**p, **{f: "" for f in PERSONAL_FIELDS if f in p}} for p in d.parties]
                d.parties_erased_at = erased_at
            Delegation.objects.bulk_update(delegations, ["parties", "parties_erased_at"])
            MediationParty.objects.filter(mediation__delegation__in=delegations).update(phone="")
            # A typical case's original text names the parties; what was published was de-identified and stays.
            TypicalCase.objects.filter(mediation__delegation__in=delegations).update(
                original="", original_significance=""
            )
            corrections = list(DelegationCorrection.objects.filter(delegation__in=delegations))
            for c in corrections:
                c.changes = [{**x, "before": "", "after": ""} if x.get("field") else x for x in c.changes]
            DelegationCorrection.objects.bulk_update(corrections, ["changes"])
            messages = erase_parties({d.case for d in delegations})
            after = {"retention_days": days, "docking_messages": messages}
            record_many(
                SYSTEM,
                [Entry("delegation.parties.erase_personal_data", d, d.case, None, after) for d in delegations],
            )
            done += len(delegations)


def party_copy(profile) -> list[dict]:
    """What this platform holds about the party of `profile` in its delegations (个人信息保护法 Art. 45), clear:
    the caller (accounts.parties.data_copy) gives it to that party only, and audits it."""
    rows = MediationParty.objects.filter(id_number_digest=profile.id_number_digest).select_related(
        "mediation__delegation"
    )
    copy = []
    for row in rows:
        delegation = row.mediation.delegation
        mine = (
            p
            for p in delegation.parties
            if p.get("id_number") and id_number_digest(p["id_number"]) == row.id_number_digest
        )
        received = next(mine, {})
        copy.append(
            {
                "court": delegation.court_name,
                "court_case_number": delegation.court_case_number,
                "organisation": str(delegation.organisation),
                "state": str(delegation.get_state_display()),
                "received_at": delegation.received_at.isoformat(),
                "role": str(row.get_role_display()),
                "name": row.name,
                **{f: received.get(f, "") for f in PERSONAL_FIELDS},
            }
        )
    return copy
