"""SQL of the RFM concern: the order copy (real time, set-based per batch), scoring
passes (statements generated in ``rfm_scoring``), settings, exclusions, and the reads
behind GraphQL. Every function takes ``merchant_id``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.analytics.repository import rfm_scoring
from loyalnest.contexts.analytics.rules.rfm import DEFAULT_CONFIG


@dataclass(frozen=True, slots=True)
class OrderRow:
    shopify_order_id: int
    customer_id: int | None
    placed_at: datetime
    amount: Decimal
    cancelled: bool


@dataclass(frozen=True, slots=True)
class LineRow:
    shopify_order_id: int
    line_no: int
    product_id: int | None
    quantity: int
    revenue: Decimal


@dataclass(frozen=True, slots=True)
class RefundRow:
    shopify_order_id: int
    shopify_refund_id: int
    amount: Decimal
    # (product id, refunded subtotal) of its lines
    lines: tuple[tuple[int | None, Decimal], ...]


@dataclass(frozen=True, slots=True)
class Change:
    customer_id: int
    from_segment: str | None
    to_segment: str


# --- orders -------------------------------------------------------------------------------


async def upsert_orders(
    session: AsyncSession, merchant_id: int, orders: Sequence[OrderRow], lines: Sequence[LineRow]
) -> None:
    """Orders with their lines (arrays of the order's row, in line order) in one
    statement. A row an early refund or cancellation created gets the order's facts and
    lines and keeps what it knew (refunds, cancellation); a redelivery keeps the first
    placement time and the first lines. Order ids must be distinct."""
    await session.execute(
        text(
            "WITH src AS (SELECT * FROM unnest(CAST(:ids AS bigint[]), CAST(:customers AS bigint[]),"
            " CAST(:placed AS timestamptz[]), CAST(:amounts AS numeric[]), CAST(:cancelled AS boolean[]))"
            " AS s(shopify_order_id, customer_id, placed_at, amount, cancelled)),"
            " lines AS (SELECT l.shopify_order_id, array_agg(l.product_id ORDER BY l.line_no) AS products,"
            " array_agg(l.quantity ORDER BY l.line_no) AS quantities,"
            " array_agg(l.revenue ORDER BY l.line_no) AS revenues,"
            " array_agg(CAST(0 AS numeric) ORDER BY l.line_no) AS refunds"
            " FROM unnest(CAST(:l_orders AS bigint[]), CAST(:l_nos AS int[]),"
            " CAST(:l_products AS bigint[]), CAST(:l_qty AS int[]), CAST(:l_revenue AS numeric[]))"
            " AS l(shopify_order_id, line_no, product_id, quantity, revenue) GROUP BY l.shopify_order_id)"
            " INSERT INTO analytics_orders AS t"
            " (merchant_id, shopify_order_id, customer_id, placed_at, amount, cancelled, line_products,"
            " line_quantities, line_revenues, line_refunds)"
            " SELECT :m, s.shopify_order_id, s.customer_id, s.placed_at, s.amount, s.cancelled,"
            " coalesce(l.products, '{}'), coalesce(l.quantities, '{}'), coalesce(l.revenues, '{}'),"
            " coalesce(l.refunds, '{}') FROM src s LEFT JOIN lines l USING (shopify_order_id)"
            " ON CONFLICT (merchant_id, shopify_order_id) DO UPDATE"
            " SET customer_id = coalesce(EXCLUDED.customer_id, t.customer_id),"
            " placed_at = coalesce(t.placed_at, EXCLUDED.placed_at),"
            " amount = EXCLUDED.amount, cancelled = t.cancelled OR EXCLUDED.cancelled,"
            + ", ".join(
                f"{c} = CASE WHEN cardinality(t.line_products) = 0 THEN EXCLUDED.{c} ELSE t.{c} END"
                for c in ("line_products", "line_quantities", "line_revenues", "line_refunds")
            )
        ),
        {
            "m": merchant_id,
            "ids": [o.shopify_order_id for o in orders],
            "customers": [o.customer_id for o in orders],
            "placed": [o.placed_at for o in orders],
            "amounts": [o.amount for o in orders],
            "cancelled": [o.cancelled for o in orders],
            "l_orders": [line.shopify_order_id for line in lines],
            "l_nos": [line.line_no for line in lines],
            "l_products": [line.product_id for line in lines],
            "l_qty": [line.quantity for line in lines],
            "l_revenue": [line.revenue for line in lines],
        },
    )


async def add_refunds(session: AsyncSession, merchant_id: int, refunds: Sequence[RefundRow]) -> list[int]:
    """Add refunds not counted yet (by Shopify refund id) to their orders and to the lines
    of the refunded products (the order's first line of each product); a refund ahead of
    its order creates the order's row (without lines: what its lines lost is lost, as the
    order's lines arrive after it). Returns the customers whose orders changed. Refund
    ids must be distinct."""
    line_orders: list[int] = []
    line_refunds: list[int] = []
    line_products: list[int | None] = []
    line_amounts: list[Decimal] = []
    for refund in refunds:
        for product_id, amount in refund.lines:
            line_orders.append(refund.shopify_order_id)
            line_refunds.append(refund.shopify_refund_id)
            line_products.append(product_id)
            line_amounts.append(amount)
    result = await session.execute(
        text(
            "WITH src AS (SELECT * FROM unnest(CAST(:orders AS bigint[]), CAST(:refunds AS bigint[]),"
            " CAST(:amounts AS numeric[])) AS s(shopify_order_id, refund_id, amount)),"
            # the refunds this statement adds: not already in their order's refund ids
            " fresh AS (SELECT s.* FROM src s LEFT JOIN analytics_orders o ON o.merchant_id = :m"
            " AND o.shopify_order_id = s.shopify_order_id"
            " WHERE o.shopify_order_id IS NULL OR NOT s.refund_id = ANY(o.refund_ids)),"
            " per_order AS (SELECT shopify_order_id, sum(amount) AS amount, array_agg(refund_id) AS ids"
            " FROM fresh GROUP BY shopify_order_id),"
            # each refunded product's amount onto its first line in the order
            " added AS (SELECT l.shopify_order_id, array_position(o.line_products, l.product_id) AS n,"
            " sum(l.amount) AS amount FROM unnest(CAST(:l_orders AS bigint[]), CAST(:l_refunds AS bigint[]),"
            " CAST(:l_products AS bigint[]), CAST(:l_amounts AS numeric[]))"
            " AS l(shopify_order_id, refund_id, product_id, amount)"
            " JOIN fresh f ON f.refund_id = l.refund_id"
            " JOIN analytics_orders o ON o.merchant_id = :m AND o.shopify_order_id = l.shopify_order_id"
            " WHERE array_position(o.line_products, l.product_id) IS NOT NULL GROUP BY 1, 2),"
            " lines AS (SELECT o.shopify_order_id, array_agg(r.refunded + coalesce(a.amount, 0) ORDER BY r.n)"
            " AS refunds FROM analytics_orders o"
            " CROSS JOIN LATERAL unnest(o.line_refunds) WITH ORDINALITY AS r(refunded, n)"
            " LEFT JOIN added a ON a.shopify_order_id = o.shopify_order_id AND a.n = r.n"
            " WHERE o.merchant_id = :m AND o.shopify_order_id IN (SELECT shopify_order_id FROM added)"
            " GROUP BY o.shopify_order_id)"
            " INSERT INTO analytics_orders AS t (merchant_id, shopify_order_id, refunded, refund_ids,"
            " line_refunds)"
            " SELECT :m, p.shopify_order_id, p.amount, p.ids, coalesce(l.refunds, '{}') FROM per_order p"
            " LEFT JOIN lines l USING (shopify_order_id)"
            " ON CONFLICT (merchant_id, shopify_order_id) DO UPDATE SET refunded = t.refunded +"
            " EXCLUDED.refunded, refund_ids = t.refund_ids || EXCLUDED.refund_ids,"
            " line_refunds = CASE WHEN cardinality(EXCLUDED.line_refunds) > 0 THEN EXCLUDED.line_refunds"
            " ELSE t.line_refunds END RETURNING t.customer_id"
        ),
        {
            "m": merchant_id,
            "orders": [r.shopify_order_id for r in refunds],
            "refunds": [r.shopify_refund_id for r in refunds],
            "amounts": [r.amount for r in refunds],
            "l_orders": line_orders,
            "l_refunds": line_refunds,
            "l_products": line_products,
            "l_amounts": line_amounts,
        },
    )
    return sorted({row[0] for row in result if row[0] is not None})


async def cancel_orders(
    session: AsyncSession, merchant_id: int, cancellations: Sequence[tuple[int, int | None]]
) -> list[int]:
    """Mark (order id, customer id) cancelled; a cancellation ahead of its order creates
    the order's row. Returns the customers whose orders changed. Order ids distinct."""
    result = await session.execute(
        text(
            "INSERT INTO analytics_orders AS t (merchant_id, shopify_order_id, customer_id, cancelled)"
            " SELECT :m, s.id, s.customer_id, true FROM unnest(CAST(:ids AS bigint[]),"
            " CAST(:customers AS bigint[])) AS s(id, customer_id)"
            " ON CONFLICT (merchant_id, shopify_order_id) DO UPDATE SET cancelled = true,"
            " customer_id = coalesce(t.customer_id, EXCLUDED.customer_id) WHERE NOT t.cancelled"
            " RETURNING t.customer_id"
        ),
        {"m": merchant_id, "ids": [c[0] for c in cancellations], "customers": [c[1] for c in cancellations]},
    )
    return sorted({row[0] for row in result if row[0] is not None})


# --- scoring -------------------------------------------------------------------------------


def _changes(rows: Any) -> list[Change]:
    return [Change(int(r[0]), r[1], r[2]) for r in rows]


@dataclass(frozen=True, slots=True)
class Rescored:
    changes: list[Change]
    # the shop had never had a full pass nor asked for one: this asked (queue it)
    first_pass_requested: bool


async def rescore_customers(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], now: datetime
) -> Rescored:
    """Summaries of these customers rebuilt from their orders, scored with the shop's
    stored boundaries, segments and history written: one statement."""
    rows = (
        await session.execute(
            text(rfm_scoring.REALTIME_MERGE), {"m": merchant_id, "ids": list(customer_ids), "now": now}
        )
    ).all()
    changes = [row for row in rows if row[0] is not None]
    return Rescored(_changes(changes), first_pass_requested=len(changes) < len(rows))


async def full_pass(
    session: AsyncSession, merchant_id: int, now: datetime, *, refresh_boundaries: bool
) -> list[Change]:
    """Every customer's summary rebuilt from the orders (a temporary table), the
    boundaries recomputed over them and stored (``refresh_boundaries``), then scored and
    merged like the real-time statement (only changed rows written)."""
    params = {"m": merchant_id, "now": now}
    # one pass per shop at a time (the daily job and an on-demand one may overlap)
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('analytics.rfm_pass'), CAST(:m % 2147483647 AS int))"),
        {"m": merchant_id},
    )
    # sorts and hashes of a million customers fit in memory instead of spilling to disk
    await session.execute(text("SET LOCAL work_mem = '256MB'"))
    # Every join of the pass is shop-wide: a nested loop is never right, and a table whose
    # statistics are stale (rows inserted since the last ANALYZE) once made the planner
    # pick one that ran for half an hour on a 10,000-customer shop.
    await session.execute(text("SET LOCAL enable_nestloop = off"))
    settings = await get_settings(session, merchant_id)
    weighted = settings.time_weighting if settings is not None else DEFAULT_CONFIG.time_weighting
    await session.execute(text(rfm_scoring.FULL_SUMMARIES[weighted]), params)
    # statistics of the temporary table (autovacuum never sees it): hash joins, not loops
    await session.execute(text("ANALYZE analytics_rfm_pass"))
    if refresh_boundaries:
        await session.execute(text(rfm_scoring.STORE_BOUNDARIES), params)
    result = await session.execute(text(rfm_scoring.FULL_MERGE), params)
    changes = _changes(result)
    await session.execute(text("DROP TABLE analytics_rfm_pass"))
    return changes


