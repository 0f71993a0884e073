"""Files of personal data on disk (an uploaded import: emails, names), encrypted as
they are written and decrypted as they are read, in constant memory whatever their size.

AES-256-GCM under the keyring's current key, in chunks of ``CHUNK`` bytes: each chunk
its own nonce, its position and whether it is the last bound as associated data, so a
chunk cannot be moved, dropped, or the file cut short without the read failing.
Layout: ``LNF1``, the key id's length (1 byte) and the key id, then per chunk its sealed
length (4 bytes, big-endian), nonce (12 bytes) and sealed bytes.
"""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path
from typing import BinaryIO

from loyalnest.platform.crypto import Keyring, KeyringError

MAGIC = b"LNF1"
CHUNK = 1024 * 1024
_NONCE = 12
_LENGTH = struct.Struct(">I")


def _aad(purpose: bytes, index: int, last: bool) -> bytes:
    return purpose + b"|" + str(index).encode() + (b"|last" if last else b"|more")


class EncryptedWriter:
    """Write plaintext in any pieces; ``close`` seals the last chunk (a file never
    closed reads as cut short, and is refused)."""

    def __init__(self, keyring: Keyring, path: Path, *, purpose: bytes):
        self._keyring = keyring
        self._purpose = purpose
        self._file: BinaryIO = open(path, "wb")  # noqa: SIM115 (closed in close())
        kid = keyring.current_kid.encode()
        self._file.write(MAGIC + bytes([len(kid)]) + kid)
        self._buffer = bytearray()
        self._index = 0
        self.plaintext_bytes = 0

    def write(self, data: bytes) -> None:
        self._buffer += data
        self.plaintext_bytes += len(data)
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]

    def _seal(self, plaintext: bytes, *, last: bool) -> None:
        nonce = os.urandom(_NONCE)
        sealed = self._keyring.keys[self._keyring.current_kid].encrypt(
            nonce, plaintext, _aad(self._purpose, self._index, last)
        )
        self._file.write(_LENGTH.pack(len(sealed)) + nonce + sealed)
        self._index += 1

    def close(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        self._file.close()

    def abort(self) -> None:
        self._file.close()


class EncryptedReader(io.RawIOBase):
    """The plaintext of an ``EncryptedWriter`` file, as a readable binary stream (wrap it
    in ``io.BufferedReader`` for line reading). A tampered, truncated or foreign file
    raises ``ValueError`` when the bad chunk is reached."""

    def __init__(self, keyring: Keyring, path: Path, *, purpose: bytes):
        super().__init__()
        self._keyring = keyring
        self._purpose = purpose
        self._file: BinaryIO = open(path, "rb")  # noqa: SIM115 (closed in close())
        head = self._file.read(len(MAGIC) + 1)
        if len(head) < len(MAGIC) + 1 or head[: len(MAGIC)] != MAGIC:
            raise ValueError("not an encrypted LoyalNest file")
        kid = self._file.read(head[-1]).decode()
        if kid not in keyring.keys:
            raise KeyringError(f"unknown key id {kid!r}")
        self._key = keyring.keys[kid]
        self._pending = b""
        self._index = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> bytes:
        header = self._file.read(_LENGTH.size)
        if len(header) < _LENGTH.size:
            raise ValueError("the file is cut short")
        (length,) = _LENGTH.unpack(header)
        nonce = self._file.read(_NONCE)
        sealed = self._file.read(length)
        if len(sealed) < length:
            raise ValueError("the file is cut short")
        # the last chunk is the one nothing follows
        last = self._file.peek(1)[:1] == b"" if hasattr(self._file, "peek") else False
        try:
            plaintext = self._key.decrypt(nonce, sealed, _aad(self._purpose, self._index, last))
        except Exception as exc:  # InvalidTag: moved, altered or cut
            raise ValueError("the file does not decrypt (altered or cut short)") from exc
        self._index += 1
        self._done = last
        return plaintext

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending and not self._done:
            self._pending = self._next_chunk()
        if not self._pending:
            return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def close(self) -> None:
        self._file.close()
        super().close()
