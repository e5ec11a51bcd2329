"""How a docking exchange says no. Three exceptions, one for each place a refusal arises:

- `Refused` — the receiver refuses a request before anything is stored: bad signature, replay, malformed
  or invalid message, wrong recipient, a sequence or identity conflict, or a business refusal passed on
  (below). It becomes the HTTP answer `{"error": code, "message": text, "final": true|false}` (for a batch,
  one such entry per refused message).
- `Rejected` — a platform's handler refuses a well-formed, authentic message on business grounds (an
  unknown organisation, a court not on the roster). The handler says whether the refusal is `final`:
    * final: nothing the sender can do will change the answer. The receiver records the message as
      rejected and lets the case's later messages go on; the refusal travels with `"final": true`, and the
      sender parks the message and runs its `on_parked` hook (its platform takes back what waited for it).
    * not final: the cause may pass (e.g. a message still on its way). The receiver stores nothing and
      answers `"final": false`; the sender retries with backoff.
  So the shared protocol does not list each platform's business codes: the platform that refuses decides.
- `DeliveryFailed` — the sender's side of a failed delivery (network error, bad receipt, or the receiver's
  refusal with its code and `final`). A protocol refusal that no retry can cure (`PERMANENT`) or a final one
  parks the message at once; any other is retried until SUTIAO_RELAY_MAX_ATTEMPTS.

Both ends of a docking deploy together: a receiver older than `final` on the wire would answer without it,
and its final refusals would be retried until parked for an operator rather than parked at once.
"""

import logging

log = logging.getLogger("sutiao.docking.inbox")

# Protocol refusals that a retry cannot cure: the message itself is wrong for the receiver.
PERMANENT = frozenset(
    {
        "malformed_json",
        "schema_invalid",
        "unknown_type",
        "unsupported_version",
        "unsupported_type",
        "wrong_recipient",
        "sender_mismatch",
        "message_conflict",
        "body_too_large",
    }
)


class Refused(Exception):
    """A docking request refused before anything is stored: `code` is machine-readable, `message` is
    the Chinese text an operator reads, `status` the HTTP status, `final` whether the sender should stop
    retrying (a final business refusal the receiver has recorded)."""

    def __init__(self, code: str, message: str, status: int = 401, detail=None, final: bool = False):
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status, self.detail, self.final = code, message, status, detail, final


class Rejected(Exception):
    """A handler refuses a well-formed, authentic message on business grounds; `final=True` when no retry
    can change the answer (see the module's docstring for what each then means)."""

    def __init__(self, code: str, message: str, final: bool = False):
        super().__init__(message)
        self.code, self.message, self.final = code, message, final


class DeliveryFailed(Exception):
    """A message not delivered: `reason` for the operator, the receiver's refusal `code` if it refused,
    and `final` as the receiver said it."""

    def __init__(self, reason: str, code: str = "", final: bool = False):
        super().__init__(reason)
        self.reason, self.code, self.final = reason, code, final
        self.permanent = final or code in PERMANENT


def wrong_peer(subject: str, peer) -> Rejected:
    """A message about what belongs to another peer (a case delegated there, an organisation registered there):
    refused for good, whatever it says — one peer never acts for another (issue 14)."""
    log.warning("peer %s sent a message about %s, which is not its own: refused", peer.name, subject)
    return Rejected("wrong_peer", f"{subject}不属于发送平台 {peer.name}，不予处理", final=True)
