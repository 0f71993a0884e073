"""The issue's named bad inputs, read end to end through ``read_customers``, and the
same customer twice in one file."""

from __future__ import annotations

import pytest

from loyalnest.contexts.imports.reading import (
    CustomerRecord,
    FileRefused,
    RowError,
    Source,
    flag_duplicates,
    read_customers,
)

from .reading_samples import TODAY, split, upload

HEADER = "Email,First Name,Points Balance,VIP Tier,Date Of Birth\r\n"


def _errors(rows: str, **options: object) -> list[tuple[int, str | None, str]]:
    reader = read_customers(upload(HEADER + rows), Source.SMILE, today=TODAY, **options)  # type: ignore[arg-type]
    return [(e.line, e.column, e.reason) for e in split(reader)[1]]


def test_a_row_with_ten_to_the_twelve_points() -> None:
    assert _errors("ann@example.com,Ann,1000000000000,,\r\n") == [
        (2, "Points Balance", "points out of range: more than 1,000,000,000")
    ]


def test_negative_points() -> None:
    assert _errors("ann@example.com,Ann,-20,,\r\n") == [(2, "Points Balance", "negative points")]


def test_a_date_in_2999() -> None:
    ((line, column, reason),) = _errors("ann@example.com,Ann,5,,2999-01-01\r\n")
    assert (line, column) == (2, "Date Of Birth")
    assert reason.startswith("date out of range: 2999-01-01")


def test_a_bad_email() -> None:
    assert _errors("ann(at)example.com,Ann,5,,\r\n") == [(2, "Email", "bad email: not an email address")]


def test_an_unknown_tier() -> None:
    assert _errors("ann@example.com,Ann,5,Platinum,\r\n", tiers=["Bronze", "Gold"]) == [
        (2, "VIP Tier", "unknown tier (the program's tiers: Bronze, Gold)")
    ]


def test_every_problem_of_a_row_is_listed_and_the_row_yields_no_record() -> None:
    reader = read_customers(upload(HEADER + "bad,Ann,-1,,1800-01-01\r\n"), Source.SMILE, today=TODAY)
    records, errors = split(reader)
    assert records == []
    assert [e.column for e in errors] == ["Email", "Points Balance", "Date Of Birth"]
    assert errors[0].value == "bad"


def test_a_row_without_email_or_id() -> None:
    assert _errors(",Ann,5,,\r\n") == [(2, "Email", "no email and no Shopify customer id")]


def test_the_same_email_twice_with_different_balances() -> None:
    rows = (
        "ann@example.com,Ann,100,,\r\n"
        "bo@example.com,Bo,1,,\r\n"
        "ANN@Example.com ,Ann,250,,\r\n"
        "ann@example.com,Ann,100,,\r\n"
    )
    records, errors = split(read_customers(upload(HEADER + rows), Source.SMILE, today=TODAY))
    assert [(r.line, r.email, r.points_balance) for r in records] == [
        (2, "ann@example.com", 100),
        (3, "bo@example.com", 1),
    ]
    assert [(e.line, e.column, e.reason, e.value) for e in errors] == [
        (4, "Email", "duplicate email in the file, first on line 2", "ann@example.com"),
        (5, "Email", "duplicate email in the file, first on line 2", "ann@example.com"),
    ]


def test_duplicates_can_be_left_to_the_caller() -> None:
    rows = "ann@example.com,Ann,100,,\r\nann@example.com,Ann,250,,\r\n"
    reader = read_customers(upload(HEADER + rows), Source.SMILE, check_duplicates=False)
    assert [r.points_balance for r in split(reader)[0]] == [100, 250]


def test_a_bad_row_does_not_claim_its_email_for_duplicates() -> None:
    rows = "ann@example.com,Ann,-1,,\r\nann@example.com,Ann,250,,\r\n"
    records, errors = split(read_customers(upload(HEADER + rows), Source.SMILE))
    assert [(r.line, r.points_balance) for r in records] == [(3, 250)]
    assert [e.reason for e in errors] == ["negative points"]


def test_duplicate_shopify_customer_ids() -> None:
    items: list[CustomerRecord | RowError] = [
        CustomerRecord(2, shopify_customer_id=7),
        CustomerRecord(3, email="a@example.com", shopify_customer_id=8),
        CustomerRecord(4, email="b@example.com", shopify_customer_id=7),
    ]
    out = list(flag_duplicates(items, id_column="Shopify Customer ID"))
    assert out[:2] == items[:2]
    assert out[2] == RowError(
        4, "Shopify Customer ID", "duplicate Shopify customer id in the file, first on line 2", "7"
    )


def test_a_reader_is_iterated_once() -> None:
    reader = read_customers(upload(HEADER + "ann@example.com,Ann,1,,\r\n"), Source.SMILE)
    list(reader)
    with pytest.raises(RuntimeError):
        iter(reader)


def test_refusals_are_validation_errors_with_a_stable_code() -> None:
    with pytest.raises(FileRefused) as refused:
        read_customers(upload(""), Source.SMILE)
    assert (refused.value.code, refused.value.field) == ("FILE_EMPTY", "file")


def test_records_keep_personal_data_out_of_their_repr() -> None:
    (ann,), _ = split(read_customers(upload(HEADER + "ann@example.com,Ann,5,,1990-01-02\r\n"), Source.SMILE))
    shown = repr(ann)
    assert "ann@example.com" not in shown
    assert "Ann" not in shown
    assert "1990" not in shown
    assert "points_balance=5" in shown
    assert "ann@example.com" not in repr(RowError(2, "Email", "bad email", "ann@example.com"))
