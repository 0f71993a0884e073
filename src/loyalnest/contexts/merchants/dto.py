"""Frozen DTOs the merchants context hands out (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loyalnest.platform.money import Rounding


@dataclass(frozen=True)
class MerchantDTO:
    id: int
    shop_domain: str
    name: str
    currency: str
    iana_timezone: str
    plan: str
    installed_at: datetime
    active: bool


@dataclass(frozen=True)
class ProgramSettingsDTO:
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
    # never, days_after_earn, days_after_activity, end_of_month, end_of_year
    expiry_policy: str
    # The N of the two day-based policies (None for the others).
    expiry_days: int | None
    # Days an order's points wait as pending before they can be spent (0: at once).
    pending_days: int


@dataclass(frozen=True)
class ProgramSettingsUpdate:
    """Fields left ``None`` keep their current value. ``min_order_amount`` 0 removes the
    minimum; ``excluded_product_ids`` and ``excluded_product_tags`` replace their
    lists (empty: none excluded)."""

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
