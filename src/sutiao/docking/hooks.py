"""Hooks, not a registry: each platform registers what it does with the messages it receives, with
the receipts of the messages it sent, and what the peer may read of it. docking itself knows neither
platform."""

from collections.abc import Callable

from .schemas import MessageType

_handlers: dict[MessageType, Callable] = {}
_delivery_hooks: dict[MessageType, Callable] = {}
_parked_hooks: dict[MessageType, Callable] = {}
_case_states: list[Callable] = []
_court_lists: list[Callable] = []
_received_heads: list[Callable] = []
_statistics: list[Callable] = []
_adoption: list[Callable] = []
_cases_by_region: list[Callable] = []


def _known(message_type) -> MessageType:
    # Keyed by the enum, not by a string: a misspelt type is refused here, at start-up, instead of
    # registering a hook that nothing ever calls.
    if not isinstance(message_type, MessageType):
        raise TypeError(f"docking hooks are registered by MessageType, not {message_type!r}")
    return message_type


def handles(message_type: MessageType):
    """Register fn(items) for a message type this platform receives; `items` is a list of (InboxMessage,
    payload) in order — one message, or a whole batch of new cases at once, so a platform can write
    thousands in bulk. It raises `refusals.Rejected` to refuse a message on business grounds."""
    key = _known(message_type)

    def register(fn):
        _handlers[key] = fn
        return fn

    return register


def on_delivered(message_type: MessageType):
    """Register fn(receipts) called with [(OutboxMessage, receipt dict)] for messages of that type the peer has
    just confirmed (the receipt carries `received_at`, the peer's own time of receipt)."""
    key = _known(message_type)

    def register(fn):
        _delivery_hooks[key] = fn
        return fn

    return register


def on_parked(message_type: MessageType):
    """Register fn(messages) called with the OutboxMessages of that type the peer has just refused for good
    (a final refusal, refusals.py), in the transaction that parks them: the platform puts the business state
    that waited for them back in its users' hands. The peer has recorded the refusal and moved the case on,
    so the case's next message is applied there in order."""
    key = _known(message_type)

    def register(fn):
        _parked_hooks[key] = fn
        return fn

    return register


def reports_case_states(fn):
    """Register fn(case_ids) -> {case_id: {delegation_id: neutral state}} for reconciliation. Neutral
    states are the ones both platforms can name: pending, accepted, declined, withdrawn, concluded:<outcome>."""
    _case_states.append(fn)
    return fn


def lists_courts(fn):
    """Register fn() -> list of CourtCard: the courts this platform serves, read by the peer's court
    directory (`/docking/v1/courts`)."""
    _court_lists.append(fn)
    return fn


def counts_delegations(fn):
    """Register fn(peer, start, end) -> list of StatisticsRow dicts: this platform's delegations shared with `peer`
    made from `start` to `end` (China dates), by court, organisation, kind and shared state, with how many of
    them have a message to `peer` not yet confirmed (`/docking/v1/statistics`, the joint meeting's figures)."""
    _statistics.append(fn)
    return fn


def delegation_statistics(peer, start, end) -> list[dict]:
    return [row for fn in _statistics for row in fn(peer, start, end)]


def counts_adoption(fn):
    """Register fn(peer, on) -> list of AdoptionRow dicts: how far the docking with `peer` is taken up on `on`, by
    region, as this platform holds it (courts connected; organisations and mediators on rosters)."""
    _adoption.append(fn)
    return fn


def adoption_statistics(peer, on) -> list[dict]:
    return [row for fn in _adoption for row in fn(peer, on)]


def counts_cases_by_region(fn):
    """Register fn(peer, start, end) -> list of RegionCasesRow dicts: the same delegations as `counts_delegations`,
    by the case's region (kernel.regions, from the court's case number), kind and shared state, with how many have a
    message to `peer` not yet confirmed (the joint meeting's cases by path and outcome, by region)."""
    _cases_by_region.append(fn)
    return fn


def cases_by_region_statistics(peer, start, end) -> list[dict]:
    return [row for fn in _cases_by_region for row in fn(peer, start, end)]


def lists_received_heads(fn):
    """Register fn(peer, after, limit) -> a ReceivedHeads page: the audit chain heads `peer` sent us, read back
    by the peer's `audit verify --peer` (`/docking/v1/audit-heads`)."""
    _received_heads.append(fn)
    return fn


def received_heads(peer, after: str, limit: int) -> dict:
    for fn in _received_heads:
        return fn(peer, after, limit)
    return {"heads": [], "next": None}


def court_list() -> list:
    return [court for fn in _court_lists for court in fn()]


def case_states(case_ids) -> dict:
    merged: dict = {}
    for fn in _case_states:
        for case, states in fn(case_ids).items():
            merged.setdefault(str(case), {}).update({str(k): v for k, v in states.items()})
    return merged


def handler_for(message_type: str) -> Callable | None:
    return _handlers.get(message_type)


def delivery_hook(message_type: str) -> Callable | None:
    return _delivery_hooks.get(message_type)


def parked_hook(message_type: str) -> Callable | None:
    return _parked_hooks.get(message_type)


def handled_types() -> frozenset[MessageType]:
    return frozenset(_handlers)


def hooked_sent_types() -> frozenset[MessageType]:
    """The types named by a delivery or parked hook: types this platform sends."""
    return frozenset(_delivery_hooks) | frozenset(_parked_hooks)
