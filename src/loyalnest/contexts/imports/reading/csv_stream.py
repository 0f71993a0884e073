"""A CSV file read as a stream: rows come out one at a time with the physical line
each starts on, whatever the file's size (memory stays flat; only the current line and
the decoder's buffers are held).

The bytes go through a counting raw stream (for progress), a ``BufferedReader`` and a
``TextIOWrapper`` with ``newline=''`` (line ends are kept, so quoted fields with
embedded newlines reach the C ``csv`` reader intact). Lines are pulled with a length
limit: a 2 GB file without a line break must not become one 2 GB string.

The delimiter is chosen from the header line (``csv.Sniffer`` guesses wrong on short
headers): the one of , ; TAB that occurs most outside quotes, comma on a tie.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import chain
from typing import Protocol

from loyalnest.contexts.imports.reading.encoding import ERRORS, HEAD_BYTES, detect_encoding
from loyalnest.contexts.imports.reading.refusals import (
    EMPTY,
    HEADER_ONLY,
    MALFORMED,
    UNDECODABLE,
    FileRefused,
)

DELIMITERS = (",", ";", "\t")
# a physical line longer than this is not a customer file (characters)
LINE_LIMIT = 1024 * 1024
# a field longer than this (characters; quoted fields may span lines) refuses the file:
# the csv module's own limit, process-wide, left at its default rather than changed
# under other code of the process
FIELD_LIMIT = csv.field_size_limit()
_BUFFER = 1024 * 1024


class ByteSource(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class _CountingRaw(io.RawIOBase):
    """The source's bytes, the head already read for detection first; counts them."""

    def __init__(self, source: ByteSource, head: bytes) -> None:
        self._source = source
        self._head = head
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            data, self._head = self._head[: len(buffer)], self._head[len(buffer) :]
        else:
            data = self._source.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


def sniff_delimiter(line: str) -> str:
    """The delimiter of a header line: the one of , ; TAB most frequent outside quotes."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first on a tie: comma
    return best if counts[best] else ","


def _read_head(source: ByteSource) -> tuple[bytes, bool]:
    parts: list[bytes] = []
    size = 0
    while size < HEAD_BYTES:
        chunk = source.read(HEAD_BYTES - size)
        if not chunk:
            return b"".join(parts), True
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts), False


class CsvStream:
    """An open CSV file: encoding and delimiter detected, header read, the first data row
    seen (so an empty or header-only file is refused on open). Iterate ``rows()`` once."""

    def __init__(self, source: ByteSource) -> None:
        head, complete = _read_head(source)
        if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
            raise FileRefused("the file is empty", code=EMPTY)
        self.encoding = detect_encoding(head, complete=complete)
        self._raw = _CountingRaw(source, head)
        errors = ERRORS if self.encoding in ("utf-8", "utf-8-sig", "cp1252") else "strict"
        self._text = io.TextIOWrapper(
            io.BufferedReader(self._raw, buffer_size=_BUFFER),
            encoding=self.encoding,
            errors=errors,
            newline="",
        )
        lines = self._lines()
        # leading blank lines, then the header line, which decides the delimiter
        before: list[str] = []
        for line in lines:
            before.append(line)
            if line.strip():
                break
        else:
            raise FileRefused("the file is empty", code=EMPTY)
        self.delimiter = sniff_delimiter(before[-1])
        self._reader = csv.reader(chain(before, lines), delimiter=self.delimiter, strict=False)
        self._last_line = 0
        header = self._next()
        if header is None:
            raise FileRefused("the file is empty", code=EMPTY)
        self.header_line, cells = header
        # a BOM repeated by a careless exporter, spaces around names
        self.header: tuple[str, ...] = tuple(c.replace("\ufeff", "").strip() for c in cells)
        if not any(self.header):
            raise FileRefused(
                "the file's first line (the header) is empty", code=EMPTY, line=self.header_line
            )
        self._first = self._next()
        if self._first is None:
            raise FileRefused(
                "the file has a header but no rows below it", code=HEADER_ONLY, line=self.header_line
            )

    @property
    def bytes_read(self) -> int:
        """Bytes taken from the source so far (read ahead by up to about 1 MiB)."""
        return self._raw.count

    def _lines(self) -> Iterator[str]:
        readline = self._text.readline
        count = 0  # a local, not an attribute: this runs once per line
        while True:
            try:
                line = readline(LINE_LIMIT)
            except UnicodeDecodeError:
                raise FileRefused(
                    f"the file cannot be decoded as {self.encoding} after line {count}",
                    code=UNDECODABLE,
                    line=count + 1,
                ) from None
            if not line:
                return
            count += 1
            if len(line) == LINE_LIMIT and line[-1] not in "\r\n":
                raise FileRefused(
                    f"line {count} is longer than {LINE_LIMIT:,} characters: not a CSV export",
                    code=MALFORMED,
                    line=count,
                )
            yield line

    def _next(self) -> tuple[int, list[str]] | None:
        """The next non-blank record and the line it starts on, or None at the end."""
        reader = self._reader
        while True:
            start = self._last_line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return None
            except csv.Error as error:
                raise FileRefused(
                    f"line {start}: {error} (a quote left open or a field over {FIELD_LIMIT:,} characters)",
                    code=MALFORMED,
                    line=start,
                ) from None
            self._last_line = reader.line_num
            if any(c.strip() for c in cells):
                return start, cells

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line the record starts on, its cells) for every non-blank record after the
        header. Raises FileRefused if the file turns out malformed further on."""
        first, self._first = self._first, None
        if first is None:
            return
        yield first
        # the hot loop: the same as _next, inlined
        reader = self._reader
        last = self._last_line
        try:
            for cells in reader:
                start = last + 1
                last = reader.line_num
                # a blank line is [], a line of bare delimiters is all empty strings
                if any(cells):
                    yield start, cells
        except csv.Error as error:
            raise FileRefused(
                f"line {last + 1}: {error} (a quote left open or a field over {FIELD_LIMIT:,} characters)",
                code=MALFORMED,
                line=last + 1,
            ) from None


def open_csv(source: ByteSource) -> CsvStream:
    """Open a CSV byte stream (anything with ``.read(n)``). Raises FileRefused for an
    empty file, a header-only file, binary or archive files."""
    return CsvStream(source)
