"""SQL of the staff referral analytics: aggregates over one shop's referrals in a time
window (``referrals.*_at`` columns), read outside any transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection

# statuses of a referral whose friend placed a qualifying order that still stands
CONVERTED = ("pending", "completed", "rewarded")


@dataclass(frozen=True, slots=True)
class AdvocateConversions:
    advocate_customer_id: int
    conversions: int
    # order subtotals less refunds, shop currency
    revenue: Decimal
    # of those, orders that used the friend's discount (link discount or friend code)
    discounted: int
    discounted_revenue: Decimal


@dataclass(frozen=True, slots=True)
class ProgramCostTerms:
    friend_kind: str
    friend_value: Decimal | None
    advocate_kind: str
    advocate_reward_id: int | None


async def count_claims(session: AsyncSession, merchant_id: int, start: datetime, end: datetime) -> int:
    """Friends who claimed in ``[start, end)``."""
    conn = await driver_connection(session, transactional=False)
    value = await conn.fetchval(
        "SELECT count(*) FROM referrals WHERE merchant_id = $1 AND claimed_at >= $2 AND claimed_at < $3",
        merchant_id,
        start,
        end,
    )
    return int(value or 0)


async def conversions_by_advocate(
    session: AsyncSession, merchant_id: int, start: datetime, end: datetime
) -> list[AdvocateConversions]:
    """Per advocate, the referred orders placed in ``[start, end)`` that still count."""
    conn = await driver_connection(session, transactional=False)
    rows = await conn.fetch(
        "SELECT advocate_customer_id, count(*),"
        " coalesce(sum(coalesce(order_subtotal, 0) - order_refunded), 0),"
        " count(*) FILTER (WHERE source IN ('link_discount', 'friend_code')),"
        " coalesce(sum(coalesce(order_subtotal, 0) - order_refunded)"
        "   FILTER (WHERE source IN ('link_discount', 'friend_code')), 0)"
        " FROM referrals"
        " WHERE merchant_id = $1 AND ordered_at >= $2 AND ordered_at < $3 AND status = ANY($4::text[])"
        " GROUP BY advocate_customer_id",
        merchant_id,
        start,
        end,
        list(CONVERTED),
    )
    return [AdvocateConversions(int(r[0]), int(r[1]), Decimal(r[2]), int(r[3]), Decimal(r[4])) for r in rows]


async def rewarded_in(
    session: AsyncSession, merchant_id: int, start: datetime, end: datetime
) -> tuple[int, int]:
    """``(points posted, rewards granted without points)`` to advocates rewarded in
    ``[start, end)``."""
    conn = await driver_connection(session, transactional=False)
    row = await conn.fetchrow(
        "SELECT coalesce(sum(reward_points), 0), count(*) FILTER (WHERE reward_points IS NULL)"
        " FROM referrals WHERE merchant_id = $1 AND status = 'rewarded'"
        " AND rewarded_at >= $2 AND rewarded_at < $3",
        merchant_id,
        start,
        end,
    )
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


async def program_cost_terms(session: AsyncSession, merchant_id: int) -> ProgramCostTerms | None:
    conn = await driver_connection(session, transactional=False)
    row = await conn.fetchrow(
        "SELECT friend_kind, friend_value, advocate_kind, advocate_reward_id"
        " FROM referral_programs WHERE merchant_id = $1",
        merchant_id,
    )
    if row is None:
        return None
    return ProgramCostTerms(
        str(row[0]), None if row[1] is None else Decimal(row[1]), str(row[2]), row[3] and int(row[3])
    )
