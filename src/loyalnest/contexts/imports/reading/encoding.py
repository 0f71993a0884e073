"""Which text encoding a file is in, decided from its first bytes, and which files are
not text at all.

Merchants export from Excel (Windows-1252 or UTF-16 "Unicode text"), Google Sheets and
the vendors' dashboards (UTF-8, with or without a BOM). The order of the checks:

1. magic bytes of archives and documents people upload by mistake (ZIP, hence .xlsx,
   .ods and .docx; gzip; PDF; old .xls; images): refused, naming what the file is;
2. a BOM: UTF-32, UTF-16 LE/BE, UTF-8;
3. UTF-16 without a BOM: ASCII text in UTF-16 has a NUL in every other byte;
4. any other NUL, or many control bytes: binary, refused;
5. valid UTF-8 → UTF-8; else Windows-1252.

A file whose first bytes are plain ASCII but which is Windows-1252 further on is
common (the first é on line 20,000): UTF-8 is decoded with the ``ERRORS`` handler,
which reads each byte that is not UTF-8 as Windows-1252 (and the five bytes
Windows-1252 leaves undefined as Latin-1), so such a file never fails half-way.

The limit, by construction: a Windows-1252 file whose every accented pair happens to
form valid UTF-8 ("Â" then a no-break space) reads as UTF-8. Real text does not do that;
one ordinary accent (é before an ASCII character) settles it.
"""

from __future__ import annotations

import codecs

from loyalnest.contexts.imports.reading.refusals import NOT_TEXT, FileRefused

# how much of the file the detection looks at
HEAD_BYTES = 64 * 1024
# the codec error handler registered below; give it as ``errors=`` with utf-8 or cp1252
ERRORS = "loyalnest-imports-cp1252"

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (an .xlsx, .ods or .zip file)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel or Word document (.xls, .doc)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_HOW = "export it as CSV (comma, semicolon or tab separated) and upload that file"
# bytes below 0x20 that text files hold
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c\x1a")


def _fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode the bytes a codec refused as Windows-1252, byte by byte; the five bytes
    Windows-1252 leaves undefined become the Latin-1 character of the same number."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    return "".join(_cp1252_char(b) for b in chunk), error.end


def _cp1252_char(byte: int) -> str:
    try:
        return bytes((byte,)).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


codecs.register_error(ERRORS, _fallback)


def refuse_binary(head: bytes) -> None:
    """Raise FileRefused when the first bytes are an archive, a document or binary."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise FileRefused(f"the file is {what}, not a CSV file: {_HOW}", code=NOT_TEXT)


def detect_encoding(head: bytes, *, complete: bool) -> str:
    """The codec name to read the file with, from its first bytes (``complete``: the
    head is the whole file). Refuses archives, documents and binary files."""
    refuse_binary(head)
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the BOM and drops it
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in head:
        sample = head[:4096]
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = max(len(sample) // 2, 1)
        # ASCII-heavy UTF-16: the high byte of nearly every character is NUL
        if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
            return "utf-16-le"
        if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
            return "utf-16-be"
        raise FileRefused(f"the file is binary (it holds NUL bytes), not a CSV file: {_HOW}", code=NOT_TEXT)
    controls = sum(1 for b in head[:4096] if b < 0x20 and b not in _TEXT_CONTROLS)
    if controls > len(head[:4096]) // 20:
        raise FileRefused(f"the file is binary, not a CSV file: {_HOW}", code=NOT_TEXT)
    try:
        # a head cut inside a multi-byte character is still UTF-8: not final unless complete
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"
