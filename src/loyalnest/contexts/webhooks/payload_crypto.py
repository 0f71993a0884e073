"""Inbox payloads at rest: AES-GCM encrypted (they carry customer PII) under the
column's AAD (``models.PAYLOAD_CONTEXT``), decrypted only to be processed.

Compressed before they are encrypted. An order's JSON is 5-7 KB, and its ciphertext in
base64 went over PostgreSQL's ~2 KB TOAST threshold: every inbox row was stored out of
line in chunks, each with an index entry and WAL, after a failed compression attempt
(ciphertext does not compress). That was most of intake's database CPU. zlib at level 3
shrinks a Shopify order about fivefold, so the row stays in line; it costs tens of
microseconds. Rows written before keep their plain JSON: a zlib stream starts with 0x78,
a JSON object with ``{`` or whitespace, so both read back."""

from __future__ import annotations

import zlib
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag

from loyalnest.contexts.webhooks.models import PAYLOAD_CONTEXT
from loyalnest.contexts.webhooks.payloads import PayloadError
from loyalnest.contexts.webhooks.repository import InboxRow
from loyalnest.platform.crypto import KeyringError, get_keyring

ZLIB_LEVEL = 3
_ZLIB_HEADER = 0x78  # CMF byte of a zlib stream with the default 32 KiB window


def encrypt_payload(raw_body: bytes) -> str:
    return get_keyring().encrypt_bytes(zlib.compress(raw_body, ZLIB_LEVEL), context=PAYLOAD_CONTEXT)


def decrypt_payload(row: InboxRow) -> dict[str, Any]:
    if row.payload_enc is None:
        raise PayloadError("payload already cleared")
    try:
        plaintext = get_keyring().decrypt_bytes(row.payload_enc, context=PAYLOAD_CONTEXT)
        if plaintext[:1] == bytes((_ZLIB_HEADER,)):
            plaintext = zlib.decompress(plaintext)
    except (KeyringError, InvalidTag, zlib.error) as exc:
        # retrying cannot help: its key is gone or the ciphertext is damaged
        raise PayloadError(f"payload cannot be decrypted: {type(exc).__name__}") from exc
    body = orjson.loads(plaintext)
    if not isinstance(body, dict):
        raise PayloadError("payload is not a JSON object")
    return body
