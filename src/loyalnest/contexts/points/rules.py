"""Pure ledger arithmetic (lifetime totals, lots, expiry): no I/O, exhaustively testable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from loyalnest.platform.errors import DomainError, ValidationFailed

# Kinds whose positive deltas count as earned for lifetime totals (tiers build on it).
EARNING_KINDS = frozenset({"earn", "adjust", "import", "referral", "campaign", "tier_bonus"})


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
# Ten years of expiry: beyond that a setting is a typo.
MAX_EXPIRY_DAYS = 3650


def validate_expiry(policy: str | None, days: int | None) -> None:
    """A change of the expiry policy, each value on its own (``None``: unchanged)."""
    if policy is not None and policy not in EXPIRY_POLICIES:
        raise ValidationFailed(
            f"expiry policy must be one of {', '.join(EXPIRY_POLICIES)}", field="expiryPolicy"
        )
    if days is not None and not 0 < days <= MAX_EXPIRY_DAYS:
        raise ValidationFailed(f"expiry days must be between 1 and {MAX_EXPIRY_DAYS}", field="expiryDays")


def expiry_after(
    policy: str | None, days: int | None, *, before_policy: str, before_days: int | None
) -> tuple[str, int | None]:
    """The expiry policy and days a change leaves (``None``: keep): the days belong to
    the two day-based policies, which cannot be without them."""
    policy = policy if policy is not None else before_policy
    if policy in DAY_POLICIES:
        days = days if days is not None else before_days
        if days is None:
            raise ValidationFailed(f"expiry days are required for {policy}", field="expiryDays")
        return policy, days
    if days is not None:
        raise ValidationFailed(
            f"expiry days apply to days_after_earn and days_after_activity, not {policy}", field="expiryDays"
        )
    return policy, None


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


def reversal_lapsed(owed: int, remaining: int, expired: int, already_lapsed: int) -> int:
    """Of ``owed`` points a reversal takes back from an earning whose lot still holds
    ``remaining`` and lost ``expired`` to expiry (``already_lapsed`` of which earlier
    reversals accounted for): those gone to expiry. They are not taken a second time
    from the customer's other points, only recorded in the shortfall."""
    return max(min(owed - min(owed, remaining), expired - already_lapsed), 0)


# --- what callers send ---------------------------------------------------------------

MAX_ADJUSTMENT = 10_000_000
MAX_REASON_LENGTH = 500
# A client's idempotency key (staff mutations namespace it by user before it is stored).
MAX_IDEMPOTENCY_KEY_LENGTH = 200


def validate_client_key(key: str) -> None:
    """An idempotency key a client sent: 1 to 200 characters, no NUL (PostgreSQL text
    cannot hold it: refused here rather than failing in the database). Transports call it
    on the key as the client sent it, before they namespace it by staff user."""
    if not 0 < len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
        raise DomainError(
            f"idempotencyKey must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters", field="idempotencyKey"
        )
    if "\x00" in key:
        raise DomainError("idempotencyKey must not contain NUL characters", field="idempotencyKey")


def validate_adjustment(delta: int, reason: str) -> str:
    """A staff adjustment's delta and reason; returns the reason stripped."""
    if "\x00" in reason:  # PostgreSQL text cannot hold NUL: refused, not a database error
        raise ValidationFailed("reason must not contain NUL characters", field="reason")
    reason = reason.strip()
    if delta == 0:
        raise ValidationFailed("delta must not be zero", field="delta")
    if abs(delta) > MAX_ADJUSTMENT:
        raise ValidationFailed(f"delta must be within ±{MAX_ADJUSTMENT}", field="delta")
    if not reason:
        raise ValidationFailed("a reason is required", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(f"reason is limited to {MAX_REASON_LENGTH} characters", field="reason")
    return reason
