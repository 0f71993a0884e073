"""Frozen DTOs of the points context (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class AccountDTO:
    customer_id: int
    balance: int
    lifetime_earned: int


@dataclass(frozen=True)
class LedgerEntryDTO:
    id: int
    customer_id: int
    delta: int
    kind: str
    source: str
    source_ref: str | None
    shortfall: int
    balance_after: int
    reason: str | None
    actor: str | None
    created_at: datetime


@dataclass(frozen=True)
class LedgerPage:
    items: list[LedgerEntryDTO]
    has_next_page: bool


@dataclass(frozen=True)
class PostingResult:
    """The outcome of one ledger posting. ``created`` is False when the idempotency key
    had been used before: nothing moved and ``entry`` is the original row."""

    entry: LedgerEntryDTO
    created: bool


@dataclass(frozen=True)
class OrderFacts:
    shopify_order_id: int
    customer_id: int
    currency: str
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal
    taxes_included: bool


@dataclass(frozen=True)
class RefundFacts:
    shopify_refund_id: int
    shopify_order_id: int
    customer_id: int | None
    line_subtotal: Decimal
    line_tax: Decimal
    shipping: Decimal


@dataclass(frozen=True)
class LedgerMismatch:
    merchant_id: int
    customer_id: int
    balance: int
    ledger_sum: int
