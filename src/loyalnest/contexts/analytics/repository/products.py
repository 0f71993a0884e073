"""SQL of product-level RFM: the set-based refresh of a shop's product stats from the
order lines (the line arrays of ``analytics_orders``), the customers'
segments (``analytics_customer_rfm``) and recent moves (``analytics_segment_history``),
and the index reads the staff queries make."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.analytics.dto.products import ProductRfmDTO, ProductSegmentCountDTO
from loyalnest.platform.db import driver_connection

# productRfm sort -> its materialised rank column (constants: never input in SQL text)
RANK_COLUMNS = {
    "revenue": "revenue_rank",
    "orders": "orders_rank",
    "recency": "recency_rank",
    "repeat_rate": "repeat_rank",
    "slipping": "slipping_rank",
}

# the advisory lock class of a shop's refresh (the shop id is the other half of the key)
_REFRESH_LOCK = 72_101

_COLUMNS = (
    "product_id, last_sold_at, orders, units, revenue, buyers, repeat_buyers, repeat_rate,"
    " slipping_buyers, refreshed_at"
)

# One pass per shop: per (product, order) first (the lines of one product in one order
# add up; the order counts once), straight from the orders' line arrays, which carry
# the buyer and the date beside them; then per (product, buyer) (guests grouped under a
# NULL buyer: their orders count, they are no buyer), then the product totals with every
# rank, and the buyers per segment beside them. All hash aggregates, no DISTINCT sort.
# Cancelled orders do not count, nor an order known only from its refund or
# cancellation (no placed_at yet); revenue is net of refunds.
_REFRESH = """
WITH per_order AS (
    SELECT l.product_id, o.shopify_order_id, o.customer_id, o.placed_at,
           sum(l.quantity)::int AS units, sum(l.revenue - l.refunded) AS revenue
    FROM analytics_orders AS o
    CROSS JOIN LATERAL unnest(o.line_products, o.line_quantities, o.line_revenues, o.line_refunds)
        AS l(product_id, quantity, revenue, refunded)
    WHERE o.merchant_id = $1 AND NOT o.cancelled AND o.placed_at IS NOT NULL AND l.product_id IS NOT NULL
    GROUP BY l.product_id, o.shopify_order_id, o.customer_id, o.placed_at
),
per_buyer AS MATERIALIZED (
    SELECT p.product_id, p.customer_id,
           count(*)::int AS orders,
           sum(p.units)::int AS units,
           sum(p.revenue) AS revenue,
           max(p.placed_at) AS last_at
    FROM per_order AS p
    GROUP BY p.product_id, p.customer_id
),
slipping AS (
    SELECT DISTINCT customer_id FROM analytics_segment_history
    WHERE merchant_id = $1 AND changed_at >= $2 AND to_segment = ANY($3::text[])
      AND (from_segment IS NULL OR from_segment <> ALL($3::text[]))
),
products AS (
    SELECT b.product_id,
           max(b.last_at) AS last_sold_at,
           sum(b.orders)::int AS orders,
           sum(b.units)::int AS units,
           sum(b.revenue) AS revenue,
           count(b.customer_id)::int AS buyers,
           (count(*) FILTER (WHERE b.customer_id IS NOT NULL AND b.orders >= 2))::int AS repeat_buyers,
           count(s.customer_id)::int AS slipping_buyers
    FROM per_buyer AS b LEFT JOIN slipping AS s ON s.customer_id = b.customer_id
    GROUP BY b.product_id
),
rated AS (
    SELECT *, CASE WHEN buyers > 0 THEN round(repeat_buyers::numeric / buyers, 4) ELSE 0 END AS repeat_rate
    FROM products
),
segment_rows AS (
    INSERT INTO analytics_product_segment_stats (merchant_id, product_id, segment, buyers, revenue)
    SELECT $1, b.product_id, coalesce(r.segment, 'other'), count(*), sum(b.revenue)
    FROM per_buyer AS b
    LEFT JOIN analytics_customer_rfm AS r ON r.merchant_id = $1 AND r.customer_id = b.customer_id
    WHERE b.customer_id IS NOT NULL
    GROUP BY b.product_id, coalesce(r.segment, 'other')
    RETURNING 1
)
INSERT INTO analytics_product_stats (
    merchant_id, product_id, last_sold_at, orders, units, revenue, buyers, repeat_buyers, repeat_rate,
    slipping_buyers, revenue_rank, orders_rank, recency_rank, repeat_rank, slipping_rank, refreshed_at
)
SELECT $1, product_id, last_sold_at, orders, units, revenue, buyers, repeat_buyers, repeat_rate,
       slipping_buyers,
       row_number() OVER (ORDER BY revenue DESC, product_id),
       row_number() OVER (ORDER BY orders DESC, product_id),
       row_number() OVER (ORDER BY last_sold_at DESC, product_id),
       row_number() OVER (ORDER BY repeat_rate DESC, buyers DESC, product_id),
       row_number() OVER (ORDER BY slipping_buyers DESC, buyers DESC, product_id),
       $4
