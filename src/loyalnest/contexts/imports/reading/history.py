"""Reading the optional second file: a customer's points history, one signed amount per
row (Rivo's points log is the model: customer by email or id, amount, source, dates).

Rows with amount 0 are skipped, as Rivo does (they move nothing); ``skipped_zero`` counts
them. Duplicates are not flagged: one customer has many history rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from loyalnest.contexts.imports.reading import fields
from loyalnest.contexts.imports.reading.csv_stream import ByteSource, open_csv
from loyalnest.contexts.imports.reading.fields import BadValue
from loyalnest.contexts.imports.reading.presets import HISTORY, HISTORY_COLUMNS, match_columns, with_mapping
from loyalnest.contexts.imports.reading.records import VALUE_EXCERPT, HistoryRecord, RowError
from loyalnest.contexts.imports.reading.refusals import MISSING_COLUMN, FileRefused

_ORDER = (
    "points",
    "email",
    "shopify_customer_id",
    "occurred_at",
    "reason",
    "expires_at",
    "entry",
    "takes_from",
    "shortfall",
)


class HistoryReader:
    """An open history file; like CustomerReader, yields HistoryRecord or RowError."""

    def __init__(
        self,
        stream: ByteSource,
        mapping: Mapping[str, str | None] | None = None,
        *,
        today: date | None = None,
    ) -> None:
        chosen = with_mapping(HISTORY, mapping, HISTORY_COLUMNS)
        self._csv = open_csv(stream)
        self.encoding = self._csv.encoding
        self.delimiter = self._csv.delimiter
        header = self._csv.header
        found, self.ignored_columns = match_columns(header, chosen)
        if "points" not in found:
            shown = ", ".join(repr(h) for h in header if h)
            raise FileRefused(
                f"the file has no 'points' column, which a points history requires (its columns: {shown})",
                code=MISSING_COLUMN,
            )
        self.columns: dict[str, str] = {column: header[index] for column, index in found.items()}
        self.skipped_zero = 0
        latest = (today or datetime.now(UTC).date()) + timedelta(days=1)
        parsers: dict[str, Callable[[str], Any]] = {
            "points": fields.signed_points,
            "email": fields.email,
            "shopify_customer_id": fields.shopify_customer_id,
            "occurred_at": lambda cell: fields.moment(cell, fields.EARLIEST, latest),
            "reason": lambda cell: fields.text(cell, fields.MAX_REASON),
            "expires_at": lambda cell: fields.moment(cell, fields.EARLIEST, fields.LATEST_EXPIRY),
            "entry": fields.reference,
            "takes_from": fields.reference,
            "shortfall": fields.points,
        }
        self._plan = [
            (found[column], _ORDER.index(column), parsers[column], header[found[column]])
            for column in _ORDER
            if column in found
        ]
        self._started = False

    @property
    def bytes_read(self) -> int:
        return self._csv.bytes_read

    def __iter__(self) -> Iterator[HistoryRecord | RowError]:
        if self._started:
            raise RuntimeError("a HistoryReader is iterated once")
        self._started = True
        return self._records()

    def _records(self) -> Iterator[HistoryRecord | RowError]:
        points_column = self.columns["points"]
        identity_column = self.columns.get("email") or self.columns.get("shopify_customer_id")
        for line, cells in self._csv.rows():
            count = len(cells)
            values: list[Any] = [None] * len(_ORDER)
            errors: list[RowError] = []
            for index, slot, parse, header in self._plan:
                cell = cells[index].strip() if index < count else ""
                if not cell:
                    continue
                try:
                    values[slot] = parse(cell)
                except BadValue as bad:
                    errors.append(RowError(line, header, str(bad), cell[:VALUE_EXCERPT]))
            if errors:
                yield from errors
                continue
            if values[0] is None:
                yield RowError(line, points_column, "no points")
                continue
            if values[1] is None and values[2] is None:
                yield RowError(line, identity_column, "no email and no Shopify customer id")
                continue
            shortfall = values[_ORDER.index("shortfall")]
            if shortfall and values[0] > 0:
                yield RowError(line, self.columns["shortfall"], "a shortfall is what a debit could not take")
                continue
            if values[0] == 0:
                self.skipped_zero += 1
                continue
            yield HistoryRecord(line, *values)


def read_history(
    stream: ByteSource, mapping: Mapping[str, str | None] | None = None, *, today: date | None = None
) -> HistoryReader:
    """Open a points-history file; see HistoryReader."""
    return HistoryReader(stream, mapping, today=today)
