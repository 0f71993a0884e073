"""Reading a customer file: a CSV stream, a preset's columns, and per row either a
``CustomerRecord`` or the ``RowError``s that keep it out.

The per-row work is the import's hot path (a million rows): a plan of (column index,
record slot, parser, header) is built once from the header, and each row fills a list
of slots that becomes the record positionally. Parsers raise ``BadValue`` only on bad
cells, so a good row costs no exception.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from loyalnest.contexts.imports.reading import fields
from loyalnest.contexts.imports.reading.csv_stream import ByteSource, open_csv
from loyalnest.contexts.imports.reading.duplicates import flag_duplicates
from loyalnest.contexts.imports.reading.fields import BadValue
from loyalnest.contexts.imports.reading.presets import Source, match_columns, preset, with_mapping
from loyalnest.contexts.imports.reading.records import (
    CUSTOMER_FIELDS,
    VALUE_EXCERPT,
    CustomerRecord,
    RowError,
)

Parser = Callable[[str], Any]
# a row's values: slot 0 the line, then the record's fields in order, then two slots
# read and folded into first/last name and referral code
_SLOTS = {name: position for position, name in enumerate(CUSTOMER_FIELDS, start=1)}
_WIDTH = len(CUSTOMER_FIELDS) + 1
_FULL_NAME = _WIDTH
_URL = _WIDTH + 1
_EMAIL, _ID = _SLOTS["email"], _SLOTS["shopify_customer_id"]
_FIRST, _LAST = _SLOTS["first_name"], _SLOTS["last_name"]
_CODE, _CODE_URL = _SLOTS["referral_code"], _SLOTS["referral_url"]


def _full_name(cell: str) -> tuple[str, str | None]:
    """First word the first name, the rest the last name ("Mary Ann Smith" loses either
    way; this is how a person types a name into a single field most often)."""
    fields.text(cell)
    first, _, last = cell.partition(" ")
    return first, last.strip() or None


def _parsers(today: date, tiers: dict[str, str] | None) -> dict[str, Parser]:
    latest = today + timedelta(days=1)
    return {
        "shopify_customer_id": fields.shopify_customer_id,
        "email": fields.email,
        "first_name": fields.text,
        "last_name": fields.text,
        "full_name": _full_name,
        "points_balance": fields.points,
        "points_pending": fields.points,
        "lifetime_points": fields.points,
        "points_spent": fields.points,
        "tier_name": lambda cell: fields.tier(cell, tiers),
        "birthday": lambda cell: fields.birthday(cell, latest),
        "referral_code": fields.referral_code,
        "referral_url": fields.referral_url,
        "accepts_email_marketing": fields.boolean,
        "accepts_sms_marketing": fields.boolean,
        "enrolled_at": lambda cell: fields.moment(cell, fields.EARLIEST, latest),
    }


class CustomerReader:
    """An open customer file. Construction reads the head and the header and refuses the
    whole file (FileRefused) when it must; iterating yields, in file order, a
    CustomerRecord per good row and one RowError per problem of a bad row. Iterate once.

    ``columns``: canonical field → the file's header for it. ``ignored_columns``: headers
    the preset does not know. ``encoding``, ``delimiter``, ``bytes_read`` (progress)."""

    def __init__(
        self,
        stream: ByteSource,
        source: Source | str,
        mapping: Mapping[str, str | None] | None = None,
        *,
        tiers: Collection[str] | None = None,
        today: date | None = None,
        check_duplicates: bool = True,
    ) -> None:
        chosen = with_mapping(preset(source), mapping)  # a bad mapping is refused before reading
        self._csv = open_csv(stream)
        self.encoding = self._csv.encoding
        self.delimiter = self._csv.delimiter
        header = self._csv.header
        found, self.ignored_columns = match_columns(header, chosen)
        self.columns: dict[str, str] = {column: header[index] for column, index in found.items()}
        self._width = len(header)
        self._check_duplicates = check_duplicates
        parsers = _parsers(today or datetime.now(UTC).date(), fields.tier_table(tiers))
        slots = {**_SLOTS, "full_name": _FULL_NAME, "referral_url": _URL}
        self._plan = [
            (index, slots[column], parsers[column], header[index]) for column, index in found.items()
        ]
        self._identity_column = self.columns.get("email") or self.columns.get("shopify_customer_id")
        self._started = False

    @property
    def bytes_read(self) -> int:
        return self._csv.bytes_read

    def __iter__(self) -> Iterator[CustomerRecord | RowError]:
        if self._started:
            raise RuntimeError("a CustomerReader is iterated once")
        self._started = True
        records = self._records()
        if not self._check_duplicates:
            return records
        return flag_duplicates(
            records,
            email_column=self.columns.get("email"),
            id_column=self.columns.get("shopify_customer_id"),
        )

    def _records(self) -> Iterator[CustomerRecord | RowError]:
        plan = self._plan
        width = self._width
        has_full_name = "full_name" in self.columns
        has_url = "referral_url" in self.columns
        identity_column = self._identity_column
        blank: list[Any] = [None] * (_URL + 1)
        # the record built from the slots directly: a named tuple's own __new__ is a Python
        # function taking keywords, which costs more than everything else the tuple needs
        new_record = partial(tuple.__new__, CustomerRecord)
        for line, cells in self._csv.rows():
            count = len(cells)
            if count < width:  # short rows read as if the missing cells were empty
                cells.extend([""] * (width - count))
            values = blank.copy()
            values[0] = line
            errors: list[RowError] | None = None
            for index, slot, parse, header in plan:
                cell = cells[index].strip()
                if not cell:
                    continue
                try:
                    values[slot] = parse(cell)
                except BadValue as bad:
                    if errors is None:
                        errors = []
                    errors.append(RowError(line, header, str(bad), cell[:VALUE_EXCERPT]))
            if count > width and any(c.strip() for c in cells[width:]):
                if errors is None:
                    errors = []
                errors.append(RowError(line, None, f"the row has {count} cells, the header {width}"))
            if errors is not None:
                yield from errors
                continue
            if values[_EMAIL] is None and values[_ID] is None:
                yield RowError(line, identity_column, "no email and no Shopify customer id")
                continue
            if (
                has_full_name
                and values[_FULL_NAME] is not None
                and values[_FIRST] is None
                and values[_LAST] is None
            ):
                values[_FIRST], values[_LAST] = values[_FULL_NAME]
            if has_url and values[_URL] is not None:
                values[_CODE_URL] = values[_URL][0]
                if values[_CODE] is None:  # a code column wins over the code in the URL
                    values[_CODE] = values[_URL][1]
            yield new_record(values[:_WIDTH])


def read_customers(
    stream: ByteSource,
    source: Source | str,
    mapping: Mapping[str, str | None] | None = None,
    *,
    tiers: Collection[str] | None = None,
    today: date | None = None,
    check_duplicates: bool = True,
) -> CustomerReader:
    """Open a customer file for ``source`` (a preset); see CustomerReader. ``tiers``: the
    program's tier names, to refuse unknown ones (None: any name passes). ``today``: the
    bound for birthdays and enrolment dates (default: today in UTC)."""
    return CustomerReader(
        stream, source, mapping, tiers=tiers, today=today, check_duplicates=check_duplicates
    )
