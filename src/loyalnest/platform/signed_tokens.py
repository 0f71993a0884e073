"""Signed, expiring tokens for links that carry their own authorisation (a download
link, a confirmation link emailed to a customer): a few integer fields and an expiry,
HMAC-SHA256 under a key derived for one purpose, URL-safe.

A token says nothing secret (the fields are ids) but cannot be made or altered without
the key, and one purpose's token is refused by every other (each has its own key). What
a token may be used for once, or for whom, is the caller's to check against its rows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from datetime import UTC, datetime

from loyalnest.platform.crypto import get_keyring

_VERSION = "1"
MAX_TOKEN_LENGTH = 200


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def purpose_key(purpose: bytes) -> bytes:
    """The HMAC key that signs one purpose's tokens, derived from the current blind index
    key (a secret every deployment has; one more to manage would buy nothing)."""
    return get_keyring().derived_keys(purpose)[0]


def purpose_keys(purpose: bytes) -> list[bytes]:
    """The keys one purpose's tokens verify under, the signing key first: one per
    configured blind index key, so a link sent before a blind key rotation keeps working
    until its expiry or until its key is dropped."""
    return get_keyring().derived_keys(purpose)


def sign(key: bytes, fields: Sequence[int], expires_at: datetime) -> str:
    """A token holding ``fields``, valid until ``expires_at``."""
    payload = "|".join([_VERSION, *(str(int(f)) for f in fields), str(int(expires_at.timestamp()))]).encode()
    return f"{_b64(payload)}.{_b64(hmac.new(key, payload, hashlib.sha256).digest())}"


def verify(
    keys: Sequence[bytes], token: str, *, arity: int, now: datetime
) -> tuple[tuple[int, ...], datetime] | None:
    """(the fields, the expiry) of a well-formed token signed with one of ``keys``
    holding ``arity`` fields and not expired at ``now``; None for anything else."""
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        return None
    encoded, signature = token.split(".")
    try:
        payload, mac = _unb64(encoded), _unb64(signature)
    except (ValueError, TypeError):
        return None
    if not any(hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).digest()) for key in keys):
        return None
    parts = payload.decode(errors="replace").split("|")
    if len(parts) != arity + 2 or parts[0] != _VERSION:
        return None
    try:
        fields = tuple(int(p) for p in parts[1:-1])
        expires_at = datetime.fromtimestamp(int(parts[-1]), UTC)
    except (ValueError, OverflowError, OSError):
        return None
    if expires_at <= now:
        return None
    return fields, expires_at
