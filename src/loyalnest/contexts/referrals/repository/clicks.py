"""SQL for referral click counters (``referral_clicks_daily``), as asyncpg prepared
statements on the unit of work's connection: the flush writes a batch per statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection


@dataclass(frozen=True, slots=True)
class DailyClicks:
    merchant_id: int
    advocate_customer_id: int
    day: date
    clicks: int
    unique_visitors: int


# Absolute counts, never increments: the higher of the row and Redis wins, so a
# repeated flush (or one after Redis lost a key) can never count a click twice or
# take one back. Only rows that moved come back (for ReferralProgressChanged).
_UPSERT_DAILY = """
INSERT INTO referral_clicks_daily (merchant_id, advocate_customer_id, day, clicks, unique_visitors)
SELECT $1, t.a, t.d, t.c, t.u
FROM unnest($2::bigint[], $3::date[], $4::int[], $5::int[]) AS t(a, d, c, u)
ON CONFLICT (merchant_id, advocate_customer_id, day) DO UPDATE
SET clicks = GREATEST(referral_clicks_daily.clicks, EXCLUDED.clicks),
    unique_visitors = GREATEST(referral_clicks_daily.unique_visitors, EXCLUDED.unique_visitors)
WHERE EXCLUDED.clicks > referral_clicks_daily.clicks
   OR EXCLUDED.unique_visitors > referral_clicks_daily.unique_visitors
RETURNING advocate_customer_id
"""


async def upsert_daily(session: AsyncSession, merchant_id: int, rows: Sequence[DailyClicks]) -> list[int]:
    """Write the day counts of one shop; the advocates whose row was created or grew."""
    conn = await driver_connection(session)
    result = await conn.fetch(
        _UPSERT_DAILY,
        merchant_id,
        [r.advocate_customer_id for r in rows],
        [r.day for r in rows],
        [r.clicks for r in rows],
        [r.unique_visitors for r in rows],
    )
    return [int(r[0]) for r in result]


async def clicks_in_range(
    session: AsyncSession, merchant_id: int, start: date, end: date
) -> list[tuple[int, int, int]]:
    """``(advocate, clicks, unique visitors)`` per advocate over ``start``..``end``."""
    conn = await driver_connection(session, transactional=False)
    result = await conn.fetch(
        "SELECT advocate_customer_id, sum(clicks)::bigint, sum(unique_visitors)::bigint"
        " FROM referral_clicks_daily WHERE merchant_id = $1 AND day BETWEEN $2 AND $3"
        " GROUP BY advocate_customer_id",
        merchant_id,
        start,
        end,
    )
    return [(int(r[0]), int(r[1]), int(r[2])) for r in result]