async def count_scored(session: AsyncSession, merchant_id: int) -> int:
    return int(
        (
            await session.execute(
                text("SELECT count(*) FROM analytics_customer_rfm WHERE merchant_id = :m"), {"m": merchant_id}
            )
        ).scalar_one()
    )


async def write_daily_counts(
    session: AsyncSession, merchant_id: int, day: date, segments: Sequence[str]
) -> None:
    """Today's (shop-local) customers per segment, every segment listed (zero included)."""
    await session.execute(
        text(
            "INSERT INTO analytics_segment_daily AS t (merchant_id, day, segment, customers)"
            " SELECT :m, :day, s.segment, coalesce(c.n, 0)"
            " FROM unnest(CAST(:segments AS text[])) AS s(segment) LEFT JOIN"
            " (SELECT segment, count(*)::int AS n FROM analytics_customer_rfm WHERE merchant_id = :m"
            " GROUP BY segment) c ON c.segment = s.segment"
            " ON CONFLICT (merchant_id, day, segment) DO UPDATE SET customers = EXCLUDED.customers"
        ),
        {"m": merchant_id, "day": day, "segments": list(segments)},
    )


async def preview(
    session: AsyncSession, merchant_id: int, config: dict[str, Any], now: datetime, *, from_orders: bool
) -> dict[str, int]:
    result = await session.execute(
        text(
            rfm_scoring.preview_statement(
                from_orders=from_orders, quintiles=config["mode"] == "quintiles", weighted=bool(config["tw"])
            )
        ),
        {"m": merchant_id, "now": now, **config},
    )
    return {row[0]: int(row[1]) for row in result}


