"""Cell parsers: what each accepts, and the reason it gives when it does not."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from loyalnest.contexts.imports.reading import Birthday, fields
from loyalnest.contexts.imports.reading.fields import BadValue

TOMORROW = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("Ann.Lee+vip@Example.COM", "ann.lee+vip@example.com"),
        ("o'brien@sub.example.co.uk", "o'brien@sub.example.co.uk"),
    ],
)
def test_emails_are_lower_cased(cell: str, value: str) -> None:
    assert fields.email(cell) == value


@pytest.mark.parametrize(
    "cell",
    [
        "ann",
        "ann@",
        "@example.com",
        "ann@example",
        "ann lee@example.com",
        "a@b@example.com",
        "ann..lee@example.com",
        ".ann@example.com",
        "ann.@example.com",
        "ann@example..com",
        "<ann@example.com>",
        "x" * 250 + "@example.com",
    ],
)
def test_bad_emails(cell: str) -> None:
    with pytest.raises(BadValue, match="bad email"):
        fields.email(cell)


def test_points() -> None:
    assert fields.points("0") == 0
    assert fields.points("1000000000") == 1_000_000_000
    assert fields.points("+15") == 15
    assert fields.points("120.00") == 120
    for cell, reason in [
        ("1000000000000", "out of range"),
        ("1000000001", "out of range"),
        ("9" * 5000, "out of range"),
        ("-5", "negative points"),
        ("1,234", "thousands separators"),
        ("1.234.567", "whole number"),
        ("1 234", "thousands separators"),
        ("12.5", "whole number"),
        ("abc", "whole number"),
        ("١٢", "whole number"),  # Arabic-Indic digits: isdigit() says yes, we say no
        ("1e6", "whole number"),
    ]:
        with pytest.raises(BadValue, match=reason):
            fields.points(cell)


def test_history_points_are_signed() -> None:
    assert fields.signed_points("-250") == -250
    assert fields.signed_points("+3") == 3
    with pytest.raises(BadValue, match="out of range"):
        fields.signed_points("-1000000000000")


@pytest.mark.parametrize(
    ("cell", "parts"),
    [
        ("1990-05-17", (1990, 5, 17)),
        ("1990-05-17T00:00:00Z", (1990, 5, 17)),
        ("1990-05-17 00:00:00", (1990, 5, 17)),
        ("1990/05/17", (1990, 5, 17)),
        ("05/17/1990", (1990, 5, 17)),
        ("5/7/1990", (1990, 5, 7)),
        ("05/17", (None, 5, 17)),
        ("17.05.1990", (1990, 5, 17)),
        ("02/29", (None, 2, 29)),
    ],
)
def test_date_formats(cell: str, parts: tuple[int | None, int, int]) -> None:
    assert fields.date_parts(cell) == parts


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("17/05/1990", "no month 17"),
        ("1990-13-01", "no month 13"),
        ("1990-02-30", "no day 30"),
        ("05/17/90", "not a date"),
        ("May 17, 1990", "not a date"),
        ("1990", "not a date"),
    ],
)
def test_bad_dates(cell: str, reason: str) -> None:
    with pytest.raises(BadValue, match=reason):
        fields.date_parts(cell)


def test_birthdays_in_range_and_smiles_unknown_year() -> None:
    assert fields.birthday("1004-12-25", TOMORROW) == Birthday(12, 25, None)
    assert fields.birthday("1900-01-01", TOMORROW) == Birthday(1, 1, 1900)
    assert fields.birthday("2026-12-05", TOMORROW) == Birthday(12, 5, 2026)
    for cell in ("2999-01-01", "2026-12-06", "1899-12-31", "12/31/2999"):
        with pytest.raises(BadValue, match="date out of range"):
            fields.birthday(cell, TOMORROW)


def test_moments_are_aware_and_bounded() -> None:
    latest = TOMORROW
    assert fields.moment("2021-03-04", fields.EARLIEST, latest) == datetime(2021, 3, 4, tzinfo=UTC)
    assert fields.moment("2021-03-04T10:11:12+02:00", fields.EARLIEST, latest) == datetime(
        2021, 3, 4, 10, 11, 12, tzinfo=timezone(timedelta(hours=2))
    )
    assert fields.moment("03/04/2021 10:11", fields.EARLIEST, latest) == datetime(
        2021, 3, 4, 10, 11, tzinfo=UTC
    )
    assert fields.moment("04.03.2021", fields.EARLIEST, latest) == datetime(2021, 3, 4, tzinfo=UTC)
    with pytest.raises(BadValue, match="date out of range"):
        fields.moment("2999-01-01T00:00:00Z", fields.EARLIEST, latest)
    with pytest.raises(BadValue, match="date out of range"):
        fields.moment("2999-01-01", fields.EARLIEST, fields.LATEST_EXPIRY)
    with pytest.raises(BadValue, match="year is missing"):
        fields.moment("03/04", fields.EARLIEST, latest)
    with pytest.raises(BadValue, match="not a time"):
        fields.moment("03/04/2021 25:99", fields.EARLIEST, latest)


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("TRUE", True),
        ("yes", True),
        ("1", True),
        ("Subscribed", True),
        ("opted in", True),
        ("false", False),
        ("No", False),
        ("0", False),
        ("UNSUBSCRIBED", False),
        ("not subscribed", False),
    ],
)
def test_consent_booleans(cell: str, value: bool) -> None:
    assert fields.boolean(cell) is value


def test_a_consent_that_is_neither() -> None:
    with pytest.raises(BadValue, match="yes or no expected"):
        fields.boolean("maybe")


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("https://i.refs.cc/AbC123?smile_ref=eyJzaG9w", "AbC123"),
        ("https://i.refs.cc/AbC123/", "AbC123"),
        ("https://shop.example.com/?ref=ANN-42&utm_source=x", "ANN-42"),
        ("https://shop.example.com/pages/refer?code=Z9", "Z9"),
        ("shop.example.com/r/K7", "K7"),
        ("K7", "K7"),
    ],
)
def test_referral_code_from_the_url(cell: str, code: str) -> None:
    assert fields.referral_url(cell) == (cell, code)


def test_a_referral_url_without_a_code() -> None:
    with pytest.raises(BadValue, match="no code"):
        fields.referral_url("https://shop.example.com/")
    with pytest.raises(BadValue, match="bad referral code"):
        fields.referral_code("has space")


def test_tiers_known_any_case_unknown_named() -> None:
    tiers = fields.tier_table(["Gold", "Silver"])
    assert fields.tier("gOLD", tiers) == "Gold"
    assert fields.tier("Platinum", None) == "Platinum"
    with pytest.raises(BadValue, match=r"unknown tier \(the program's tiers: Gold, Silver\)"):
        fields.tier("Platinum", tiers)


def test_shopify_customer_ids() -> None:
    assert fields.shopify_customer_id("7390123456789") == 7390123456789
    assert fields.shopify_customer_id("gid://shopify/Customer/42") == 42
    for cell in ("0", "-1", "abc", "99999999999999999999", "1.5e12"):
        with pytest.raises(BadValue, match="Shopify customer id"):
            fields.shopify_customer_id(cell)
