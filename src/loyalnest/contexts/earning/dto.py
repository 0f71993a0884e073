"""Frozen DTOs of the earning context (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loyalnest.contexts.points import api as points
from loyalnest.platform.money import Rounding

PURCHASE = "purchase"


@dataclass(frozen=True)
class PurchaseRuleDTO:
    """How the shop's orders earn."""

    merchant_id: int
    points_per_currency_unit: Decimal
    rounding: Rounding
    earn_on_shipping: bool
    earn_on_tax: bool
    updated_at: datetime
    purchase_enabled: bool
    # Orders whose subtotal (after discounts) is below this earn nothing; None: no minimum.
    min_order_amount: Decimal | None
    # Shopify product ids whose order lines (after discounts) earn nothing.
    excluded_product_ids: tuple[int, ...]
    # Product tags (lower-case) whose products' lines earn nothing.
    excluded_product_tags: tuple[str, ...]
    # Days an order's points wait as pending before they can be spent (0: at once).
    pending_days: int
    # Whether test orders (Shopify's test mode) earn: for shops trying their program out.
    test_orders_earn: bool = False
    # The stage of an order at which it earns (``rules.EARN_ON``): order_created,
    # order_paid or order_fulfilled.
    earn_on: str = "order_created"


@dataclass(frozen=True)
class ProgramSettingsDTO:
    """The program settings screen: the purchase rule (earning's) and the expiry policy
    (the points context's), changed together."""

    purchase: PurchaseRuleDTO
    expiry: points.ExpiryPolicyDTO

    @property
    def updated_at(self) -> datetime:
        """The latest change of either part."""
        return max(self.purchase.updated_at, self.expiry.updated_at)

    # the settings as one flat record, as the settings screen shows them

    @property
    def merchant_id(self) -> int:
        return self.purchase.merchant_id

    @property
    def points_per_currency_unit(self) -> Decimal:
        return self.purchase.points_per_currency_unit

    @property
    def rounding(self) -> Rounding:
        return self.purchase.rounding

    @property
    def earn_on_shipping(self) -> bool:
        return self.purchase.earn_on_shipping

    @property
    def earn_on_tax(self) -> bool:
        return self.purchase.earn_on_tax

    @property
    def purchase_enabled(self) -> bool:
        return self.purchase.purchase_enabled

    @property
    def min_order_amount(self) -> Decimal | None:
        return self.purchase.min_order_amount

    @property
    def excluded_product_ids(self) -> tuple[int, ...]:
        return self.purchase.excluded_product_ids

    @property
    def excluded_product_tags(self) -> tuple[str, ...]:
        return self.purchase.excluded_product_tags

    @property
    def pending_days(self) -> int:
        return self.purchase.pending_days

    @property
    def test_orders_earn(self) -> bool:
        return self.purchase.test_orders_earn

    @property
    def earn_on(self) -> str:
        return self.purchase.earn_on

    @property
    def expiry_policy(self) -> str:
        return self.expiry.expiry_policy

    @property
    def expiry_days(self) -> int | None:
        return self.expiry.expiry_days


@dataclass(frozen=True)
class ProgramSettingsUpdate:
    """Fields left ``None`` keep their current value. ``min_order_amount`` 0 removes the
    minimum; ``excluded_product_ids`` and ``excluded_product_tags`` replace their
    lists (empty: none excluded). ``expiry_policy`` and ``expiry_days`` change the
    points context's expiry policy; the rest the purchase rule."""

    points_per_currency_unit: Decimal | None = None
    rounding: str | None = None
    earn_on_shipping: bool | None = None
    earn_on_tax: bool | None = None
    purchase_enabled: bool | None = None
    min_order_amount: Decimal | None = None
    excluded_product_ids: tuple[int, ...] | None = None
    excluded_product_tags: tuple[str, ...] | None = None
    expiry_policy: str | None = None
    expiry_days: int | None = None
    pending_days: int | None = None
    test_orders_earn: bool | None = None
    earn_on: str | None = None


@dataclass(frozen=True)
class EarningRuleDTO:
    """One way to earn. For "purchase" the points come per unit of currency: ``points``
    is None and ``purchase`` holds the purchase rule."""

    trigger: str
    enabled: bool
    points: int | None
    updated_at: datetime
    purchase: PurchaseRuleDTO | None = None


@dataclass(frozen=True)
class EarningRuleUpdate:
    """Fields left ``None`` keep their value. ``purchase`` only for the purchase rule."""

    enabled: bool | None = None
    points: int | None = None
    purchase: ProgramSettingsUpdate | None = None


@dataclass(frozen=True)
class ReviewWebhookDTO:
    """What a merchant pastes into their review app. The secret is plaintext: only for
    staff with admin:full, never logged."""

    secret: str
    created_at: datetime
    rotated_at: datetime | None

    def __repr__(self) -> str:
        return f"ReviewWebhookDTO(secret=<redacted>, created_at={self.created_at!r})"


# --- orders ----------------------------------------------------------------------------


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
    # What may keep the order from earning (``rules.order_skip_reason``).
    test: bool = False
    financial_status: str | None = None
    cancelled: bool = False
    # Shopify's ``fulfillment_status`` (lower-case, e.g. "fulfilled", "partial"), for
    # shops that earn on fulfilment.
    fulfillment_status: str | None = None
    # when it was placed (None: now) and the discount codes it used (campaign results)
    placed_at: datetime | None = None
    discount_codes: tuple[str, ...] = ()
    # False for an order of the shop's history imported without points (imports'
    # backfill): recorded like any order (its spend and order count, so a later webhook
    # of it is a replay), never awarded
    award_points: bool = True


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
class BreakdownPart:
    """Points a tier or campaign adds to an earning (see ``pipeline.Part``)."""

    points: int
    kind: str
    origin_type: str
    origin_id: int
    label: str


@dataclass(frozen=True)
class EarningBreakdown:
    """What an earning gives, part by part: the base rule's points, then each part."""

    base_points: int
    parts: tuple[BreakdownPart, ...]
    # the shop's pending period: the points wait this many days after the order
    pending_days: int = 0

    @property
    def total_points(self) -> int:
        return self.base_points + sum(part.points for part in self.parts)
