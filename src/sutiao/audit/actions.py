"""The audit app's own action names (what its records say happened)."""

from enum import StrEnum


class AuditAction(StrEnum):
    HEAD_SENT = "audit.head_sent"  # our chain head queued for a peer
    PEER_HEAD_RECEIVED = "audit.peer_head_received"  # a peer's chain head kept as its witness
