"""Opaque global ids: base64("Type:local_id"). Clients treat them as strings."""

from __future__ import annotations

import base64
import binascii

import strawberry

from loyalnest.graphql.errors import PublicError


def encode_id(type_name: str, local_id: int) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{local_id}".encode()).decode().rstrip("="))


def decode_id(global_id: str, expected_type: str) -> int | None:
    """The local id, or None when the id is malformed or names another type."""
    padded = global_id + "=" * (-len(global_id) % 4)
    try:
        type_name, _, local = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if type_name != expected_type or not local.isdigit() or len(local) > 18:
        return None
    return int(local)


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
    if prefix != "cursor" or not local.isdigit() or len(local) > 18:
        raise PublicError("invalid cursor", code="BAD_USER_INPUT")
    return int(local)
