"""Inbox payloads at rest: AES-GCM encrypted (they carry customer PII) under the
column's AAD (``models.PAYLOAD_CONTEXT``), decrypted only to be processed."""

from __future__ import annotations

from typing import Any

import orjson
from cryptography.exceptions import InvalidTag

from loyalnest.contexts.webhooks.models import PAYLOAD_CONTEXT
from loyalnest.contexts.webhooks.payloads import PayloadError
from loyalnest.contexts.webhooks.repository import InboxRow
from loyalnest.platform.crypto import KeyringError, get_keyring


def encrypt_payload(raw_body: bytes) -> str:
    return get_keyring().encrypt(raw_body.decode(), context=PAYLOAD_CONTEXT)


def decrypt_payload(row: InboxRow) -> dict[str, Any]:
    if row.payload_enc is None:
        raise PayloadError("payload already cleared")
    try:
        plaintext = get_keyring().decrypt(row.payload_enc, context=PAYLOAD_CONTEXT)
    except (KeyringError, InvalidTag) as exc:
        # retrying cannot help: its key is gone or the ciphertext is damaged
        raise PayloadError(f"payload cannot be decrypted: {type(exc).__name__}") from exc
    body = orjson.loads(plaintext)
    if not isinstance(body, dict):
        raise PayloadError("payload is not a JSON object")
    return body
