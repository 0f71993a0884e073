"""Encodings a merchant's export comes in, and files that are not CSV at all."""

from __future__ import annotations

import codecs
import gzip
import io
import zipfile

import pytest

from loyalnest.contexts.imports.reading import FileRefused, Source, read_customers
from loyalnest.contexts.imports.reading.encoding import detect_encoding
from loyalnest.contexts.imports.reading.refusals import NOT_TEXT

from .reading_samples import TODAY, split

SAMPLE = "Email,First Name,Last Name,Points Balance\r\nzoe@example.com,Zoé,Müller,120\r\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16"),
        (SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (SAMPLE.encode("utf-16-be"), "utf-16-be"),
        (SAMPLE.encode("cp1252"), "cp1252"),
    ],
    ids=["utf8-bom", "utf8", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "cp1252"],
)
def test_each_encoding_reads_the_accents_right(data: bytes, encoding: str) -> None:
    reader = read_customers(io.BytesIO(data), Source.SMILE, today=TODAY)
    assert reader.encoding == encoding
    assert reader.columns["email"] == "Email"  # no BOM glued to the first header
    records, errors = split(reader)
    assert errors == []
    assert [(r.email, r.first_name, r.last_name, r.points_balance) for r in records] == [
        ("zoe@example.com", "Zoé", "Müller", 120)
    ]


def test_cp1252_first_seen_past_the_detected_head_is_still_read() -> None:
    # 100 KB of ASCII rows, then a Windows-1252 é: detection saw only ASCII (UTF-8)
    rows = "".join(f"c{n}@example.com,Ann,Lee,{n}\r\n" for n in range(4000))
    data = ("Email,First Name,Last Name,Points\r\n" + rows + "late@example.com,Renée,Dœ,5\r\n").encode(
        "cp1252"
    )
    assert len(data) > 64 * 1024
    reader = read_customers(io.BytesIO(data), Source.SMILE, today=TODAY)
    assert reader.encoding == "utf-8"
    records, errors = split(reader)
    assert errors == []
    assert (records[-1].first_name, records[-1].last_name) == ("Renée", "Dœ")
    assert records[-1].line == 4002


def test_latin1_bytes_undefined_in_cp1252_do_not_fail() -> None:
    data = b"email,first_name\r\na@example.com,X\x81Y\xe9\r\n"
    records, _ = split(read_customers(io.BytesIO(data), Source.GENERIC, today=TODAY))
    assert records[0].first_name == "X\x81Yé"


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("customers.csv", SAMPLE)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (_zip(), "ZIP"),
        (gzip.compress(SAMPLE.encode()), "gzip"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Excel"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG"),
        (bytes(range(256)) * 40, "binary"),
        (b"email,points\r\n\x00\x01\x02\x03\x00\x00\xff\x00\x10\x00\x00\x00\x07", "binary"),
    ],
    ids=["zip", "gzip", "pdf", "xls", "png", "bytes", "nuls"],
)
def test_archives_documents_and_binary_files_are_refused_by_name(data: bytes, said: str) -> None:
    with pytest.raises(FileRefused) as refused:
        read_customers(io.BytesIO(data), Source.SMILE)
    assert refused.value.code == NOT_TEXT
    assert said in refused.value.message
    assert "export it as CSV" in refused.value.message


def test_an_xlsx_workbook_is_named() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(FileRefused, match=r"\.xlsx"):
        read_customers(io.BytesIO(out.getvalue()), Source.YOTPO)


def test_detection_of_a_head_cut_inside_a_utf8_character() -> None:
    head = ("é" * 10).encode()[:-1]
    assert detect_encoding(head, complete=False) == "utf-8"
    assert detect_encoding(head, complete=True) == "cp1252"


def test_utf16_cut_in_the_middle_of_a_character_is_refused_with_its_line() -> None:
    data = codecs.BOM_UTF16_LE + "email\r\na@example.com\r\nb@example.com\r\n".encode("utf-16-le") + b"x"
    reader = read_customers(io.BytesIO(data), Source.GENERIC)
    with pytest.raises(FileRefused, match="cannot be decoded as utf-16") as refused:
        list(reader)
    assert refused.value.code == "FILE_UNDECODABLE"
