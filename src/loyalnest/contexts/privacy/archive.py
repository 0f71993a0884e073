"""The data export's archive (pure): a zip of ``data.json`` (everything, typed), one
readable CSV per table and a README saying what each file is.

Values are shown as a person can read them: ciphertexts decrypted (the column loses
its ``_enc``), lookup hashes left out (``*_bidx``, ``*_lookup``, ``*_hash``: derived from
values the export shows in clear), times in ISO 8601 UTC, amounts as exact decimals.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson

FORMAT = "loyalnest-data-export/1"
HIDDEN_SUFFIXES = ("_bidx", "_lookup", "_hash")
ENCRYPTED_SUFFIX = "_enc"

# Opens one encrypted value of a table's column: its text, or None if it cannot be read
Opener = Callable[[str, str, str], str | None]


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]


def readable(value: Any) -> Any:
    """A value as JSON can hold it, exactly."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple):
        return [readable(v) for v in value]
    return value


def table(name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], open_value: Opener) -> Table:
    """One table's rows, made readable (see the module docstring)."""
    shown: list[tuple[int, str, bool]] = []
    for position, column in enumerate(columns):
        if column.endswith(HIDDEN_SUFFIXES):
            continue
        encrypted = column.endswith(ENCRYPTED_SUFFIX)
        shown.append((position, column[: -len(ENCRYPTED_SUFFIX)] if encrypted else column, encrypted))
    out: list[dict[str, Any]] = []
    for row in rows:
        item: dict[str, Any] = {}
        for position, label, encrypted in shown:
            value = row[position]
            if encrypted and isinstance(value, str):
                value = open_value(name, columns[position], value)
            item[label] = readable(value)
        out.append(item)
    return Table(name, tuple(label for _, label, _ in shown), tuple(out))


def _cell(value: Any) -> Any:
    """A value as a spreadsheet cell: empty for null, JSON for a structure, true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return value


def _csv(t: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(t.columns)
    for row in t.rows:
        writer.writerow([_cell(row.get(c)) for c in t.columns])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM: spreadsheets read UTF-8 then


_README = """What LoyalNest, the loyalty program of {shop}, holds about you

Made {generated} for request {request}.

data.json   everything below in one file (machine-readable)
<table>.csv one file per table of the program's database that holds rows about you,
            one line per row; an empty file (its header only) means nothing is held there

Values that are stored encrypted are shown decrypted. Lookup hashes (columns ending in
_bidx, _lookup or _hash) are left out: they are derived from values shown here.
Times are in UTC (ISO 8601); amounts are in the shop's currency.
"""


def build(
    *, shop: str, request_id: int, generated_at: datetime, meta: Mapping[str, Any], tables: Sequence[Table]
) -> bytes:
    """The zip archive's bytes."""
    document = {
        "format": FORMAT,
        "shop": shop,
        "request": request_id,
        "generated_at": generated_at.isoformat(),
        **meta,
        "tables": {t.name: list(t.rows) for t in tables},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            _README.format(shop=shop, generated=generated_at.isoformat(), request=request_id),
        )
        archive.writestr("data.json", orjson.dumps(document, option=orjson.OPT_INDENT_2))
        for t in tables:
            archive.writestr(f"{t.name}.csv", _csv(t))
    return buffer.getvalue()


def filename(shop: str, request_id: int) -> str:
    return f"{shop.split('.')[0]}-data-request-{request_id}.zip"