# --- settings --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettingsRow:
    merchant_id: int
    mode: str
    preset: str | None
    recency_days: list[int]
    frequency_max: list[int]
    monetary_ratios: list[Decimal]
    lookback_days: int
    time_weighting: bool
    half_life_days: int
    r_cuts: list[float] | None
    f_cuts: list[float] | None
    m_cuts: list[float] | None
    average_order_value: Decimal | None
    boundaries_computed_at: datetime | None
    recompute_requested_at: datetime | None
    updated_at: datetime


_SETTINGS = ", ".join(SettingsRow.__slots__)
CONFIG_COLUMNS = (
    "mode",
    "preset",
    "recency_days",
    "frequency_max",
    "monetary_ratios",
    "lookback_days",
    "time_weighting",
    "half_life_days",
)


async def get_settings(session: AsyncSession, merchant_id: int) -> SettingsRow | None:
    row = (
        await session.execute(
            text(f"SELECT {_SETTINGS} FROM analytics_rfm_settings WHERE merchant_id = :m"), {"m": merchant_id}
        )
    ).first()
    return None if row is None else SettingsRow(*row)


async def save_config(
    session: AsyncSession, merchant_id: int, values: dict[str, Any], *, clear_boundaries: bool, now: datetime
) -> SettingsRow:
    """Write the configuration; ``clear_boundaries`` drops cut points computed for other
    inputs (scoring uses the thresholds until the recompute this asks for stores new
    ones)."""
    names = list(CONFIG_COLUMNS)
    assignments = ", ".join(f"{n} = EXCLUDED.{n}" for n in names)
    if clear_boundaries:
        assignments += ", r_cuts = NULL, f_cuts = NULL, m_cuts = NULL"
    row = (
        await session.execute(
            text(
                f"INSERT INTO analytics_rfm_settings AS t (merchant_id, {', '.join(names)},"
                " recompute_requested_at,"
                f" updated_at) VALUES (:m, {', '.join(':' + n for n in names)}, :now, :now)"
                f" ON CONFLICT (merchant_id) DO UPDATE SET {assignments},"
                f" recompute_requested_at = EXCLUDED.recompute_requested_at, updated_at = EXCLUDED.updated_at"
                f" RETURNING {_SETTINGS}"
            ),
            {"m": merchant_id, "now": now, **{n: values[n] for n in names}},
        )
    ).one()
    return SettingsRow(*row)


