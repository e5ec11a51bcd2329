"""Each platform registers what it does with the messages it receives, with the receipts of the messages
it sent, and which periodic jobs its worker runs. docking itself knows neither platform."""

from collections.abc import Callable

_handlers: dict[str, Callable] = {}
_delivery_hooks: dict[str, Callable] = {}
_parked_hooks: dict[str, Callable] = {}
_periodic: list[tuple[str, str, Callable[[], object]]] = []
_case_states: list[Callable] = []
_court_lists: list[Callable] = []
_received_heads: list[Callable] = []


# Business refusals that are final: the receiver records the message as refused and lets the case's later
# messages go on; the sender parks it and its platform takes back what waited for it (`on_parked`). Any
# other refusal stores nothing, and the sender retries (the cause may be a message still on its way).
FINAL_REFUSALS = frozenset({"organisation_unavailable", "not_on_roster", "unknown_court", "unknown_proposal"})


class Rejected(Exception):
    """A handler refuses a well-formed, authentic message on business grounds (e.g. an unknown
    organisation); see FINAL_REFUSALS for what then happens to it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message

    @property
    def final(self) -> bool:
        return self.code in FINAL_REFUSALS


def handles(message_type: str):
    """Register fn(items) for a message type; `items` is a list of (InboxMessage, payload) in order — one
    message, or a whole batch of new cases at once, so a platform can write thousands in bulk."""

    def register(fn):
        _handlers[message_type] = fn
        return fn

    return register


def on_delivered(message_type: str):
    """Register fn(receipts) called with [(OutboxMessage, receipt dict)] for messages of that type the peer has
    just confirmed (the receipt carries `received_at`, the peer's own time of receipt)."""

    def register(fn):
        _delivery_hooks[message_type] = fn
        return fn

    return register


def on_parked(message_type: str):
    """Register fn(messages) called with the OutboxMessages of that type the peer has just refused for good
    (a FINAL_REFUSALS code), in the transaction that parks them: the platform puts the business state that
    waited for them back in its users' hands. The peer has recorded the refusal and moved the case on, so
    the case's next message is applied there in order."""

    def register(fn):
        _parked_hooks[message_type] = fn
        return fn

    return register


def periodic(name: str, every: str = "SUTIAO_DEADLINE_SCAN_SECONDS"):
    """Register a job the platform's worker runs every `settings.<every>` seconds (and once at start-up)."""

    def register(fn):
        _periodic.append((name, every, fn))
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


def periodic_jobs() -> list[tuple[str, str, Callable[[], object]]]:
    return list(_periodic)
