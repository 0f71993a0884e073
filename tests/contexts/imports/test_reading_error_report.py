"""The merchant's error report: every error, safe to open in a spreadsheet."""

from __future__ import annotations

import codecs
import csv
import io

from loyalnest.contexts.imports.reading import (
    RowError,
    Source,
    neutralise,
    read_customers,
    write_error_report,
)

from .reading_samples import split, upload


def test_formula_cells_are_neutralised() -> None:
    for cell in ('=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(cell) == "'" + cell
    assert neutralise("ann@example.com") == "ann@example.com"
    assert neutralise("") == ""


def test_the_report_of_a_file_with_injected_cells() -> None:
    text = 'Email,First Name,Points Balance\r\n=cmd|\' /C calc\'!A0,Ann,-5\r\n"@ann@example.com",x,"=1+1"\r\n'
    _, errors = split(read_customers(upload(text), Source.SMILE))
    out = io.BytesIO()
    written = write_error_report(errors, out)
    data = out.getvalue()
    assert written == len(data)
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    assert rows[0] == ["line", "column", "reason", "value"]
    assert rows[1:] == [
        ["2", "Email", "bad email: not an email address", "'=cmd|' /C calc'!A0"],
        ["2", "Points Balance", "negative points", "'-5"],
        ["3", "Email", "bad email: not an email address", "'@ann@example.com"],
        ["3", "Points Balance", "points must be a whole number", "'=1+1"],
    ]
    for row in rows[1:]:
        assert not row[3].startswith(("=", "+", "-", "@"))


def test_a_large_report_streams_in_chunks_and_keeps_every_row() -> None:
    errors = [RowError(n, None, "duplicate email in the file, first on line 2", "é") for n in range(5000)]
    out = io.BytesIO()
    write_error_report(errors, out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 5001
    assert rows[-1] == ["4999", "", "duplicate email in the file, first on line 2", "é"]
