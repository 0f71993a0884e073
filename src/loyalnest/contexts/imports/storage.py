"""Where an import's file waits to be read: under the data directory, encrypted as it
arrives (it holds emails and names), until the import is done with it."""

from __future__ import annotations

import hashlib
import io
from collections.abc import AsyncIterator
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


async def save(
    merchant_id: int, import_id: int, chunks: AsyncIterator[bytes], *, limit: int, part: str = CUSTOMERS
) -> tuple[int, str]:
    """Write the file as it arrives; returns (its size, its SHA-256). Over ``limit``
    bytes: ``TooLarge``, and what was written is removed."""
    path = path_of(merchant_id, import_id, part)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
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
    partial.replace(path)
    return writer.plaintext_bytes, digest.hexdigest()


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
