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
class OrderLine:
    """One line of an order, in shop money: ``price`` per unit before discounts,
    ``discount`` the line's share of every discount (line and order level), ``tax``
    the line's tax."""

    product_id: int | None
    quantity: int
    price: Decimal
    discount: Decimal
    tax: Decimal


@dataclass(frozen=True)
class OrderFacts:
    shopify_order_id: int
    customer_id: int
    currency: str
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal
    taxes_included: bool
    lines: tuple[OrderLine, ...] = ()


@dataclass(frozen=True)
class RefundLine:
    """One refunded line, in shop money (``subtotal`` after discounts)."""

    product_id: int | None
    subtotal: Decimal
    tax: Decimal


@dataclass(frozen=True)
class RefundFacts:
    shopify_refund_id: int
    shopify_order_id: int
    customer_id: int | None
    line_subtotal: Decimal
    line_tax: Decimal
    shipping: Decimal
    lines: tuple[RefundLine, ...] = ()


@dataclass(frozen=True)
class ExpiringPointsDTO:
    """Points of a customer's open lots expiring within a window, and the earliest
    expiry of any open lot (None: nothing of theirs ever expires)."""

    points: int
    next_expires_at: datetime | None


@dataclass(frozen=True)
class LedgerMismatch:
    """An account whose balance, ledger sum and open lots do not all agree."""

    merchant_id: int
    customer_id: int
    balance: int
    ledger_sum: int
    lots_remaining: int


@dataclass(frozen=True)
class LotMismatch:
    """A lot whose remaining is not its points less what entries took from it."""

    merchant_id: int
    lot_id: int
    customer_id: int
    points: int
    remaining: int
    consumed: int


@dataclass(frozen=True)
class ExpiryReport:
    """What one expiry pass did."""

    expired: int  # expire rows written (one per lot)
    reminders_recorded: int
    reminders_cancelled: int
    failed_shops: tuple[int, ...]