async def mark_recompute_requested(session: AsyncSession, merchant_id: int, now: datetime) -> None:
    await session.execute(
        text(
            "INSERT INTO analytics_rfm_settings AS t (merchant_id, recompute_requested_at) VALUES (:m, :now)"
            " ON CONFLICT (merchant_id) DO UPDATE SET recompute_requested_at ="
            " EXCLUDED.recompute_requested_at"
        ),
        {"m": merchant_id, "now": now},
    )


async def shops_with_orders(session: AsyncSession) -> list[int]:
    """Shops with anything to score (the daily pass's list)."""
    result = await session.execute(
        text(
            "SELECT m.id FROM merchants m WHERE EXISTS (SELECT 1 FROM analytics_orders o WHERE"
            " o.merchant_id = m.id)"
            " OR EXISTS (SELECT 1 FROM analytics_customer_rfm c WHERE c.merchant_id = m.id) ORDER BY m.id"
        )
    )
    return [int(r[0]) for r in result]


# --- exclusions ---------------------------------------------------------------------------


async def add_exclusion(session: AsyncSession, merchant_id: int, customer_id: int) -> bool:
    result = await session.execute(
        text(
            "INSERT INTO analytics_rfm_exclusions (merchant_id, customer_id) VALUES (:m, :c)"
            " ON CONFLICT DO NOTHING RETURNING customer_id"
        ),
        {"m": merchant_id, "c": customer_id},
    )
    return result.first() is not None


