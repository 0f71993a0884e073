"""Points held as pending (``pending_points``) until the shop's pending period is over."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection

# --- pending points ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingRow:
    shopify_order_id: int
    customer_id: int
    points: int
    # None: waiting for the order to reach the stage the shop earns at
    release_at: datetime | None
    status: str


_PENDING_COLUMNS = "shopify_order_id, customer_id, points, release_at, status"

_INSERT_PENDING = """
INSERT INTO pending_points (merchant_id, shopify_order_id, customer_id, points, release_at)
SELECT $1, o, c, p, r
FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::timestamptz[]) AS x(o, c, p, r)
ORDER BY o
ON CONFLICT (merchant_id, shopify_order_id) DO NOTHING
"""


async def insert_pending(session: AsyncSession, merchant_id: int, rows: Sequence[PendingRow]) -> None:
    """Hold orders' points as pending (their order rows are locked by the caller)."""
    if not rows:
        return
    connection = await driver_connection(session)
    await connection.execute(
        _INSERT_PENDING,
        merchant_id,
        [r.shopify_order_id for r in rows],
        [r.customer_id for r in rows],
        [r.points for r in rows],
        [r.release_at for r in rows],
    )


_LOCK_PENDING = f"""
SELECT {_PENDING_COLUMNS} FROM pending_points
WHERE merchant_id = $1 AND shopify_order_id = ANY($2::bigint[]) AND ($3::timestamptz IS NULL OR
    (status = 'pending' AND release_at <= $3))
ORDER BY shopify_order_id
FOR UPDATE
"""


async def lock_pending(
    session: AsyncSession,
    merchant_id: int,
    shopify_order_ids: Sequence[int],
    *,
    due_at: datetime | None = None,
) -> list[PendingRow]:
    """The orders' pending rows, locked; with ``due_at``, only those still pending and
    due by then."""
    connection = await driver_connection(session)
    records = await connection.fetch(_LOCK_PENDING, merchant_id, sorted(set(shopify_order_ids)), due_at)
    return [PendingRow(*r) for r in records]


_UPDATE_PENDING = """
UPDATE pending_points AS p SET points = u.points, status = u.status, updated_at = now()
FROM unnest($2::bigint[], $3::bigint[], $4::text[]) AS u(shopify_order_id, points, status)
WHERE p.merchant_id = $1 AND p.shopify_order_id = u.shopify_order_id
"""


async def update_pending(session: AsyncSession, merchant_id: int, rows: Sequence[PendingRow]) -> None:
    if not rows:
        return
    connection = await driver_connection(session)
    await connection.execute(
        _UPDATE_PENDING,
        merchant_id,
        [r.shopify_order_id for r in rows],
        [r.points for r in rows],
        [r.status for r in rows],
    )


# locked in the release pass's order (by order id), so the two never deadlock
_CANCEL_PENDING_OF = """
WITH held AS (
    SELECT shopify_order_id FROM pending_points
    WHERE merchant_id = $1 AND customer_id = $2 AND status = 'pending'
    ORDER BY shopify_order_id
    FOR UPDATE
)
UPDATE pending_points AS p SET status = 'cancelled', updated_at = now()
FROM held WHERE p.merchant_id = $1 AND p.shopify_order_id = held.shopify_order_id
"""


async def cancel_pending_of(session: AsyncSession, merchant_id: int, customer_id: int) -> None:
    """The customer's points still pending will never be posted (their account closed)."""
    connection = await driver_connection(session)
    await connection.execute(_CANCEL_PENDING_OF, merchant_id, customer_id)


_SCHEDULE_WAITING = """
UPDATE pending_points SET release_at = $3, updated_at = now()
WHERE merchant_id = $1 AND shopify_order_id = ANY($2::bigint[]) AND status = 'pending'
    AND release_at IS NULL
RETURNING shopify_order_id
"""


async def schedule_waiting(
    session: AsyncSession, merchant_id: int, shopify_order_ids: Sequence[int], release_at: datetime
) -> list[int]:
    """Give the orders' points that wait for their stage (no release date) the date
    they become spendable; returns those orders. Their order rows are locked by the
    caller."""
    connection = await driver_connection(session)
    records = await connection.fetch(
        _SCHEDULE_WAITING, merchant_id, sorted(set(shopify_order_ids)), release_at
    )
    return sorted(int(r[0]) for r in records)


_WAITING_AT_STAGE = """
SELECT o.shopify_order_id FROM order_points o
JOIN pending_points p ON p.merchant_id = o.merchant_id AND p.shopify_order_id = o.shopify_order_id
WHERE o.merchant_id = $1 AND p.status = 'pending' AND p.release_at IS NULL
    AND ($2 = 'order_created' OR ($2 = 'order_paid' AND o.paid) OR ($2 = 'order_fulfilled' AND o.fulfilled))
ORDER BY o.shopify_order_id
"""


async def waiting_at_stage(session: AsyncSession, merchant_id: int, earn_on: str) -> list[int]:
    """Orders whose points wait for a stage though they have reached ``earn_on`` (after
    the shop changed when orders earn)."""
    connection = await driver_connection(session)
    return [int(r[0]) for r in await connection.fetch(_WAITING_AT_STAGE, merchant_id, earn_on)]


_DUE_PENDING = """
SELECT merchant_id, shopify_order_id FROM pending_points
WHERE status = 'pending' AND release_at <= $1 AND merchant_id <> ALL($3::bigint[])
ORDER BY release_at
LIMIT $2
"""


async def due_pending(
    session: AsyncSession, *, now: datetime, limit: int, skip_shops: Sequence[int] = ()
) -> list[tuple[int, int]]:
    """(merchant, order) of pending points due longest, across shops but ``skip_shops``
    (the release pass)."""
    connection = await driver_connection(session)
    records = await connection.fetch(_DUE_PENDING, now, limit, sorted(set(skip_shops)))
    return [(int(m), int(o)) for m, o in records]


# an order's pending points, and points held for no order (an import's)
_PENDING_TOTALS = """
SELECT customer_id, SUM(points) FROM (
    SELECT customer_id, points FROM pending_points
    WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[]) AND status = 'pending'
    UNION ALL
    SELECT customer_id, points FROM held_points
    WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[]) AND status = 'pending'
) AS waiting
GROUP BY customer_id
"""


async def pending_points(connection: Any, merchant_id: int, customer_ids: Sequence[int]) -> dict[int, int]:
    """For the per-request DataLoader: one prepared statement on a
    ``platform.db.plain_connection`` (an ORM session's checkout, BEGIN and ROLLBACK were
    about 5% of the customers page's CPU)."""
    records = await connection.fetch(_PENDING_TOTALS, merchant_id, sorted(set(customer_ids)))
    return {int(c): int(p) for c, p in records}