FROM rated
"""


async def refresh_product_stats(
    session: AsyncSession,
    merchant_id: int,
    *,
    slipping_since: datetime,
    slipping_segments: Sequence[str],
    now: datetime,
) -> int:
    """Rebuild the shop's product stats in the session's transaction (readers see the
    previous ones until it commits), one refresh of a shop at a time; the number of
    products written."""
    conn = await driver_connection(session)
    # two refreshes of one shop at once (the daily one and one after a recompute) would
    # each delete what the other has not committed yet and collide on insert: one waits
    await conn.execute("SELECT pg_advisory_xact_lock($1, ($2 % 2147483647)::int)", _REFRESH_LOCK, merchant_id)
    # the pass hashes every (product, order) and (product, buyer) of the shop: with the
    # default 4 MB it spills to disk (measured: 26 s against 14 s with more, 1M lines)
    await conn.execute("SET LOCAL work_mem = '256MB'")
    await conn.execute("DELETE FROM analytics_product_segment_stats WHERE merchant_id = $1", merchant_id)
    await conn.execute("DELETE FROM analytics_product_stats WHERE merchant_id = $1", merchant_id)
    status = await conn.execute(_REFRESH, merchant_id, slipping_since, list(slipping_segments), now)
    return int(status.rsplit(" ", 1)[-1])


async def shops_with_orders(session: AsyncSession) -> list[int]:
    """Every shop with an order on record: a skip scan over the orders' primary key
    (one index probe per shop, however many orders each has). The one cross-shop read
    here, for the daily fan-out."""
    conn = await driver_connection(session, transactional=False)
    rows = await conn.fetch(
        "WITH RECURSIVE shops(id) AS ("
        " (SELECT merchant_id FROM analytics_orders ORDER BY merchant_id LIMIT 1)"
        " UNION ALL"
        " SELECT (SELECT o.merchant_id FROM analytics_orders AS o WHERE o.merchant_id > shops.id"
        "         ORDER BY o.merchant_id LIMIT 1) FROM shops WHERE shops.id IS NOT NULL)"
        " SELECT id FROM shops WHERE id IS NOT NULL"
    )
    return [int(r[0]) for r in rows]


def _dto(row: Any, rank: int) -> ProductRfmDTO:
    return ProductRfmDTO(
        product_id=int(row["product_id"]),
        last_sold_at=row["last_sold_at"],
        orders=int(row["orders"]),
        units=int(row["units"]),
        revenue=Decimal(row["revenue"]),
        buyers=int(row["buyers"]),
        repeat_buyers=int(row["repeat_buyers"]),
        repeat_rate=Decimal(row["repeat_rate"]),
        slipping_buyers=int(row["slipping_buyers"]),
        refreshed_at=row["refreshed_at"],
        rank=rank,
    )


async def product_page(
    session: AsyncSession, merchant_id: int, *, sort: str, after_rank: int | None, limit: int
) -> list[ProductRfmDTO]:
    """``limit`` products after ``after_rank`` in ``sort`` order (one index range).
    ``sort="slipping"`` lists only products with slipping buyers."""
    rank = RANK_COLUMNS[sort]
    only = " AND slipping_buyers > 0" if sort == "slipping" else ""
    conn = await driver_connection(session, transactional=False)
    rows = await conn.fetch(
        f"SELECT {_COLUMNS}, {rank} AS rank FROM analytics_product_stats"
        f" WHERE merchant_id = $1 AND {rank} > $2{only} ORDER BY {rank} LIMIT $3",
        merchant_id,
        after_rank or 0,
        limit,
    )
    return [_dto(r, int(r["rank"])) for r in rows]


async def count_products(session: AsyncSession, merchant_id: int) -> int:
    conn = await driver_connection(session, transactional=False)
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM analytics_product_stats WHERE merchant_id = $1", merchant_id
        )
    )


async def top_of_segment(
    session: AsyncSession, merchant_id: int, segment: str, limit: int
) -> list[tuple[ProductRfmDTO, int, Decimal]]:
    """The products most of ``segment``'s buyers bought: (product, their buyers, their
    revenue), most buyers first (then revenue); one backward index range."""
    conn = await driver_connection(session, transactional=False)
    rows = await conn.fetch(
        "SELECT s.buyers AS segment_buyers, s.revenue AS segment_revenue,"
        " p.product_id, p.last_sold_at, p.orders, p.units, p.revenue, p.buyers, p.repeat_buyers,"
        " p.repeat_rate, p.slipping_buyers, p.refreshed_at"
        " FROM analytics_product_segment_stats AS s"
        " JOIN analytics_product_stats AS p ON p.merchant_id = s.merchant_id AND p.product_id = s.product_id"
        " WHERE s.merchant_id = $1 AND s.segment = $2"
        " ORDER BY s.buyers DESC, s.revenue DESC, s.product_id DESC LIMIT $3",
        merchant_id,
        segment,
        limit,
    )
    return [
        (_dto(r, position), int(r["segment_buyers"]), Decimal(r["segment_revenue"]))
        for position, r in enumerate(rows, start=1)
    ]


async def segment_counts(
    session: AsyncSession, merchant_id: int, product_ids: Sequence[int]
) -> dict[int, list[ProductSegmentCountDTO]]:
    """Each product's buyers per segment (most buyers first); a DataLoader batch."""
    conn = await driver_connection(session, transactional=False)
    rows = await conn.fetch(
        "SELECT product_id, segment, buyers, revenue FROM analytics_product_segment_stats"
        " WHERE merchant_id = $1 AND product_id = ANY($2::bigint[])"
        " ORDER BY product_id, buyers DESC, segment",
        merchant_id,
        list(product_ids),
    )
    found: dict[int, list[ProductSegmentCountDTO]] = {}
    for r in rows:
        found.setdefault(int(r[0]), []).append(ProductSegmentCountDTO(str(r[1]), int(r[2]), Decimal(r[3])))
    return found