async def remove_exclusion(session: AsyncSession, merchant_id: int, customer_id: int) -> bool:
    result = await session.execute(
        text(
            "DELETE FROM analytics_rfm_exclusions WHERE merchant_id = :m AND customer_id = :c"
            " RETURNING customer_id"
        ),
        {"m": merchant_id, "c": customer_id},
    )
    return result.first() is not None


async def excluded_among(session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]) -> set[int]:
    result = await session.execute(
        text(
            "SELECT customer_id FROM analytics_rfm_exclusions"
            " WHERE merchant_id = :m AND customer_id = ANY(CAST(:ids AS bigint[]))"
        ),
        {"m": merchant_id, "ids": list(customer_ids)},
    )
    return {int(r[0]) for r in result}


# --- reads --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerRfmRow:
    customer_id: int
    first_order_at: datetime
    last_order_at: datetime
    order_count: int
    net_spend: Decimal
    weighted_frequency: float | None
    weighted_monetary: float | None
    r: int
    f: int
    m: int
    segment: str
    segment_since: datetime
    updated_at: datetime


_CUSTOMER = ", ".join(CustomerRfmRow.__slots__)


async def customer_rows(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]
) -> list[CustomerRfmRow]:
    result = await session.execute(
        text(
            f"SELECT {_CUSTOMER} FROM analytics_customer_rfm"
            " WHERE merchant_id = :m AND customer_id = ANY(CAST(:ids AS bigint[]))"
        ),
        {"m": merchant_id, "ids": list(customer_ids)},
    )
    return [CustomerRfmRow(*row) for row in result]


async def all_customer_rows(session: AsyncSession, merchant_id: int) -> list[CustomerRfmRow]:
    result = await session.execute(
        text(f"SELECT {_CUSTOMER} FROM analytics_customer_rfm WHERE merchant_id = :m ORDER BY customer_id"),
        {"m": merchant_id},
    )
    return [CustomerRfmRow(*row) for row in result]


@dataclass(frozen=True, slots=True)
class HistoryRow:
    id: int
    customer_id: int
    from_segment: str | None
    to_segment: str
    changed_at: datetime


async def history_of(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], per_customer: int
) -> list[HistoryRow]:
    """The latest ``per_customer`` changes of each customer, newest first."""
    result = await session.execute(
        text(
            "SELECT h.id, h.customer_id, h.from_segment, h.to_segment, h.changed_at"
            " FROM unnest(CAST(:ids AS bigint[])) AS c(id) CROSS JOIN LATERAL ("
            " SELECT * FROM analytics_segment_history x WHERE x.merchant_id = :m AND x.customer_id = c.id"
            " ORDER BY x.changed_at DESC, x.id DESC LIMIT :n) h ORDER BY h.customer_id,"
            " h.changed_at DESC, h.id DESC"
        ),
        {"m": merchant_id, "ids": list(customer_ids), "n": per_customer},
    )
    return [HistoryRow(*row) for row in result]
