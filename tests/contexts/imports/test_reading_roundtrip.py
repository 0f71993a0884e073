"""Whatever a spreadsheet writes comes back: names with quotes, delimiters and line
breaks, in every encoding and with every delimiter and line end, read back cell for cell
with the line each row starts on."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from loyalnest.contexts.imports.reading import Source, read_customers

from .reading_samples import split

# printable text plus the characters CSV must quote; no NUL or other control characters
# (the encoding check rightly calls those binary) and no line separators other than CR
# and LF (the reader splits lines on CR, LF and CRLF only, as Excel does)
_NAME = st.text(
    st.one_of(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85\ufeff"),
        st.sampled_from([",", ";", "\t", '"', "\r", "\n", " "]),
    ),
    max_size=30,
)


@given(
    names=st.lists(st.tuples(_NAME, _NAME), min_size=1, max_size=20),
    delimiter=st.sampled_from([",", ";", "\t"]),
    terminator=st.sampled_from(["\r\n", "\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_written_rows_read_back_with_their_start_lines(
    names: list[tuple[str, str]], delimiter: str, terminator: str, encoding: str
) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=terminator)
    writer.writerow(["email", "first_name", "last_name"])
    expected = []
    line = 2
    for number, (first, last) in enumerate(names):
        if terminator == "\n":
            # the csv writer leaves a lone CR unquoted unless CR is in its line terminator
            first, last = first.replace("\r", ""), last.replace("\r", "")
        start = out.tell()
        writer.writerow([f"c{number}@example.com", first, last])
        row_text = out.getvalue()[start:]
        expected.append((line, f"c{number}@example.com", first.strip() or None, last.strip() or None))
        line += len(row_text.splitlines())
    reader = read_customers(io.BytesIO(out.getvalue().encode(encoding)), Source.GENERIC)
    assert reader.delimiter == delimiter
    records, errors = split(reader)
    assert errors == []
    assert [(r.line, r.email, r.first_name, r.last_name) for r in records] == expected


@given(
    names=st.lists(st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=20), min_size=1)
)
def test_windows_1252_names_read_back(names: list[str]) -> None:
    # the first row tells the file is not UTF-8 (é then a quote); without it a file whose
    # only accents happen to form UTF-8 ("Â" then a no-break space) reads as UTF-8
    text = "email;first_name\r\nzoe@example.com;Zoé\r\n" + "".join(
        f'c{n}@example.com;"{name.replace(chr(34), chr(34) * 2)}"\r\n' for n, name in enumerate(names)
    )
    data = text.encode("cp1252", errors="replace")
    records, errors = split(read_customers(io.BytesIO(data), Source.GENERIC))
    assert errors == []
    assert [r.first_name for r in records][1:] == [
        name.encode("cp1252", errors="replace").decode("cp1252").strip() or None for name in names
    ]
