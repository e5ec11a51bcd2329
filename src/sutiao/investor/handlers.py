"""What the investor platform does with docking messages from courts."""

import time

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from sutiao.docking import client, registry
from sutiao.docking.models import Peer
from sutiao.docking.schemas import CourtList
from sutiao.kernel.workflow import InvestorState
from sutiao.workdays.selectors import ProvisionalDeadline, provides_provisional_deadlines
from sutiao.workdays.services import recompute_answer_deadlines, year_loaded

from . import registry as roster
from . import services
from .models import Delegation

registry.handles("DELEGATE")(services.receive_delegations)
registry.on_parked("ROSTER_PROPOSED")(roster.record_pushes_refused)


def _each_from_its_peer(record):
    """A handler applying `record(payload, peer)` to each message: the court platform that sent it is the only
    one whose pushes it may decide."""

    def handle(items):
        for message, payload in items:
            record(payload, message.peer)

    return handle


registry.handles("ROSTER_DECISION")(_each_from_its_peer(roster.record_roster_decision))
registry.handles("ROSTER_REMOVED")(_each_from_its_peer(roster.record_roster_removal))
registry.handles("ROSTER_ADOPTED")(_each_from_its_peer(roster.record_roster_adoption))


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


@provides_provisional_deadlines("investor")
def provisional_answer_deadlines(limit):
    """Delegations not yet answered whose answer deadline is provisional (LEGAL-RULES L21), for the operators."""
    pending = Delegation.objects.filter(state=InvestorState.RECEIVED, answer_due_provisional=True)
    first = pending.select_related("organisation").order_by("answer_due", "id")[:limit]
    return pending.count(), [
        ProvisionalDeadline(
            d.answer_due,
            gettext("%(case)s：%(organisation)s答复期限")
            % {"case": d.court_case_number, "organisation": d.organisation.name},
            reverse("delegation-detail", args=[d.id]),
        )
        for d in first
    ]


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
