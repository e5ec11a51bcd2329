"""The narrow interface between the signalling server and the platform that hosts rooms.

A *seat* is one person's place in one room (the mediator, a party, an agent). The platform issues a ticket for
a seat on a page that checked every permission; the signalling server only ever acts through the backend,
synchronously (it runs the backend in a thread: every call may touch the database)."""

from dataclasses import dataclass, field
from typing import Protocol


class Refused(Exception):
    """Entering or acting is refused: `code` is the WebSocket close code (4xxx) the server closes with when the
    refusal ends the connection, `message` the Chinese sentence the user reads."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code, self.message = code, str(message)


# Close codes (4000–4999 are the application's own, RFC 6455 §7.4.2).
BAD_TICKET = 4401  # no, forged or expired ticket
NOT_INVITED = 4403  # not (or no longer) invited: removed by the mediator, or never invited
NO_ROOM = 4404  # no such room
NOT_OPEN = 4409  # the room is not open (yet, or any more)
REPLACED = 4410  # the same seat connected again elsewhere: the older connection ends
MALFORMED = 4400  # too many malformed messages
FLOOD = 4429  # too many messages


@dataclass(frozen=True)
class View:
    """What one seat sees of its room now."""

    seat: str
    room: str
    state: dict  # sent to the client as is (JSON): the seat itself, the seats it sees, the room's state
    peers: frozenset[str] = field(default_factory=frozenset)  # the seats it exchanges media with
    gone: str = ""  # non-empty: the seat may no longer be here (removed, room closed) — the reason
    gone_code: int = 0


class RoomBackend(Protocol):
    def enter(self, room: str, ticket: str) -> str:
        """The seat id the ticket admits to `room`, or Refused."""

    def view(self, seat: str) -> View: ...

    def presence(self, seat: str, here: bool) -> None:
        """The seat's connection opened (`here`) or closed: an attendance fact."""

    def act(self, seat: str, op: str, args: dict) -> dict | None:
        """A control from the seat (admit, remove, split, …): runs the platform's action, or Refused. Returns
        what to tell others, if anything: {"seat": id, "event": {...}} for one seat."""

    def chat(self, seat: str, text: str) -> tuple[dict, frozenset[str]]:
        """A chat line kept in the case; returns the line as shown and the seats that may read it."""


_backend: RoomBackend | None = None


def register(backend: RoomBackend) -> None:
    global _backend
    _backend = backend


def backend() -> RoomBackend:
    if _backend is None:
        raise RuntimeError("no room backend registered (the platform hosting rooms registers one at start-up)")
    return _backend
