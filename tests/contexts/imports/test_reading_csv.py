"""The CSV stream: delimiters, quoted newlines and the line each row starts on, empty
and header-only files, and the limits that keep memory flat."""

from __future__ import annotations

import io

import pytest

from loyalnest.contexts.imports.reading import FileRefused, Source, open_csv, read_customers
from loyalnest.contexts.imports.reading.csv_stream import LINE_LIMIT, sniff_delimiter
from loyalnest.contexts.imports.reading.refusals import EMPTY, HEADER_ONLY, MALFORMED

from .reading_samples import TODAY, split, upload


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_each_delimiter_is_sniffed_from_the_header(delimiter: str) -> None:
    # the values hold the other delimiters, quoted, so only the header can tell
    header = delimiter.join(["Email", "Full Name", "Points Balance"])
    row = delimiter.join(["ann@example.com", '"Lee, Ann; \tJr"', "7"])
    reader = read_customers(upload(f"{header}\n{row}\n"), Source.YOTPO, today=TODAY)
    assert reader.delimiter == delimiter
    records, errors = split(reader)
    assert errors == []
    assert (records[0].first_name, records[0].last_name, records[0].points_balance) == (
        "Lee,",
        "Ann; \tJr",
        7,
    )


def test_delimiters_inside_quoted_headers_do_not_count() -> None:
    assert sniff_delimiter('"a,b,c,d";e;f\r\n') == ";"
    assert sniff_delimiter("email\n") == ","


def test_quoted_fields_with_newlines_keep_the_start_line_of_each_row() -> None:
    text = (
        "email,first_name,last_name\r\n"  # line 1
        'a@example.com,"Ann\r\nMarie",Lee\r\n'  # lines 2-3
        "\r\n"  # line 4: blank
        'b@example.com,Bob,"O\nBrien\nthe\nthird"\n'  # lines 5-8
        "c@example.com,Cy,\r\n"  # line 9
        "not-an-email,Dee,Doe\r\n"  # line 10
    )
    records, errors = split(read_customers(upload(text), Source.GENERIC, today=TODAY))
    assert [(r.line, r.email) for r in records] == [
        (2, "a@example.com"),
        (5, "b@example.com"),
        (9, "c@example.com"),
    ]
    assert records[0].first_name == "Ann\r\nMarie"
    assert records[1].last_name == "O\nBrien\nthe\nthird"
    assert [(e.line, e.column) for e in errors] == [(10, "email")]


def test_old_mac_line_ends_count_as_lines() -> None:
    records, _ = split(read_customers(upload("email\ra@example.com\rb@example.com\r"), Source.GENERIC))
    assert [r.line for r in records] == [2, 3]


def test_an_empty_file_is_refused() -> None:
    for data in (b"", b"\xef\xbb\xbf", b"\r\n\r\n  \n"):
        with pytest.raises(FileRefused, match="empty") as refused:
            read_customers(io.BytesIO(data), Source.SMILE)
        assert refused.value.code == EMPTY


def test_a_file_with_only_a_header_is_refused() -> None:
    for text in ("email,points\r\n", "email,points", "email,points\r\n\r\n,\r\n"):
        with pytest.raises(FileRefused, match="header but no rows") as refused:
            read_customers(upload(text), Source.SMILE)
        assert refused.value.code == HEADER_ONLY


def test_a_line_without_end_is_refused_not_held_in_memory() -> None:
    text = "email,points\r\na@example.com,1\r\n" + "x" * (LINE_LIMIT + 10)
    reader = read_customers(upload(text), Source.SMILE)
    with pytest.raises(FileRefused, match="line 3 is longer") as refused:
        list(reader)
    assert (refused.value.code, refused.value.line) == (MALFORMED, 3)


def test_a_field_past_the_csv_limit_is_an_error_naming_its_line() -> None:
    big = "\n".join(["y" * 1000] * 200)  # 200 KB in one quoted field, short lines
    text = f'email,first_name\r\na@example.com,Ann\r\nb@example.com,"{big}"\r\n'
    with pytest.raises(FileRefused, match="line 3") as refused:
        list(read_customers(upload(text), Source.GENERIC))
    assert refused.value.code == MALFORMED


def test_rows_with_too_many_or_too_few_cells() -> None:
    text = "email,first_name,last_name\r\na@example.com\r\nb@example.com,B,C,,\r\nc@example.com,C,D,extra\r\n"
    records, errors = split(read_customers(upload(text), Source.GENERIC))
    assert [(r.email, r.first_name) for r in records] == [("a@example.com", None), ("b@example.com", "B")]
    assert [(e.line, e.reason) for e in errors] == [(4, "the row has 4 cells, the header 3")]


def test_bytes_read_counts_the_whole_file_at_the_end() -> None:
    data = ("email\r\n" + "".join(f"c{n}@example.com\r\n" for n in range(50_000))).encode()
    stream = open_csv(io.BytesIO(data))
    assert 0 < stream.bytes_read <= len(data)
    assert sum(1 for _ in stream.rows()) == 50_000
    assert stream.bytes_read == len(data)


class _Trickle:
    """A source that hands out a few bytes per read, as a socket or upload stream may."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def read(self, size: int = -1, /) -> bytes:
        return self._data.read(min(size, 7) if size > 0 else 7)


def test_any_object_with_read_is_a_source() -> None:
    text = "Email;Points\r\n" + "".join(f"c{n}@example.com;{n}\r\n" for n in range(100))
    records, errors = split(read_customers(_Trickle(text.encode("utf-16")), Source.SMILE))
    assert errors == []
    assert [r.points_balance for r in records] == list(range(100))
