"""What the investor platform does with docking messages from courts."""

import time

from django.conf import settings

from sutiao.docking import client, registry
from sutiao.docking.models import Peer
from sutiao.docking.schemas import CourtList
from sutiao.workdays.services import recompute_answer_deadlines, year_loaded

from . import registry as roster
from . import services
from .models import Delegation

registry.handles("DELEGATE")(services.receive_delegations)
registry.on_parked("ROSTER_PROPOSED")(roster.record_pushes_refused)


@registry.handles("ROSTER_REMOVED")
def roster_removals(items):
    for message, payload in items:
        roster.record_roster_removal(payload, message.peer)


@registry.handles("ROSTER_DECISION")
def roster_decisions(items):
    for message, payload in items:
        roster.record_roster_decision(payload, message.peer)


@registry.handles("ROSTER_ADOPTED")
def roster_adoptions(items):
    for message, payload in items:
        roster.record_roster_adoption(payload, message.peer)


@registry.handles("DELEGATION_WITHDRAWN")
def delegation_withdrawn(items):
    for _message, payload in items:
        services.recall_delegation(payload)


_directory_read_at = -float("inf")


@registry.periodic("pull_court_directory", every="SUTIAO_FEED_PULL_SECONDS")
def pull_court_directory():
    """Read each court platform's list of courts every SUTIAO_COURT_DIRECTORY_SECONDS; until a read succeeds
    (the court platform still starting, say), try again at every feed pull."""
    global _directory_read_at
    if time.monotonic() - _directory_read_at < settings.SUTIAO_COURT_DIRECTORY_SECONDS:
        return
    for peer in Peer.objects.filter(active=True):
        listing = CourtList.model_validate(client.signed_get(peer, "/docking/v1/courts", {}))
        roster.record_court_list(peer, listing.courts)
    _directory_read_at = time.monotonic()


def _recompute(**_signal_kwargs):
    recompute_answer_deadlines(Delegation.objects.all())


year_loaded.connect(_recompute, dispatch_uid="investor-recompute-deadlines")


_NEUTRAL = {
    "received": "pending",
    "accepted": "accepted",
    "mediating": "accepted",
    "declined": "declined",
    "recalled": "withdrawn",
}


@registry.reports_case_states
def delegation_states(case_ids):
    """Each delegation's state in the vocabulary both platforms share (for reconciliation)."""
    states: dict = {}
    for case, delegation, state, outcome in Delegation.objects.filter(case__in=case_ids).values_list(
        "case", "id", "state", "outcome"
    ):
        states.setdefault(case, {})[delegation] = f"concluded:{outcome}" if outcome else _NEUTRAL[state]
    return states
