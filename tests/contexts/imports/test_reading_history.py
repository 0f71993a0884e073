"""The second file: a signed points history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from loyalnest.contexts.imports import rules
from loyalnest.contexts.imports.reading import FileRefused, HistoryRecord, RowError, read_history

from .reading_samples import TODAY, upload


def test_a_rivo_style_points_log() -> None:
    text = (
        "customer_id,email,points_amount,source,internal_note,applied_at,expires_at\r\n"
        "7390123456789,,250,order,first order,2024-01-05T10:00:00Z,2025-01-05\r\n"
        ",ann@example.com,-100,redemption,,2024-02-01,\r\n"
        ",ann@example.com,0,adjustment,,2024-02-02,\r\n"
        ",ann@example.com,5,birthday,,2999-01-01,\r\n"
        ",ann@example.com,5,birthday,,2024-05-17,2999-01-01\r\n"
        ",,5,birthday,,2024-05-17,\r\n"
        ",bo@example.com,,birthday,,2024-05-17,\r\n"
    )
    reader = read_history(upload(text), today=TODAY)
    assert reader.ignored_columns == ("internal_note",)
    items = list(reader)
    assert items[:2] == [
        HistoryRecord(
            2,
            250,
            shopify_customer_id=7390123456789,
            occurred_at=datetime(2024, 1, 5, 10, tzinfo=UTC),
            reason="order",
            expires_at=datetime(2025, 1, 5, tzinfo=UTC),
        ),
        HistoryRecord(
            3,
            -100,
            email="ann@example.com",
            occurred_at=datetime(2024, 2, 1, tzinfo=UTC),
            reason="redemption",
        ),
    ]
    errors = items[2:]
    assert all(isinstance(e, RowError) for e in errors)
    assert [(e.line, e.column, e.reason.split(":")[0]) for e in errors] == [  # type: ignore[union-attr]
        (5, "applied_at", "date out of range"),
        (6, "expires_at", "date out of range"),
        (7, "email", "no email and no Shopify customer id"),
        (8, "points_amount", "no points"),
    ]
    assert reader.skipped_zero == 1


def test_a_history_without_a_points_column_is_refused() -> None:
    with pytest.raises(FileRefused, match="no 'points' column"):
        read_history(upload("email,date\nann@example.com,2024-01-01\n"))


def test_our_exports_references_name_the_credit_a_debit_took_from_first() -> None:
    text = (
        "email,points,reason,entry,takes_from\r\n"
        "ann@example.com,100,earn,41,\r\n"
        "ann@example.com,120,earn,42,\r\n"
        "ann@example.com,-120,reversal: order refunded,43,42\r\n"
        "ann@example.com,-5,adjust,44,forty-two\r\n"
    )
    items = list(read_history(upload(text), today=TODAY))
    assert items[:3] == [
        HistoryRecord(2, 100, email="ann@example.com", reason="earn", entry=41),
        HistoryRecord(3, 120, email="ann@example.com", reason="earn", entry=42),
        HistoryRecord(
            4, -120, email="ann@example.com", reason="reversal: order refunded", entry=43, takes_from=42
        ),
    ]
    [bad] = items[3:]
    assert isinstance(bad, RowError)
    assert (bad.line, bad.column, bad.reason) == (
        5,
        "takes_from",
        "bad entry reference: up to 18 digits expected",
    )


def test_a_debits_shortfall_is_read_and_a_credits_refused() -> None:
    text = (
        "email,points,reason,entry,takes_from,shortfall\r\n"
        "ann@example.com,100,earn,41,,\r\n"
        "ann@example.com,-20,reversal: order refunded,43,41,80\r\n"
        "ann@example.com,30,adjust,44,,5\r\n"
        "ann@example.com,-5,reversal,45,41,-3\r\n"
    )
    items = list(read_history(upload(text), today=TODAY))
    assert items[:2] == [
        HistoryRecord(2, 100, email="ann@example.com", reason="earn", entry=41),
        HistoryRecord(
            3,
            -20,
            email="ann@example.com",
            reason="reversal: order refunded",
            entry=43,
            takes_from=41,
            shortfall=80,
        ),
    ]
    assert [(e.line, e.column, e.reason) for e in items[2:] if isinstance(e, RowError)] == [
        (4, "shortfall", "a shortfall is what a debit could not take"),
        (5, "shortfall", "negative points"),
    ]


@pytest.mark.parametrize(
    ("reason", "reversal", "expiry", "redemption"),
    [
        ("reversal: order refunded", True, False, False),
        ("Refund", True, False, False),
        ("cancelled", True, False, False),
        ("expire", False, True, False),
        ("Points expired", False, True, False),
        ("redeem: $5 off", False, False, True),
        ("Redemption", False, False, True),
        ("adjust: goodwill", False, False, False),
        (None, False, False, False),
    ],
)
def test_which_history_debits_are_reversals_expiries_or_redemptions(
    reason: str | None, reversal: bool, expiry: bool, redemption: bool
) -> None:
    assert (rules.is_reversal(reason), rules.is_expiry(reason), rules.is_redemption(reason)) == (
        reversal,
        expiry,
        redemption,
    )
