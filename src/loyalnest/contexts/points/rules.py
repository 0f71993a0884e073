"""Pure points arithmetic: no I/O, exhaustively testable."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from loyalnest.platform.money import ZERO, Rounding, round_points

# Kinds whose positive deltas count as earned for lifetime totals (tiers build on it).
EARNING_KINDS = frozenset({"earn", "adjust", "import", "referral", "campaign", "tier_bonus"})


def eligible_amount(
    *,
    subtotal: Decimal,
    shipping: Decimal,
    tax: Decimal,
    taxes_included: bool,
    earn_on_shipping: bool,
    earn_on_tax: bool,
) -> Decimal:
    """The part of an order that earns points, in shop currency.

    Shopify's subtotal is after discounts and before shipping; it contains the taxes when
    the shop's prices include tax, so tax is removed or added to match the merchant's
    ``earn_on_tax`` choice either way. Never negative.
    """
    amount = subtotal
    if taxes_included and not earn_on_tax:
        amount -= tax
    elif not taxes_included and earn_on_tax:
        amount += tax
    if earn_on_shipping:
        amount += shipping
    return max(amount, ZERO)


def points_for_amount(amount: Decimal, points_per_unit: Decimal, rounding: Rounding) -> int:
    if amount <= 0 or points_per_unit <= 0:
        return 0
    return round_points(amount * points_per_unit, rounding)


def reversal_target(points_earned: int, eligible: Decimal, refunded: Decimal) -> int:
    """How many of an order's earned points a cumulative refund of ``refunded`` takes back.

    Proportional and computed on the running total, so a series of partial refunds that
    adds up to the whole order takes back exactly everything (no rounding crumbs left).
    """
    if points_earned <= 0 or refunded <= 0:
        return 0
    if eligible <= 0 or refunded >= eligible:
        return points_earned
    share = (Decimal(points_earned) * refunded / eligible).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return min(points_earned, int(share))


def lifetime_change(kind: str, delta: int, requested: int) -> int:
    """Lifetime earned moves up with earnings and down when an earning is reversed."""
    if delta > 0 and kind in EARNING_KINDS:
        return delta
    if kind == "reversal":
        return -requested
    return 0
