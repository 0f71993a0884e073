"""Integration events of the earning context, published on the unit of work that posts
them, so their handlers (tiers' metric, campaigns' results and budgets) commit together
with the ledger rows.

- ``PointsEarned``: ledger rows an earning really created (a replay publishes nothing):
  the base row and the parts the pipeline added, each with its origin.
- ``EarningReversed``: what a refund or cancellation took back from those rows.
- ``OrderSpendChanged``: an order's contribution to a customer's spend and order count
  (placed: +amount, +1; refunded: -amount; cancelled: -what was left, -1). Orders that
  earn nothing by rule (test orders, another currency, cancelled in their own payload)
  are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loyalnest.platform.events import Event


@dataclass(frozen=True, slots=True)
class OrderLineContext:
    product_id: int | None
    quantity: int
    # the line after its discounts, in the shop's currency
    amount: Decimal


@dataclass(frozen=True, slots=True)
class OrderContext:
    """The order behind a purchase award: what campaign conditions look at."""

    shopify_order_id: int
    # after discounts, before shipping and tax (what minimum-amount conditions compare)
    subtotal: Decimal
    # the part the purchase rule earns on
    eligible_amount: Decimal
    currency: str
    lines: tuple[OrderLineContext, ...] = ()
    discount_codes: tuple[str, ...] = ()
    placed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class EarnedPart:
    """One ledger row of an earning (or of its reversal: ``points`` negative)."""

    key: str
    kind: str
    origin_type: str  # "rule", "tier" or "campaign"
    origin_id: int | None
    points: int
    # the ledger row's id (set for the rows of an earning: what came before it is older)
    entry_id: int | None = None


@dataclass(frozen=True, slots=True)
class PointsEarned(Event):
    merchant_id: int
    customer_id: int
    rule: str  # the trigger: "order", "signup", "newsletter", "birthday", "review", "custom"
    source_ref: str | None
    occurred_at: datetime
    parts: tuple[EarnedPart, ...]
    order: OrderContext | None = None

    @property
    def points(self) -> int:
        return sum(part.points for part in self.parts)


@dataclass(frozen=True, slots=True)
class EarningReversed(Event):
    merchant_id: int
    customer_id: int
    source_ref: str | None
    # "refund" or "cancellation"
    reason: str
    occurred_at: datetime
    # what each part lost (negative points: what was called for, shortfall included)
    parts: tuple[EarnedPart, ...]

    @property
    def points(self) -> int:
        return sum(part.points for part in self.parts)


@dataclass(frozen=True, slots=True)
class OrderSpendChanged(Event):
    merchant_id: int
    customer_id: int
    shopify_order_id: int
    # when the order was placed (the period its spend counts in)
    placed_at: datetime
    # signed, in the shop's currency: the order's subtotal after discounts, less refunds
    amount: Decimal
    # +1 placed, -1 cancelled, 0 refunded
    orders: int
    # "placed", "refund" or "cancellation"; "imported" for an order of the shop's history
    # imported without points (imports' backfill): it counts toward spend and orders,
    # but a tier it lifts the customer into is an import (no entry reward) and campaigns
    # do not count it
    reason: str
    discount_codes: tuple[str, ...] = ()
    # (origin_type, origin_id) of the tiers and campaigns that added to the order's
    # points (planned when it was placed: also while they are pending)
    origins: tuple[tuple[str, int], ...] = ()
