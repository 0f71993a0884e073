"""Helpers shared by the reading tests: a file's bytes as an upload stream."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

from loyalnest.contexts.imports.reading import CustomerRecord, RowError

TODAY = date(2026, 12, 4)


def upload(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def split(items: Iterable[CustomerRecord | RowError]) -> tuple[list[CustomerRecord], list[RowError]]:
    records: list[CustomerRecord] = []
    errors: list[RowError] = []
    for item in items:
        if isinstance(item, RowError):
            errors.append(item)
        else:
            records.append(item)
    return records, errors
