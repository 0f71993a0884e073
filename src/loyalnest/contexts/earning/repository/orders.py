"""Orders as earning knows them (``order_points``), their refunds and the products'
tags. Every order webhook runs these, so they are asyncpg prepared statements on the
session's own connection (``platform.db.driver_connection``), rows as small dataclasses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection


@dataclass(slots=True)
class OrderRow:
    """One ``order_points`` row, locked by the transaction that read it."""

    merchant_id: int
    shopify_order_id: int
    customer_id: int | None
    eligible_amount: Decimal | None
    currency: str | None
    taxes_included: bool
    points_earned: int
    points_reversed: int
    refunded_amount: Decimal
    cancelled: bool
    points_lapsed: int
    skip_reason: str | None
    # the stages reached (orders/paid, fulfilment), whichever webhook told us first
    paid: bool
    fulfilled: bool
    # the parts the pipeline added (see models.OrderPoints.parts), as dicts
    parts: list[dict[str, Any]]
    # what the order counts toward its customer's spend, and when it was placed
    spend_amount: Decimal | None
    spend_refunded: Decimal
    placed_at: datetime | None


_ORDER_COLUMNS = (
    "merchant_id, shopify_order_id, customer_id, eligible_amount, currency, taxes_included,"
    " points_earned, points_reversed, refunded_amount, cancelled, points_lapsed, skip_reason, paid,"
    " fulfilled, parts::text, spend_amount, spend_refunded, placed_at"
)


def _order_row(record: Any) -> OrderRow:
    values = list(record)
    values[14] = orjson.loads(values[14])  # jsonb read as text: asyncpg has no codec set here
    return OrderRow(*values)


# --- orders and refunds ---------------------------------------------------------------

# The no-op update takes each row lock (like SELECT ... FOR UPDATE) and returns the
# latest committed state, in one round trip whether or not the rows existed.
_UPSERT_ORDERS = f"""
INSERT INTO order_points (merchant_id, shopify_order_id)
SELECT $1, shopify_order_id FROM unnest($2::bigint[]) AS o(shopify_order_id) ORDER BY shopify_order_id
ON CONFLICT (merchant_id, shopify_order_id) DO UPDATE SET cancelled = order_points.cancelled
RETURNING {_ORDER_COLUMNS}
"""


async def upsert_orders(
    session: AsyncSession, merchant_id: int, shopify_order_ids: Sequence[int]
) -> dict[int, OrderRow]:
    """Create the orders' rows if absent and lock them: every webhook of one order is
    handled one at a time, whatever order they arrive in."""
    connection = await driver_connection(session)
    records = await connection.fetch(_UPSERT_ORDERS, merchant_id, sorted(set(shopify_order_ids)))
    return {int(r[1]): _order_row(r) for r in records}


async def upsert_order(session: AsyncSession, merchant_id: int, shopify_order_id: int) -> OrderRow:
    return (await upsert_orders(session, merchant_id, [shopify_order_id]))[shopify_order_id]


_UPDATE_ORDERS = """
UPDATE order_points AS o
SET customer_id = u.customer_id, eligible_amount = u.eligible_amount, currency = u.currency,
    taxes_included = u.taxes_included, points_earned = u.points_earned,
    points_reversed = u.points_reversed, refunded_amount = u.refunded_amount,
    cancelled = u.cancelled, points_lapsed = u.points_lapsed, skip_reason = u.skip_reason,
    paid = u.paid, fulfilled = u.fulfilled, parts = u.parts::jsonb, spend_amount = u.spend_amount,
    spend_refunded = u.spend_refunded, placed_at = u.placed_at, updated_at = now()
FROM unnest(
    $2::bigint[], $3::bigint[], $4::numeric[], $5::text[], $6::boolean[], $7::bigint[], $8::bigint[],
    $9::numeric[], $10::boolean[], $11::bigint[], $12::text[], $13::boolean[], $14::boolean[],
    $15::text[], $16::numeric[], $17::numeric[], $18::timestamptz[]
) AS u(shopify_order_id, customer_id, eligible_amount, currency, taxes_included, points_earned,
    points_reversed, refunded_amount, cancelled, points_lapsed, skip_reason, paid, fulfilled,
    parts, spend_amount, spend_refunded, placed_at)
WHERE o.merchant_id = $1 AND o.shopify_order_id = u.shopify_order_id
"""


async def update_orders(session: AsyncSession, merchant_id: int, rows: Sequence[OrderRow]) -> None:
    """Write back order rows read (and locked) by ``upsert_orders``."""
    if not rows:
        return
    connection = await driver_connection(session)
    await connection.execute(
        _UPDATE_ORDERS,
        merchant_id,
        [r.shopify_order_id for r in rows],
        [r.customer_id for r in rows],
        [r.eligible_amount for r in rows],
        [r.currency for r in rows],
        [r.taxes_included for r in rows],
        [r.points_earned for r in rows],
        [r.points_reversed for r in rows],
        [r.refunded_amount for r in rows],
        [r.cancelled for r in rows],
        [r.points_lapsed for r in rows],
        [r.skip_reason for r in rows],
        [r.paid for r in rows],
        [r.fulfilled for r in rows],
        [orjson.dumps(r.parts).decode() for r in rows],
        [r.spend_amount for r in rows],
        [r.spend_refunded for r in rows],
        [r.placed_at for r in rows],
    )


# Joined to the unnested ids rather than ``customer_id = ANY($2)``: as a prepared
# statement's generic plan, ANY over an array parameter was estimated as many rows and
# planned as a sequential scan of the shop's orders (seen in pg_stat_user_tables under
# ``bench webhooks --referrals``); the join walks the customer index once per id.
_COUNT_CUSTOMER_ORDERS = """
SELECT o.customer_id, count(*)
FROM unnest($2::bigint[]) AS c(id)
JOIN order_points AS o
    ON o.merchant_id = $1 AND o.customer_id = c.id AND o.spend_amount IS NOT NULL AND NOT o.cancelled
