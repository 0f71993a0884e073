"""Pure points arithmetic: no I/O, exhaustively testable."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

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


def excluded_amounts(
    lines: Sequence[tuple[int | None, Decimal, Decimal]], excluded_product_ids: Collection[int]
) -> tuple[Decimal, Decimal]:
    """The amount and tax of the lines, ``(product id, amount after discounts, tax)``,
    whose product earns nothing. Negative line amounts count as zero."""
    amount = tax = ZERO
    if not excluded_product_ids:
        return amount, tax
    for product_id, line_amount, line_tax in lines:
        if product_id is not None and product_id in excluded_product_ids:
            amount += max(line_amount, ZERO)
            tax += max(line_tax, ZERO)
    return amount, tax


def line_amount(price: Decimal, quantity: int, discount: Decimal) -> Decimal:
    """What an order line costs after its discounts (never below zero)."""
    return max(price * quantity - discount, ZERO)


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


# --- lots: FIFO spending, expiry, returns ------------------------------------------------
#
# Every positive posting of a spendable kind creates one lot; every negative posting
# takes from open lots, oldest first. The functions below are the arithmetic of it, on
# plain values, so it can be checked exhaustively without a database.

# Kinds whose positive postings create a lot (points that can be spent later).
LOT_KINDS = frozenset({"earn", "adjust", "import", "referral", "campaign", "tier_bonus", "redeem_return"})
# Kinds whose negative postings take from lots.
DEBIT_KINDS = frozenset({"redeem", "adjust", "reversal", "expire"})

NEVER = "never"
DAYS_AFTER_EARN = "days_after_earn"
DAYS_AFTER_ACTIVITY = "days_after_activity"
END_OF_MONTH = "end_of_month"
END_OF_YEAR = "end_of_year"
EXPIRY_POLICIES = (NEVER, DAYS_AFTER_EARN, DAYS_AFTER_ACTIVITY, END_OF_MONTH, END_OF_YEAR)
DAY_POLICIES = frozenset({DAYS_AFTER_EARN, DAYS_AFTER_ACTIVITY})


def is_activity(kind: str, delta: int) -> bool:
    """Whether a posting is the customer's own activity for ``days_after_activity``:
    an earning (what lifetime counts) or a spend. Reversals, expiries and returned
    redemptions happen to the customer; they keep nothing alive."""
    return (delta > 0 and kind in EARNING_KINDS) or (delta < 0 and kind == "redeem")


@dataclass(frozen=True, slots=True)
class LotExpiry:
    """When a new lot expires. ``activity_days`` is set for a lot that expires that many
    days after the customer's latest activity: its ``expires_at`` moves with it."""

    expires_at: datetime | None
    activity_days: int | None = None


def period_end(moment: datetime, timezone: str, unit: str) -> datetime:
    """The first instant after the month (``unit="month"``) or year holding ``moment``
    in the shop's timezone, in UTC: a lot expiring "at the end of the month" is gone
    from then on."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    if unit == "month":
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    elif unit == "year":
        year, month = local.year + 1, 1
    else:
        raise ValueError(f"unknown period {unit!r}")
    return datetime(year, month, 1, tzinfo=zone).astimezone(UTC)


def lot_expiry(
    policy: str,
    days: int | None,
    *,
    earned_at: datetime,
    last_activity_at: datetime | None,
    timezone: str,
) -> LotExpiry:
    """The expiry of a lot created at ``earned_at`` under the shop's current rule."""
    if policy == NEVER:
        return LotExpiry(None)
    if policy in DAY_POLICIES:
        if days is None or days <= 0:
            raise ValueError(f"{policy} needs a positive number of days")
        if policy == DAYS_AFTER_EARN:
            return LotExpiry(earned_at + timedelta(days=days))
        return LotExpiry((last_activity_at or earned_at) + timedelta(days=days), activity_days=days)
    if policy == END_OF_MONTH:
        return LotExpiry(period_end(earned_at, timezone, "month"))
    if policy == END_OF_YEAR:
        return LotExpiry(period_end(earned_at, timezone, "year"))
    raise ValueError(f"unknown expiry policy {policy!r}")


@dataclass(frozen=True, slots=True)
class Lot:
    """An open lot as the arithmetic sees it; ``id`` order is earning order."""

    id: int
    remaining: int
    expires_at: datetime | None = None
    activity_days: int | None = None


def is_due(lot: Lot, now: datetime) -> bool:
    return lot.remaining > 0 and lot.expires_at is not None and lot.expires_at <= now


def take_from_lots(lots: Sequence[Lot], amount: int, *, first: Sequence[int] = ()) -> list[tuple[int, int]]:
    """What a debit of ``amount`` takes from which lot: ``(lot id, points)`` in the order
    taken. The lots named in ``first`` go first (a reversal takes its own order's
    points), then the rest oldest first (FIFO by earning order).

    The open lots always hold the whole balance, and a debit never exceeds the balance,
    so lots that cannot cover ``amount`` mean the books are broken: ``ValueError``.
    """
    if amount < 0:
        raise ValueError("a debit takes a non-negative amount")
    by_id = {lot.id: lot for lot in lots}
    order = [lot_id for lot_id in dict.fromkeys(first) if lot_id in by_id]
    preferred = set(order)
    order += sorted(lot.id for lot in lots if lot.id not in preferred)
    taken: list[tuple[int, int]] = []
    left = amount
    for lot_id in order:
        if left == 0:
            break
        part = min(by_id[lot_id].remaining, left)
        if part > 0:
            taken.append((lot_id, part))
            left -= part
    if left:
        raise ValueError(f"open lots hold {amount - left} points; {amount} needed")
    return taken


def give_back(
    consumed: Sequence[tuple[int, int]], already_returned: int, amount: int
) -> list[tuple[int, int]]:
    """Which lots a returned redemption refills: ``consumed`` is what the redemption took,
    ``(lot id, points)`` in the order taken; ``already_returned`` points of it came back
    before. The newest lots taken are refilled first (they have the most life left), a
    later partial return continuing where the earlier one stopped. Points beyond what
    the redemption took are not placed (the caller gives them a lot of their own)."""
    skip = max(already_returned, 0)
    left = max(amount, 0)
    plan: list[tuple[int, int]] = []
    for lot_id, points in reversed(consumed):
        if left == 0:
            break
        if skip >= points:
            skip -= points
            continue
        available = points - skip
        skip = 0
        part = min(available, left)
        plan.append((lot_id, part))
        left -= part
    return plan


def moved_expiry(lot: Lot, activity_at: datetime) -> datetime | None:
    """A lot's expiry after the customer's activity at ``activity_at``: a lot that
    follows activity moves to ``activity_at`` + its days, unless its time had already
    come (activity after a lot expired does not bring it back)."""
    if lot.activity_days is None or lot.expires_at is None or lot.expires_at <= activity_at:
        return lot.expires_at
    return activity_at + timedelta(days=lot.activity_days)


def local_date(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()
