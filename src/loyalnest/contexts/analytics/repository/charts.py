"""SQL of the charts, over the RFM concern's tables (``analytics_customer_rfm``,
``analytics_segment_daily``, ``analytics_segment_history``); read outside any
transaction, every statement scoped by the merchant id."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

_HEATMAP = """
SELECT r, f, count(*)::int, avg(net_spend) FROM analytics_customer_rfm
WHERE merchant_id = $1 AND r IS NOT NULL AND f IS NOT NULL
GROUP BY r, f
"""

# a stable pseudo-random order per shop: the same sample on every request, a different
# one in each shop
_SCATTER = """
SELECT customer_id, last_order_at, net_spend, segment FROM analytics_customer_rfm
WHERE merchant_id = $1
ORDER BY hashtext($1::text || ':' || customer_id::text), customer_id
LIMIT $2
"""

_POPULATION = "SELECT count(*) FROM analytics_customer_rfm WHERE merchant_id = $1"

_SEGMENT_DAILY = """
SELECT day, segment, customers FROM analytics_segment_daily
WHERE merchant_id = $1 AND day BETWEEN $2 AND $3
"""

_TRANSITIONS = """
SELECT from_segment, to_segment, count(*)::int FROM analytics_segment_history
WHERE merchant_id = $1 AND changed_at >= $2 AND changed_at < $3
GROUP BY from_segment, to_segment
"""


async def heatmap_cells(conn: Any, merchant_id: int) -> list[tuple[int, int, int, Any]]:
    return [(int(r[0]), int(r[1]), int(r[2]), r[3]) for r in await conn.fetch(_HEATMAP, merchant_id)]


async def scatter_sample(conn: Any, merchant_id: int, limit: int) -> list[tuple[int, datetime, Any, str]]:
    return [(int(r[0]), r[1], r[2], r[3]) for r in await conn.fetch(_SCATTER, merchant_id, limit)]


async def population(conn: Any, merchant_id: int) -> int:
    return int(await conn.fetchval(_POPULATION, merchant_id) or 0)


async def segment_daily(conn: Any, merchant_id: int, start: date, end: date) -> list[tuple[date, str, int]]:
    return [(r[0], r[1], int(r[2])) for r in await conn.fetch(_SEGMENT_DAILY, merchant_id, start, end)]


async def transitions(
    conn: Any, merchant_id: int, start: datetime, end: datetime
) -> list[tuple[str | None, str, int]]:
    return [(r[0], r[1], int(r[2])) for r in await conn.fetch(_TRANSITIONS, merchant_id, start, end)]
