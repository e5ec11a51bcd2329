"""The court directory by hand: an operator enters or corrects a court the Bureau can push to before the next
read of the court platform's directory (`inbound.on_court_directory` keeps it in step after that)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from sutiao.accounts.models import User
from sutiao.audit.log import record

from ..models import CourtDirectory


@transaction.atomic
def save_court_entry(actor: User, entry: CourtDirectory, changed: list[str]) -> CourtDirectory:
    """Add or change one entry (from the admin's form); the operator's act is on the audit log, before → after."""
    if not actor.has_perm("investor.add_courtdirectory" if entry._state.adding else "investor.change_courtdirectory"):
        raise PermissionDenied
    fields = ["name", "peer_id", "active"]
    before = None
    if not entry._state.adding:
        stored = CourtDirectory.objects.select_for_update().get(pk=entry.pk)
        before = {f: getattr(stored, f) for f in fields}
    entry.save()
    action = "courts.directory_entry_added" if before is None else "courts.directory_entry_changed"
    record(actor, action, entry, before=before, after={**{f: getattr(entry, f) for f in fields}, "changed": changed})
    return entry
