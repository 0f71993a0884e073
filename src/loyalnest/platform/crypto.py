"""Field encryption for PII: AES-256-GCM with a key id in every ciphertext.

Stored form: ``<kid>:<base64(nonce || ciphertext+tag)>``. The key id lets keys rotate:
the first configured key encrypts, every configured key decrypts, and
``loyalnest rotate-keys`` re-encrypts old rows under the current key.

Lookups use a blind index (HMAC-SHA256 with a separate key over the normalised value),
so an exact-match search never needs the plaintext in the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class KeyringError(ValueError):
    pass


@dataclass(frozen=True)
class Keyring:
    current_kid: str
    keys: dict[str, AESGCM]
    blind_index_key: bytes

    @classmethod
    def from_config(cls, encryption_keys: str, blind_index_key: str) -> Keyring:
        keys: dict[str, AESGCM] = {}
        order: list[str] = []
        for item in encryption_keys.split(","):
            item = item.strip()
            if not item:
                continue
            kid, sep, encoded = item.partition(":")
            if not sep or not kid or ":" in encoded:
                raise KeyringError("encryption keys must look like 'kid:base64key'")
            if kid in keys:
                # a second key under one id would make data under the first unreadable
                raise KeyringError(f"key id {kid!r} is configured twice")
            try:
                raw = base64.b64decode(encoded, validate=True)
            except ValueError as exc:
                raise KeyringError(f"key {kid!r} is not valid base64") from exc
            if len(raw) != 32:
                raise KeyringError(f"key {kid!r} is {len(raw)} bytes; AES-256 needs 32")
            keys[kid] = AESGCM(raw)
            order.append(kid)
        if not order:
            raise KeyringError("no encryption key configured")
        try:
            bidx = base64.b64decode(blind_index_key, validate=True)
        except ValueError as exc:
            raise KeyringError("blind index key is not valid base64") from exc
        if len(bidx) < 32:
            raise KeyringError("blind index key must be at least 32 bytes")
        return cls(current_kid=order[0], keys=keys, blind_index_key=bidx)

    def encrypt(self, plaintext: str, *, context: bytes = b"") -> str:
        """Encrypt ``plaintext``; ``context`` (e.g. table.column) is bound as AAD so a
        ciphertext copied into another column does not decrypt."""
        return self.encrypt_bytes(plaintext.encode(), context=context)

    def decrypt(self, token: str, *, context: bytes = b"") -> str:
        return self.decrypt_bytes(token, context=context).decode()

    def encrypt_bytes(self, plaintext: bytes, *, context: bytes = b"") -> str:
        """``encrypt`` for a plaintext that is not text (a compressed payload); the stored
        form is the same, so rotation re-encrypts either without looking inside."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.keys[self.current_kid].encrypt(nonce, plaintext, context)
        return f"{self.current_kid}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt_bytes(self, token: str, *, context: bytes = b"") -> bytes:
        kid, sep, encoded = token.partition(":")
        if not sep or kid not in self.keys:
            raise KeyringError(f"unknown key id {kid!r}")
        blob = base64.b64decode(encoded)
        return self.keys[kid].decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context)

    def key_id_of(self, token: str) -> str:
        return token.partition(":")[0]

    def needs_rotation(self, token: str | None) -> bool:
        return token is not None and self.key_id_of(token) != self.current_kid

    def blind_index(self, value: str, *, kind: str) -> str:
        """Deterministic lookup token; ``kind`` keeps e.g. emails and phones apart."""
        normalised = value.strip().lower()
        digest = hmac.new(self.blind_index_key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()
        return digest


def encrypt_optional(keyring: Keyring, value: str | None, *, context: bytes) -> str | None:
    return None if value is None else keyring.encrypt(value, context=context)


def decrypt_optional(keyring: Keyring, token: str | None, *, context: bytes) -> str | None:
    return None if token is None else keyring.decrypt(token, context=context)


@lru_cache
def get_keyring() -> Keyring:
    # Imported here, not at module top: platform must not depend on settings parsing
    # at import time (tests build their own keyrings).
    from loyalnest.settings import get_settings

    settings = get_settings()
    return Keyring.from_config(settings.encryption_keys, settings.blind_index_key)
