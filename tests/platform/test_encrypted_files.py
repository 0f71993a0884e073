"""Files of personal data encrypted on disk as they are written: read back whole in any
pieces, unreadable without the key, and refused when altered, reordered or cut short."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from loyalnest.platform.crypto import Keyring
from loyalnest.platform.encrypted_files import CHUNK, EncryptedReader, EncryptedWriter

KEYS = Keyring.from_config(
    "k1:" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
)


def _write(path: Path, data: bytes, piece: int) -> None:
    writer = EncryptedWriter(KEYS, path, purpose=b"test")
    for start in range(0, len(data), piece):
        writer.write(data[start : start + piece])
    writer.close()


def _read(path: Path, purpose: bytes = b"test") -> bytes:
    with io.BufferedReader(EncryptedReader(KEYS, path, purpose=purpose)) as stream:
        return stream.read()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17])
def test_what_is_written_reads_back_whole(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = tmp_path / "f"
    _write(path, data, piece=70_001)
    assert _read(path) == data
    if size >= 64:
        assert data[:64] not in path.read_bytes()


def test_a_file_altered_cut_or_read_for_another_purpose_is_refused(tmp_path: Path) -> None:
    data = b"ada@example.org,1500\r\n" * 100_000  # over two chunks
    path = tmp_path / "f"
    _write(path, data, piece=4096)
    raw = path.read_bytes()
    with pytest.raises(ValueError, match="does not decrypt"):
        _read(path, purpose=b"another")
    altered = bytearray(raw)
    altered[len(raw) // 2] ^= 1
    (tmp_path / "altered").write_bytes(bytes(altered))
    with pytest.raises(ValueError, match="does not decrypt"):
        _read(tmp_path / "altered")
    # the last chunk dropped: what is left ends on a chunk not marked last
    first_chunk_end = 4 + 1 + 2 + 4 + 12 + CHUNK + 16
    (tmp_path / "cut").write_bytes(raw[:first_chunk_end])
    with pytest.raises(ValueError, match=r"does not decrypt|cut short"):
        _read(tmp_path / "cut")
    (tmp_path / "plain").write_bytes(data[:100])
    with pytest.raises(ValueError, match="not an encrypted"):
        _read(tmp_path / "plain")
