"""Where an export's files wait to be downloaded: under the data directory, encrypted
(they hold every customer's email, name and birthday), each under a purpose naming
the shop, the export and the file, so a file moved under another name does not
decrypt.

A run writes ``<id>.<file>.<attempt>.part`` files of its own attempt and, when it
completes, renames them to ``<id>.<file>.lnf``: a rerun after a crash starts its own
files from nothing and leaves one file per export whatever happened; the hourly sweep
removes what no export keeps (``stray_files``)."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from loyalnest.contexts.imports import export_rules as rules
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.encrypted_files import EncryptedReader, EncryptedWriter

READ_CHUNK = 1024 * 1024


def _root() -> Path:
    from loyalnest.settings import get_settings

    return Path(get_settings().data_dir) / "exports"


def _purpose(merchant_id: int, export_id: int, file: str) -> bytes:
    return f"imports.customer-export|{merchant_id}|{export_id}|{file}".encode()


def path_of(merchant_id: int, export_id: int, file: str) -> Path:
    return _root() / str(merchant_id) / f"{export_id}.{file}.lnf"


def part_of(merchant_id: int, export_id: int, file: str, attempt: int) -> Path:
    return _root() / str(merchant_id) / f"{export_id}.{file}.{attempt}.part"


class ExportWriter:
    """One attempt's files, written as the batches come (constant memory)."""

    def __init__(self, merchant_id: int, export_id: int, attempt: int, *, history: bool):
        self.merchant_id = merchant_id
        self.export_id = export_id
        self.attempt = attempt
        files = rules.FILES if history else (rules.CUSTOMERS_FILE,)
        directory = path_of(merchant_id, export_id, rules.CUSTOMERS_FILE).parent
        directory.mkdir(parents=True, exist_ok=True)
        keyring = get_keyring()
        self._writers: dict[str, EncryptedWriter] = {}
        try:
            for file in files:
                self._writers[file] = EncryptedWriter(
                    keyring,
                    part_of(merchant_id, export_id, file, attempt),
                    purpose=_purpose(merchant_id, export_id, file),
                )
        except BaseException:
            self.abort()
            raise

    def write(self, file: str, data: bytes) -> None:
        self._writers[file].write(data)

    def size(self, file: str) -> int | None:
        writer = self._writers.get(file)
        return None if writer is None else writer.plaintext_bytes

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()

    def publish(self) -> None:
        """The closed parts become the export's files (replacing any a previous
        attempt published: one file per export)."""
        for file in self._writers:
            os.replace(
                part_of(self.merchant_id, self.export_id, file, self.attempt),
                path_of(self.merchant_id, self.export_id, file),
            )

    def abort(self) -> None:
        """Close and remove this attempt's parts."""
        for file, writer in self._writers.items():
            with contextlib.suppress(OSError, ValueError):
                writer.abort()
            part_of(self.merchant_id, self.export_id, file, self.attempt).unlink(missing_ok=True)


def open_file(merchant_id: int, export_id: int, file: str) -> io.BufferedReader | None:
    """The file's plaintext as a buffered stream; None when it is not there."""
    try:
        raw = EncryptedReader(
            get_keyring(),
            path_of(merchant_id, export_id, file),
            purpose=_purpose(merchant_id, export_id, file),
        )
    except FileNotFoundError:
        return None
    return io.BufferedReader(raw, buffer_size=READ_CHUNK)


def chunks_of(stream: io.BufferedReader) -> Iterator[bytes]:
    """The stream's bytes in chunks, closing it at the end (or when abandoned)."""
    try:
        while chunk := stream.read(READ_CHUNK):
            yield chunk
    finally:
        stream.close()


def remove(merchant_id: int, export_id: int) -> None:
    for file in rules.FILES:
        path_of(merchant_id, export_id, file).unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class StoredFile:
    path: Path
    export_id: int
    # None: a published file; else the attempt that writes the part
    attempt: int | None


def shops_with_files() -> list[int]:
    root = _root()
    if not root.is_dir():
        return []
    return sorted(int(p.name) for p in root.iterdir() if p.is_dir() and p.name.isdigit())


def files_of(merchant_id: int) -> list[StoredFile]:
    """The shop's export files and parts (names of another shape are left alone)."""
    directory = _root() / str(merchant_id)
    if not directory.is_dir():
        return []
    found: list[StoredFile] = []
    for path in directory.iterdir():
        parts = path.name.split(".")
        if len(parts) == 3 and parts[2] == "lnf" and parts[0].isdigit() and parts[1] in rules.FILES:
            found.append(StoredFile(path, int(parts[0]), None))
        elif (
            len(parts) == 4
            and parts[3] == "part"
            and parts[0].isdigit()
            and parts[1] in rules.FILES
            and parts[2].isdigit()
        ):
            found.append(StoredFile(path, int(parts[0]), int(parts[2])))
    return found


def stray_files(files: list[StoredFile], states: dict[int, tuple[str, int]]) -> list[Path]:
    """Of a shop's files, those no export keeps, given {export id: (status, attempts)}
    of its running and completed exports: a published file is kept while its export is
    running or completed (a run publishes just before it commits), a part only while
    its attempt is the running one."""
    stray: list[Path] = []
    for stored in files:
        state = states.get(stored.export_id)
        if stored.attempt is None:
            keep = state is not None
        else:
            keep = state is not None and state == (rules.RUNNING, stored.attempt)
        if not keep:
            stray.append(stored.path)
    return stray


def remove_dir_if_empty(merchant_id: int) -> None:
    with contextlib.suppress(OSError):
        (_root() / str(merchant_id)).rmdir()
