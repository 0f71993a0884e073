"""Where an import's file waits to be read: under the data directory, encrypted as it
arrives (it holds emails and names), until the import is done with it."""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.encrypted_files import EncryptedReader, EncryptedWriter

_PURPOSE = b"imports.file"


class TooLarge(Exception):
    """The file went over its limit: nothing of it is kept."""


def _root() -> Path:
    from loyalnest.settings import get_settings

    return Path(get_settings().data_dir) / "imports"


# an import's files: the customers, and the optional points history beside it
CUSTOMERS = "customers"
HISTORY = "history"
_SUFFIXES = {CUSTOMERS: ".lnf", HISTORY: ".history.lnf"}


def path_of(merchant_id: int, import_id: int, part: str = CUSTOMERS) -> Path:
    return _root() / str(merchant_id) / f"{import_id}{_SUFFIXES[part]}"


@dataclass(frozen=True, slots=True)
class Received:
    """A file written in full under a name of its own: not the import's yet (``keep``
    makes it so, ``discard`` drops it). Two uploads racing on one link each write their
    own, so the one whose claim loses never touches the winner's file."""

    partial: Path
    size: int
    sha256: str


async def receive(
    merchant_id: int, import_id: int, chunks: AsyncIterator[bytes], *, limit: int, part: str = CUSTOMERS
) -> Received:
    """Write the file as it arrives, encrypted, under a name of its own. Over ``limit``
    bytes: ``TooLarge``, and what was written is removed."""
    path = path_of(merchant_id, import_id, part)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{secrets.token_hex(8)}.part")
    writer = EncryptedWriter(get_keyring(), partial, purpose=_PURPOSE)
    digest = hashlib.sha256()
    try:
        async for chunk in chunks:
            if writer.plaintext_bytes + len(chunk) > limit:
                raise TooLarge(f"the file is larger than {limit // (1024 * 1024)} MB")
            digest.update(chunk)
            writer.write(chunk)
    except BaseException:
        writer.abort()
        partial.unlink(missing_ok=True)
        raise
    writer.close()
    return Received(partial, writer.plaintext_bytes, digest.hexdigest())


def keep(received: Received, merchant_id: int, import_id: int, part: str = CUSTOMERS) -> None:
    """The received file becomes the import's (in place at once: an atomic rename)."""
    received.partial.replace(path_of(merchant_id, import_id, part))


def discard(received: Received) -> None:
    received.partial.unlink(missing_ok=True)


async def save(
    merchant_id: int, import_id: int, chunks: AsyncIterator[bytes], *, limit: int, part: str = CUSTOMERS
) -> tuple[int, str]:
    """``receive`` and ``keep`` at once, for a file nobody else can be sending (an
    import created with it); returns (its size, its SHA-256)."""
    received = await receive(merchant_id, import_id, chunks, limit=limit, part=part)
    keep(received, merchant_id, import_id, part)
    return received.size, received.sha256


def open_file(merchant_id: int, import_id: int, part: str = CUSTOMERS) -> io.BufferedReader:
    """The file's plaintext, as a buffered binary stream."""
    return io.BufferedReader(
        EncryptedReader(get_keyring(), path_of(merchant_id, import_id, part), purpose=_PURPOSE),
        buffer_size=1024 * 1024,
    )


def remove(merchant_id: int, import_id: int) -> None:
    """The import's files, both."""
    for part in _SUFFIXES:
        path_of(merchant_id, import_id, part).unlink(missing_ok=True)
