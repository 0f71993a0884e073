"""Signed one-click unsubscribe tokens (the link in every customer email and its
``List-Unsubscribe`` header, RFC 8058): no login, so the token itself is the proof.

Form: ``base64url(payload) "." base64url(HMAC-SHA256(key, payload))`` where the payload is
``v1|merchant_id|customer_id|type|channel|issued_at_ms``. The key comes from settings
(``unsubscribe_signing_key``) or, unset, is derived from the blind index key with a
purpose label, so it is never the raw key of anything else. While blind index keys
rotate, the current key signs and every configured key verifies: a link already in a
customer's mailbox keeps working as long as the key it was signed with is configured.
No derivation could outlive that key (it is the only secret in it), so retiring a blind
key retires the links signed with it; the README says to pin
``LOYALNEST_UNSUBSCRIBE_SIGNING_KEY`` to the old key's base64 text first when those
links must keep working (that pin derives exactly the same signing key). ``issued_at`` lets the
unsubscribe refuse a link issued before the customer's latest re-subscribe (a replay).
The link also carries the message's locale as ``lang``, outside the signature: it only
chooses the language of the page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.timeutil import utcnow

_VERSION = "v1"
_PURPOSE = b"loyalnest.notifications.unsubscribe.v1"
MAX_TOKEN_LENGTH = 512


@dataclass(frozen=True, slots=True)
class UnsubscribeClaim:
    merchant_id: int
    customer_id: int
    type: str
    channel: str
    issued_at: datetime


class InvalidToken(ValueError):
    """A token that is malformed, of another version, or whose signature does not hold."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _keys() -> list[bytes]:
    """The signing key first, then the others a link may have been signed with."""
    from loyalnest.settings import get_settings

    pinned = get_settings().unsubscribe_signing_key
    if pinned:
        return [hmac.new(pinned.encode(), _PURPOSE, hashlib.sha256).digest()]
    return get_keyring().derived_keys(_PURPOSE)


def sign(
    merchant_id: int, customer_id: int, type_name: str, channel: str, *, issued_at: datetime | None = None
) -> str:
    at = issued_at or utcnow()
    millis = int(at.timestamp() * 1000)
    payload = f"{_VERSION}|{merchant_id}|{customer_id}|{type_name}|{channel}|{millis}".encode()
    mac = hmac.new(_keys()[0], payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def verify(token: str) -> UnsubscribeClaim:
    """The claim of a well-formed token whose signature holds; InvalidToken otherwise."""
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        raise InvalidToken("malformed token")
    encoded, signature = token.split(".")
    try:
        payload = _unb64(encoded)
        mac = _unb64(signature)
    except ValueError as exc:
        raise InvalidToken("malformed token") from exc
    # each key compared in constant time; a bad signature costs one HMAC per blind key
    if not any(hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).digest()) for key in _keys()):
        raise InvalidToken("bad signature")
    try:
        version, merchant, customer, type_name, channel, millis = payload.decode().split("|")
        if version != _VERSION:
            raise ValueError(version)
        return UnsubscribeClaim(
            merchant_id=int(merchant),
            customer_id=int(customer),
            type=type_name,
            channel=channel,
            issued_at=datetime.fromtimestamp(int(millis) / 1000, tz=UTC),
        )
    except ValueError as exc:  # signed by us yet unreadable: a key shared with another use
        raise InvalidToken("malformed token") from exc


def unsubscribe_url(
    merchant_id: int, customer_id: int, type_name: str, channel: str, *, locale: str | None = None
) -> str:
    """The signed link; ``locale`` (the message's) goes beside the token as ``lang``,
    unsigned: it only picks the page's language, and the page takes shipped locales only."""
    from loyalnest.settings import get_settings

    base = get_settings().public_base_url.rstrip("/")
    query = {"t": sign(merchant_id, customer_id, type_name, channel)}
    if locale:
        query["lang"] = locale
    return f"{base}/notifications/unsubscribe?{urlencode(query)}"
