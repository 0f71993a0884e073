"""SQL of program analytics: the daily rollup tables (written by the periodic pass in its
transaction, read by the dashboard outside any) and the orders the pass counts, read from
the RFM concern's ``analytics_orders`` (every order, guests included). Every function
takes the merchant id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.analytics.rules.program import DayRow, OrderFact
from loyalnest.platform.db import driver_connection


@dataclass(frozen=True, slots=True)
class StateRow:
    live_from: date
    scan_from_id: int
    head_id: int
    last_day: date
    refreshed_at: datetime


_STATE_COLUMNS = "live_from, scan_from_id, head_id, last_day, refreshed_at"


async def lock_state(session: AsyncSession, merchant_id: int) -> StateRow | None:
    """The shop's pass state, locked: two passes of one shop run one after the other."""
    conn = await driver_connection(session)
    row = await conn.fetchrow(
        f"SELECT {_STATE_COLUMNS} FROM analytics_program_state WHERE merchant_id = $1 FOR UPDATE", merchant_id
    )
    return None if row is None else StateRow(*row)


async def lock_shop(session: AsyncSession, merchant_id: int) -> None:
    """A first pass has no state row to lock: a transaction-scoped advisory lock keyed by
    the shop keeps two first passes (a backfill) from running at once."""
    conn = await driver_connection(session)
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('analytics.program'), $1::int)", merchant_id)


async def save_state(session: AsyncSession, merchant_id: int, state: StateRow) -> None:
    conn = await driver_connection(session)
    await conn.execute(
        "INSERT INTO analytics_program_state"
        " (merchant_id, live_from, scan_from_id, head_id, last_day, refreshed_at)"
        " VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (merchant_id) DO UPDATE SET live_from = EXCLUDED.live_from,"
        " scan_from_id = EXCLUDED.scan_from_id, head_id = EXCLUDED.head_id,"
        " last_day = EXCLUDED.last_day, refreshed_at = EXCLUDED.refreshed_at",
        merchant_id,
        state.live_from,
        state.scan_from_id,
        state.head_id,
        state.last_day,
        state.refreshed_at,
    )


async def states(session: AsyncSession, merchant_ids: Sequence[int]) -> dict[int, StateRow]:
    conn = await driver_connection(session, transactional=False)
    rows = await conn.fetch(
        f"SELECT merchant_id, {_STATE_COLUMNS} FROM analytics_program_state"
        " WHERE merchant_id = ANY($1::bigint[])",
        list(merchant_ids),
    )
    return {int(r[0]): StateRow(*r[1:]) for r in rows}


async def running_totals_before(session: AsyncSession, merchant_id: int, day: date) -> tuple[int, int]:
    """(members, outstanding points) at the end of the last day before ``day``."""
    conn = await driver_connection(session)
    row = await conn.fetchrow(
        "SELECT members, outstanding_points FROM analytics_daily_program"
        " WHERE merchant_id = $1 AND day < $2 ORDER BY day DESC LIMIT 1",
        merchant_id,
        day,
    )
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


async def first_ledger_id_since(session: AsyncSession, merchant_id: int, day: date) -> int | None:
    """The lowest ledger id of the rolled-up days from ``day`` on (None: no entry)."""
    conn = await driver_connection(session)
    value = await conn.fetchval(
        "SELECT min(first_ledger_id) FROM analytics_daily_program WHERE merchant_id = $1 AND day >= $2",
        merchant_id,
        day,
    )
    return None if value is None else int(value)


_PROGRAM_COLUMNS = (
    "day, new_members, members, active_members, active_members_30d, net_points, outstanding_points,"
    " first_ledger_id, member_orders, member_repeat_orders, nonmember_orders, nonmember_repeat_orders,"
    " revenue, code_orders, code_revenue"
)


async def program_values_since(session: AsyncSession, merchant_id: int, day: date) -> list[tuple[Any, ...]]:
    conn = await driver_connection(session)
    rows = await conn.fetch(
        f"SELECT {_PROGRAM_COLUMNS} FROM analytics_daily_program"
        " WHERE merchant_id = $1 AND day >= $2 ORDER BY day",
        merchant_id,
        day,
    )
    return [tuple(r) for r in rows]


async def point_values_since(session: AsyncSession, merchant_id: int, day: date) -> list[tuple[Any, ...]]:
    conn = await driver_connection(session)
    rows = await conn.fetch(
        "SELECT day, bucket, points, entries FROM analytics_daily_points"
        " WHERE merchant_id = $1 AND day >= $2 ORDER BY day, bucket",
        merchant_id,
        day,
    )
    return [tuple(r) for r in rows]


