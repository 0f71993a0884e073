"""Aggregates of one shop's ledger by shop-local day, for analytics' daily rollups.

Every read is bounded below by an entry id (the ledger's primary key is
``(merchant_id, id)``), so a caller that keeps a watermark scans only the recent part
of the ledger; the day filter then drops the few older rows the range starts with.
Read outside any transaction: each statement has its own snapshot."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.points.dto import LedgerDayBucket, LedgerDayStats
from loyalnest.contexts.points.rules import EARNING_KINDS
from loyalnest.platform.db import driver_connection

# an entry is the customer's own activity: an earning or a spend (``rules.is_activity``)
_ACTIVITY = "((delta > 0 AND kind = ANY($4::text[])) OR (delta < 0 AND kind = 'redeem'))"
_EARNING = sorted(EARNING_KINDS)

_BUCKETS = """
SELECT (created_at AT TIME ZONE $2)::date AS day, kind, source, delta > 0 AS positive,
       sum(delta)::bigint, count(*)::int
FROM points_ledger
WHERE merchant_id = $1 AND id >= $3 AND ($4::date IS NULL OR (created_at AT TIME ZONE $2)::date >= $4)
GROUP BY 1, 2, 3, 4
"""

_KEPT = """
WITH kept AS MATERIALIZED (
    SELECT id, customer_id, delta, kind, (created_at AT TIME ZONE $2)::date AS day
    FROM points_ledger
    WHERE merchant_id = $1 AND id >= $3
      AND ($5::date IS NULL OR (created_at AT TIME ZONE $2)::date >= $5)
),
per_day AS (
    SELECT day, min(id) AS first_id, sum(delta)::bigint AS net,
           count(DISTINCT customer_id) FILTER (WHERE {activity})::int AS active
    FROM kept GROUP BY day
),
"""
# customers whose first entry ever is in the range, by the day of it: from the start of
# the ledger that is each customer's earliest row in it; otherwise one index probe per
# customer of the range finds their earliest row anywhere
_FIRSTS_FROM_START = """
firsts AS (
    SELECT day, count(*)::int AS n FROM (
        SELECT DISTINCT ON (customer_id) customer_id, day FROM kept ORDER BY customer_id, id
    ) f GROUP BY day
)
"""
_FIRSTS_PROBED = """
firsts AS (
    SELECT first.day, count(*)::int AS n FROM (SELECT DISTINCT customer_id FROM kept) c
    CROSS JOIN LATERAL (
        SELECT (l.created_at AT TIME ZONE $2)::date AS day FROM points_ledger l
        WHERE l.merchant_id = $1 AND l.customer_id = c.customer_id
        ORDER BY l.id LIMIT 1
    ) first
    WHERE $5::date IS NULL OR first.day >= $5
    GROUP BY first.day
)
"""
_DAYS_SELECT = """
SELECT p.day, p.first_id, p.net, p.active, coalesce(f.n, 0)
FROM per_day p LEFT JOIN firsts f ON f.day = p.day
"""
_DAYS_FROM_START = _KEPT.format(activity=_ACTIVITY) + _FIRSTS_FROM_START + _DAYS_SELECT
_DAYS_PROBED = _KEPT.format(activity=_ACTIVITY) + _FIRSTS_PROBED + _DAYS_SELECT

_MAX_ID = "SELECT max(id) FROM points_ledger WHERE merchant_id = $1"

_ACTIVE_WINDOW = f"""
WITH acts AS (
    SELECT DISTINCT customer_id, (created_at AT TIME ZONE $2)::date AS day
    FROM points_ledger
    WHERE merchant_id = $1 AND id >= $3 AND {_ACTIVITY}
      AND (created_at AT TIME ZONE $2)::date BETWEEN $5::date - ($7::int - 1) AND $6::date
),
spans AS (
    SELECT day, lag(day) OVER (PARTITION BY customer_id ORDER BY day) AS prev FROM acts
),
-- each activity keeps its customer active through day + window - 1; the part of that
-- span the previous activity did not already cover starts at greatest(day, prev + window)
moves AS (
    SELECT greatest(day, coalesce(prev + $7::int, day)) AS at, 1 AS change FROM spans
    UNION ALL
    SELECT day + $7::int, -1 FROM spans
),
daily AS (SELECT at, sum(change) AS change FROM moves GROUP BY at),
running AS (
    SELECT d::date AS day,
           sum(coalesce(daily.change, 0)) OVER (ORDER BY d) AS active
    FROM generate_series($5::date - ($7::int - 1), $6::date, interval '1 day') d
    LEFT JOIN daily ON daily.at = d::date
)
SELECT day, active::int FROM running WHERE day >= $5
"""

_HEADS = """
WITH RECURSIVE shops AS (
    SELECT min(merchant_id) AS id FROM points_ledger
    UNION ALL
    SELECT (SELECT min(merchant_id) FROM points_ledger WHERE merchant_id > shops.id)
    FROM shops WHERE shops.id IS NOT NULL
)
SELECT id, (SELECT max(l.id) FROM points_ledger l WHERE l.merchant_id = shops.id)
FROM shops WHERE id IS NOT NULL
"""

_MEMBERS = """
SELECT customer_id FROM points_accounts WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[])
"""


async def day_buckets(
    session: AsyncSession, merchant_id: int, *, timezone: str, from_id: int, first_day: date | None
) -> list[LedgerDayBucket]:
    conn = await driver_connection(session, transactional=False)
    rows = await conn.fetch(_BUCKETS, merchant_id, timezone, from_id, first_day)
    return [LedgerDayBucket(r[0], r[1], r[2], bool(r[3]), int(r[4]), int(r[5])) for r in rows]


async def head_id(session: AsyncSession, merchant_id: int) -> int | None:
    """The shop's highest ledger id (one probe of the primary key's end)."""
    conn = await driver_connection(session, transactional=False)
    value = await conn.fetchval(_MAX_ID, merchant_id)
    return None if value is None else int(value)


async def day_stats(
    session: AsyncSession, merchant_id: int, *, timezone: str, from_id: int, first_day: date | None
) -> list[LedgerDayStats]:
    conn = await driver_connection(session, transactional=False)
    sql = _DAYS_FROM_START if from_id <= 1 and first_day is None else _DAYS_PROBED
    rows: list[Any] = await conn.fetch(sql, merchant_id, timezone, from_id, _EARNING, first_day)
    return [LedgerDayStats(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows]


async def active_by_day(
    session: AsyncSession,
    merchant_id: int,
    *,
    timezone: str,
    from_id: int,
    first_day: date,
    last_day: date,
    window_days: int,
) -> dict[date, int]:
    conn = await driver_connection(session, transactional=False)
    rows = await conn.fetch(
        _ACTIVE_WINDOW, merchant_id, timezone, from_id, _EARNING, first_day, last_day, window_days
    )
    return {r[0]: int(r[1]) for r in rows}


async def ledger_heads(session: AsyncSession) -> dict[int, int]:
    """{merchant id: highest ledger id} of every shop with a ledger: one index probe per
    shop (a skip scan over the primary key), not a scan of the ledger."""
    conn = await driver_connection(session, transactional=False)
    return {int(r[0]): int(r[1]) for r in await conn.fetch(_HEADS)}


async def customers_with_accounts(
    session: AsyncSession, merchant_id: int, customer_ids: list[int]
) -> set[int]:
    conn = await driver_connection(session, transactional=False)
    return {int(r[0]) for r in await conn.fetch(_MEMBERS, merchant_id, customer_ids)}
