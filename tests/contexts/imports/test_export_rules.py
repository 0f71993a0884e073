"""The export's format contract on its own (no database): every column of every format
is one our importer's preset maps to the field the export wrote there, and each kind of
value reads back as it was: birthdays with and without a year, consents said and not
said, moments with their offset, free text a spreadsheet would run as a formula."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from loyalnest.contexts.imports import export_rules as rules
from loyalnest.contexts.imports import reading
from loyalnest.contexts.imports import rules as import_rules
from loyalnest.contexts.imports.reading.presets import (
    CUSTOMER_COLUMNS,
    HISTORY,
    HISTORY_COLUMNS,
    match_columns,
    preset,
)

ADA = rules.ExportedCustomer(
    shopify_customer_id=5_001,
    email="ada@example.org",
    first_name="Ada",
    last_name="Lovelace",
    points_balance=1_300,
    points_pending=25,
    lifetime_points=1_500,
    points_spent=200,
    tier_name="Gold",
    birthday=date(1990, 12, 10),
    referral_code="ADA1234",
    referral_url="https://shop.example/apps/loyalnest/r/ADA1234",
    accepts_email_marketing=True,
    accepts_sms_marketing=False,
    enrolled_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
)


def _read(format: str, *customers: rules.ExportedCustomer) -> list[reading.CustomerRecord]:
    content = rules.csv_bytes([rules.header(format), *(rules.customer_cells(format, c) for c in customers)])
    reader = reading.read_customers(io.BytesIO(content), format, None)
    found = list(reader)
    assert reader.ignored_columns == ()
    assert all(isinstance(r, reading.CustomerRecord) for r in found), found
    return found  # type: ignore[return-value]


@pytest.mark.parametrize("format", rules.FORMATS)
def test_every_column_is_the_field_the_preset_reads_there(format: str) -> None:
    found, ignored = match_columns(rules.header(format), preset(format))
    assert ignored == ()
    assert found == {field: index for index, (_, field) in enumerate(rules.COLUMNS[format])}


def test_generic_carries_every_field_the_importer_recognises() -> None:
    assert set(rules.FIELDS) == set(CUSTOMER_COLUMNS) - {"full_name"}  # names are split already
    assert [field for _, field in rules.COLUMNS["GENERIC"]] == list(rules.FIELDS)


def test_the_history_columns_are_the_history_presets() -> None:
    found, ignored = match_columns(list(rules.HISTORY_COLUMNS), HISTORY)
    assert ignored == ()
    assert set(found) == set(HISTORY_COLUMNS)


@pytest.mark.parametrize("format", rules.FORMATS)
def test_values_read_back_as_they_were(format: str) -> None:
    [record] = _read(format, ADA)
    carried = {field for _, field in rules.COLUMNS[format]}
    for field in rules.FIELDS:
        written = getattr(ADA, field)
        if field == "birthday":
            written = reading.Birthday(12, 10, 1990)
        if field == "referral_code" and "referral_url" in carried:
            carried.add(field)  # the importer takes the code from the link
        assert getattr(record, field) == (written if field in carried else None), (format, field)


def test_a_birthday_without_a_year_is_smiles_year_1004_and_reads_back_without_one() -> None:
    assert rules.cell("birthday", date(1004, 2, 29)) == "1004-02-29"
    assert rules.cell("birthday", date(1, 7, 4)) == "1004-07-04"
    assert rules.cell("birthday", date(1988, 7, 4)) == "1988-07-04"
    yearless = rules.ExportedCustomer(
        shopify_customer_id=None, email="x@example.org", birthday=date(1004, 7, 4)
    )
    for format in rules.FORMATS:
        [record] = _read(format, yearless)
        assert record.birthday == reading.Birthday(7, 4, None)


def test_consents_not_said_stay_empty_and_an_identity_alone_is_a_row() -> None:
    bare = rules.ExportedCustomer(shopify_customer_id=77, email=None)
    cells = rules.customer_cells("GENERIC", bare)
    assert cells[rules.FIELDS.index("accepts_email_marketing")] == ""
    assert cells[rules.FIELDS.index("points_balance")] == "0"
    [record] = _read("GENERIC", bare)
    assert (record.shopify_customer_id, record.email, record.accepts_email_marketing) == (77, None, None)
    # the vendor formats write it too (the importer matches it by its Shopify id)
    assert _read("LOYALTYLION", bare)[0].shopify_customer_id == 77


def test_moments_keep_their_offset() -> None:
    at = datetime(2026, 6, 1, 23, 15, tzinfo=timezone(timedelta(hours=-5)))
    assert rules.cell("enrolled_at", at) == "2026-06-01T23:15:00-05:00"
    [record] = _read("GENERIC", rules.ExportedCustomer(shopify_customer_id=1, email=None, enrolled_at=at))
    assert record.enrolled_at == at


def test_free_text_a_spreadsheet_would_run_is_neutralised() -> None:
    sly = rules.ExportedCustomer(
        shopify_customer_id=9,
        email="sly@example.org",
        first_name="=HYPERLINK(1)",
        last_name="-x",
        tier_name="@t",
    )
    cells = rules.customer_cells("GENERIC", sly)
    assert cells[2:4] == ["'=HYPERLINK(1)", "'-x"]
    assert cells[rules.FIELDS.index("tier_name")] == "'@t"
    # numbers, emails and plain names are written as they are
    assert rules.customer_cells("GENERIC", ADA)[:5] == ["5001", "ada@example.org", "Ada", "Lovelace", "1300"]


def test_history_rows_read_back_with_the_history_reader() -> None:
    at = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    entries = [
        rules.ExportedEntry(
            "ada@example.org", 5_001, 1_500, at, "adjust", "welcome\nback", at + timedelta(days=365)
        ),
        rules.ExportedEntry("ada@example.org", 5_001, -200, at + timedelta(hours=1), "redeem", None, None),
        rules.ExportedEntry(None, 5_002, 40, at, "earn", "x" * 600, None),
    ]
    content = rules.csv_bytes([rules.HISTORY_COLUMNS, *(rules.history_cells(e) for e in entries)])
    found = list(reading.read_history(io.BytesIO(content), today=date(2026, 12, 1)))
    assert [
        (r.email, r.shopify_customer_id, r.points, r.occurred_at, r.reason, r.expires_at) for r in found
    ] == [
        ("ada@example.org", 5_001, 1_500, at, "adjust: welcome back", at + timedelta(days=365)),
        ("ada@example.org", 5_001, -200, at + timedelta(hours=1), "redeem", None),
        (None, 5_002, 40, at, ("earn: " + "x" * 600)[:500], None),
    ]


def test_file_names_and_eta() -> None:
    made = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    assert rules.file_name("SMILE", 42, made, "customers") == "loyalnest-customers-smile-20261205-42.csv"
    assert rules.file_name("SMILE", 42, made, "history") == "loyalnest-points-history-20261205-42.csv"
    started = made
    now = made + timedelta(seconds=10)
    assert rules.eta("running", 250, 1_000, started, now) == now + timedelta(seconds=30)
    assert rules.eta("running", 0, 1_000, started, now) is None
    assert rules.eta("completed", 1_000, 1_000, started, now) is None


@pytest.mark.parametrize(
    ("reason", "expiry"),
    [
        ("expire", True),
        ("Expired", True),
        ("expire: end of year", True),
        (" points expired ", True),
        ("redeem: $5 off", False),
        ("Order #1001 expired quickly", False),
        (None, False),
    ],
)
def test_a_history_row_that_records_an_expiry_is_told_by_its_reason(reason, expiry):
    # such rows are not posted on import: the lot expires by its own date instead
    assert import_rules.is_expiry(reason) is expiry
