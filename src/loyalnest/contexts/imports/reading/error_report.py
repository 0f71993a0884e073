"""The merchant's error report: every RowError as a CSV row (line, column, reason,
value), UTF-8 with a BOM so Excel shows accents right.

The value column repeats what the merchant's file held, and the file may come from
anyone (a customer who typed ``=HYPERLINK(...)`` as a name): a cell that begins with
= + - @ TAB or CR gets a leading apostrophe, which spreadsheets show as text instead
of running as a formula (OWASP's CSV injection advice). Written in chunks, so a report of
a million errors streams out as it is produced.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from loyalnest.contexts.imports.reading.records import RowError

HEADER = ("line", "column", "reason", "value")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ROWS_PER_CHUNK = 2000


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will show, not evaluate."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def report_chunks(errors: Iterable[RowError]) -> Iterator[bytes]:
    """The report as UTF-8 byte chunks, BOM first (for a streamed download)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    yield codecs.BOM_UTF8
    pending = 1
    for error in errors:
        writer.writerow(
            (error.line, neutralise(error.column or ""), neutralise(error.reason), neutralise(error.value))
        )
        pending += 1
        if pending >= _ROWS_PER_CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")


def write_error_report(errors: Iterable[RowError], out: BinaryIO) -> int:
    """Write the report to a binary file; returns the number of bytes written."""
    written = 0
    for chunk in report_chunks(errors):
        out.write(chunk)
        written += len(chunk)
    return written