async def replace_days(
    session: AsyncSession,
    merchant_id: int,
    first_day: date,
    program_rows: Sequence[DayRow],
    point_rows: Sequence[tuple[date, str, int, int]],
) -> None:
    """Rewrite every rolled-up day from ``first_day`` on (four statements whatever the
    number of days)."""
    conn = await driver_connection(session)
    await conn.execute(
        "DELETE FROM analytics_daily_program WHERE merchant_id = $1 AND day >= $2", merchant_id, first_day
    )
    await conn.execute(
        "DELETE FROM analytics_daily_points WHERE merchant_id = $1 AND day >= $2", merchant_id, first_day
    )
    if program_rows:
        columns = list(zip(*(row.values() for row in program_rows), strict=True))
        await conn.execute(
            f"INSERT INTO analytics_daily_program (merchant_id, {_PROGRAM_COLUMNS})"
            " SELECT $1, * FROM unnest($2::date[], $3::int[], $4::int[], $5::int[], $6::int[], $7::bigint[],"
            " $8::bigint[], $9::bigint[], $10::int[], $11::int[], $12::int[], $13::int[], $14::numeric[],"
            " $15::int[], $16::numeric[])",
            merchant_id,
            *[list(column) for column in columns],
        )
    if point_rows:
        day_col, bucket_col, points_col, entries_col = (list(c) for c in zip(*point_rows, strict=True))
        await conn.execute(
            "INSERT INTO analytics_daily_points (merchant_id, day, bucket, points, entries)"
            " SELECT $1, * FROM unnest($2::date[], $3::text[], $4::bigint[], $5::int[])",
            merchant_id,
            day_col,
            bucket_col,
            points_col,
            entries_col,
        )


_ORDERS = """
SELECT o.shopify_order_id, o.customer_id, (o.placed_at AT TIME ZONE $2)::date,
       o.amount - o.refunded,
       o.customer_id IS NOT NULL AND EXISTS (
           SELECT 1 FROM analytics_orders p
           WHERE p.merchant_id = o.merchant_id AND p.customer_id = o.customer_id
             AND NOT p.cancelled AND p.placed_at IS NOT NULL
             AND (p.placed_at, p.shopify_order_id) < (o.placed_at, o.shopify_order_id)
       )
FROM analytics_orders o
WHERE o.merchant_id = $1 AND NOT o.cancelled AND o.placed_at IS NOT NULL
  AND ($3::timestamptz IS NULL OR o.placed_at >= $3)
"""


async def orders_since(
    session: AsyncSession, merchant_id: int, *, timezone: str, since: datetime | None
) -> list[OrderFact]:
    """The shop's orders placed from ``since`` on (None: all), not cancelled, each with
    its shop-local day and whether it was its customer's second or later order."""
    conn = await driver_connection(session, transactional=False)
    rows = await conn.fetch(_ORDERS, merchant_id, timezone, since)
    return [
        OrderFact(int(r[0]), None if r[1] is None else int(r[1]), r[2], Decimal(r[3]), bool(r[4]))
        for r in rows
    ]


# --- dashboard reads (outside any transaction) ---------------------------------------------
#
# Each returns one array per figure, one element per day of the range (a dense series
# built by PostgreSQL): a year is then a handful of arrays decoded in C, not thousands of
# rows built in Python.

_FIGURES = tuple(_PROGRAM_COLUMNS.replace(" ", "").split(",")[1:])  # every column but the day
_AGGREGATES = ", ".join(f"array_agg(r.{c} ORDER BY days.day)" for c in _FIGURES)

_PROGRAM_SERIES = f"""
WITH days AS (SELECT d::date AS day FROM generate_series($2::date, $3::date, interval '1 day') d),
rows AS (
    SELECT * FROM analytics_daily_program WHERE merchant_id = $1 AND day BETWEEN $2 AND $3
)
SELECT {_AGGREGATES}
FROM days LEFT JOIN rows r ON r.day = days.day
"""

_BEFORE = """
SELECT members, outstanding_points FROM analytics_daily_program
WHERE merchant_id = $1 AND day < $2 ORDER BY day DESC LIMIT 1
"""

# per bucket: the points and the day offsets (from the range's start) of its rows
_POINT_SERIES = """
SELECT bucket, array_agg(points ORDER BY day), array_agg(day - $2::date ORDER BY day)
FROM analytics_daily_points WHERE merchant_id = $1 AND day BETWEEN $2 AND $3
GROUP BY bucket
"""


async def program_series(conn: Any, merchant_id: int, start: date, end: date) -> dict[str, list[Any]]:
    """{column: one value per day of ``start``..``end`` (None for a day without a row)}."""
    row = await conn.fetchrow(_PROGRAM_SERIES, merchant_id, start, end)
    return {name: list(values) for name, values in zip(_FIGURES, row, strict=True)}


async def running_totals_before_range(conn: Any, merchant_id: int, start: date) -> tuple[int, int] | None:
    """(members, outstanding points) at the end of the last day before ``start``."""
    row = await conn.fetchrow(_BEFORE, merchant_id, start)
    return None if row is None else (int(row[0]), int(row[1]))


async def point_series(conn: Any, merchant_id: int, start: date, end: date) -> dict[str, list[int]]:
    """{bucket: points per day of ``start``..``end``} of the buckets that moved in it."""
    length = (end - start).days + 1
    series = {}
    for bucket, points, offsets in await conn.fetch(_POINT_SERIES, merchant_id, start, end):
        daily = [0] * length
        for offset, value in zip(offsets, points, strict=True):
            daily[offset] = int(value)
        series[bucket] = daily
    return series