GROUP BY o.customer_id
"""


async def count_customer_orders(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]
) -> dict[int, int]:
    """The orders each customer has placed that count (not cancelled, not a test or in
    another currency), as recorded so far; customers with none are absent."""
    connection = await driver_connection(session)
    records = await connection.fetch(_COUNT_CUSTOMER_ORDERS, merchant_id, sorted(set(customer_ids)))
    return {int(c): int(n) for c, n in records}


_INSERT_REFUND = """
INSERT INTO order_refunds
    (merchant_id, shopify_refund_id, shopify_order_id, eligible_amount, line_tax, provisional)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (merchant_id, shopify_refund_id) DO NOTHING
RETURNING shopify_refund_id
"""


async def insert_refund(
    session: AsyncSession,
    merchant_id: int,
    shopify_refund_id: int,
    shopify_order_id: int,
    amount: Decimal,
    *,
    line_tax: Decimal = Decimal("0"),
    provisional: bool = False,
) -> bool:
    """Record a refund once; False when it had been recorded before."""
    connection = await driver_connection(session)
    found = await connection.fetchval(
        _INSERT_REFUND, merchant_id, shopify_refund_id, shopify_order_id, amount, line_tax, provisional
    )
    return found is not None


_SETTLE_PROVISIONAL_REFUNDS = """
UPDATE order_refunds
SET eligible_amount = GREATEST(eligible_amount - CASE WHEN $3 THEN line_tax ELSE 0 END, 0),
    provisional = false
WHERE merchant_id = $1 AND shopify_order_id = $2 AND provisional
RETURNING eligible_amount
"""
_REFUNDED_TOTAL = """
SELECT COALESCE(SUM(eligible_amount), 0) FROM order_refunds WHERE merchant_id = $1 AND shopify_order_id = $2
"""


async def settle_provisional_refunds(
    session: AsyncSession, merchant_id: int, shopify_order_id: int, *, taxes_included: bool
) -> Decimal:
    """Re-measure refunds recorded before their order was known, now that it is (a
    tax-inclusive order's refunded subtotal holds tax); returns the order's refunded total."""
    connection = await driver_connection(session)
    await connection.fetch(_SETTLE_PROVISIONAL_REFUNDS, merchant_id, shopify_order_id, taxes_included)
    return Decimal(await connection.fetchval(_REFUNDED_TOTAL, merchant_id, shopify_order_id))


# --- product tags (for the purchase rule's excluded tags) --------------------------------

_UPSERT_PRODUCT_TAGS = """
INSERT INTO product_tags (merchant_id, product_id, tags, shopify_updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (merchant_id, product_id) DO UPDATE
SET tags = excluded.tags, shopify_updated_at = excluded.shopify_updated_at
WHERE product_tags.shopify_updated_at IS NULL OR excluded.shopify_updated_at IS NULL
    OR excluded.shopify_updated_at >= product_tags.shopify_updated_at
"""


async def upsert_product_tags(
    session: AsyncSession, merchant_id: int, product_id: int, tags: Sequence[str], updated_at: datetime | None
) -> None:
    """Keep a product's tags; a version older than the one stored is ignored."""
    connection = await driver_connection(session)
    await connection.execute(_UPSERT_PRODUCT_TAGS, merchant_id, product_id, list(tags), updated_at)


_TAGS_OF_PRODUCTS = """
SELECT product_id, tags FROM product_tags
WHERE merchant_id = $1 AND product_id = ANY($2::bigint[]) AND tags <> '{}'
"""


async def tags_of_products(
    session: AsyncSession, merchant_id: int, product_ids: Sequence[int]
) -> dict[int, frozenset[str]]:
    """The known tags of those of ``product_ids`` that have any (normalised)."""
    connection = await driver_connection(session)
    records = await connection.fetch(_TAGS_OF_PRODUCTS, merchant_id, sorted(set(product_ids)))
    return {int(pid): frozenset(tags) for pid, tags in records}


_TAGGED_PRODUCTS = """
SELECT product_id FROM product_tags
WHERE merchant_id = $1 AND product_id = ANY($2::bigint[]) AND tags && $3::text[]
"""


async def products_tagged(
    session: AsyncSession, merchant_id: int, product_ids: Sequence[int], tags: Sequence[str]
) -> set[int]:
    """Those of ``product_ids`` carrying any of ``tags``."""
    connection = await driver_connection(session)
    records = await connection.fetch(_TAGGED_PRODUCTS, merchant_id, sorted(set(product_ids)), list(tags))
    return {int(r[0]) for r in records}
