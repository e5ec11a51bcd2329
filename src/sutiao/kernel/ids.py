"""Identifiers: UUIDv7 (time-ordered, DESIGN.md §4) for cases and messages."""

import uuid

import uuid6


def new_id() -> uuid.UUID:
    return uuid.UUID(str(uuid6.uuid7()))
