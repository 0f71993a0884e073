"""Opaque global ids: base64("Type:local_id"). Clients treat them as strings."""

from __future__ import annotations

import base64
import binascii
import re

import strawberry

from loyalnest.graphql.core.errors import PublicError

# ASCII digits only: str.isdigit() also accepts "²" or "٣", which int() refuses or
# reads as another number. 18 digits always fit PostgreSQL's bigint.
_LOCAL_ID = re.compile(r"[0-9]{1,18}")


def parse_local_id(text: str) -> int | None:
    """A database id written in plain digits, or None."""
    return int(text) if _LOCAL_ID.fullmatch(text) else None


def encode_id(type_name: str, local_id: int) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{local_id}".encode()).decode().rstrip("="))


def decode_id(global_id: str, expected_type: str) -> int | None:
    """The local id, or None when the id is malformed or names another type."""
    decoded = decode_global_id(global_id)
    return decoded[1] if decoded is not None and decoded[0] == expected_type else None


def encode_cursor(local_id: int) -> str:
    return base64.urlsafe_b64encode(f"cursor:{local_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        prefix, _, local = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        local, prefix = "", ""
    local_id = parse_local_id(local) if prefix == "cursor" else None
    if local_id is None:
        raise PublicError("invalid cursor", code="BAD_USER_INPUT")
    return local_id


def decode_global_id(global_id: str) -> tuple[str, int] | None:
    """(type name, local id) behind a global id, or None when it is malformed."""
    padded = global_id + "=" * (-len(global_id) % 4)
    try:
        type_name, _, local = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    local_id = parse_local_id(local)
    return None if local_id is None or not type_name else (type_name, local_id)
