"""Reads of points lots: a customer's open lots, the lot an entry opened, what a
redemption took, and what is expiring soon."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection

# --- lots -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LotRow:
    id: int
    customer_id: int
    points: int
    remaining: int
    expires_at: datetime | None
    activity_days: int | None


_LOT_COLUMNS = "id, customer_id, points, remaining, expires_at, activity_days"

_OPEN_LOTS = f"""
SELECT {_LOT_COLUMNS} FROM points_lots
WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[]) AND remaining > 0
ORDER BY customer_id, id
"""


async def open_lots(session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]) -> list[LotRow]:
    """The customers' open lots in earning order (read under their account locks)."""
    connection = await driver_connection(session)
    records = await connection.fetch(_OPEN_LOTS, merchant_id, sorted(set(customer_ids)))
    return [LotRow(*r) for r in records]


_LOTS_OF_ENTRIES = """
SELECT e.idempotency_key, l.id FROM points_ledger e
JOIN points_lots l ON l.merchant_id = e.merchant_id AND l.entry_id = e.id
WHERE e.merchant_id = $1 AND e.idempotency_key = ANY($2::text[])
"""


async def lots_of_entries(session: AsyncSession, merchant_id: int, keys: Sequence[str]) -> dict[str, int]:
    """{idempotency key: id of the lot its entry opened}, for the keys that opened one."""
    connection = await driver_connection(session)
    records = await connection.fetch(_LOTS_OF_ENTRIES, merchant_id, sorted(set(keys)))
    return {str(k): int(lot_id) for k, lot_id in records}


@dataclass(frozen=True, slots=True)
class RedemptionLots:
    """What the redemptions posted under one source reference took, lot by lot in the
    order taken, with those lots' current state; and what was given back since."""

    taken: list[tuple[int, int]]
    lots: list[LotRow]
    returned: int


_REDEMPTION_TAKEN = """
SELECT c.lot_id, c.points, l.id, l.customer_id, l.points, l.remaining, l.expires_at, l.activity_days
FROM points_ledger e
JOIN points_lot_consumptions c ON c.merchant_id = e.merchant_id AND c.entry_id = e.id
JOIN points_lots l ON l.merchant_id = c.merchant_id AND l.id = c.lot_id
WHERE e.merchant_id = $1 AND e.customer_id = $2 AND e.kind = 'redeem' AND e.source = $3
    AND e.source_ref = $4 AND c.points > 0
ORDER BY e.id, c.lot_id
"""
_REDEMPTION_RETURNED = """
SELECT COALESCE(SUM(delta), 0) FROM points_ledger
WHERE merchant_id = $1 AND customer_id = $2 AND kind = 'redeem_return' AND source = $3 AND source_ref = $4
"""


async def redemption_lots(
    session: AsyncSession, merchant_id: int, customer_id: int, source: str, source_ref: str
) -> RedemptionLots:
    connection = await driver_connection(session)
    records = await connection.fetch(_REDEMPTION_TAKEN, merchant_id, customer_id, source, source_ref)
    returned = await connection.fetchval(_REDEMPTION_RETURNED, merchant_id, customer_id, source, source_ref)
    lots = {int(r[2]): LotRow(*r[2:]) for r in records}
    return RedemptionLots(
        taken=[(int(r[0]), int(r[1])) for r in records], lots=list(lots.values()), returned=int(returned)
    )


_ORDER_LOT = """
SELECT l.remaining, COALESCE(-x.delta, 0)
FROM points_ledger e
JOIN points_lots l ON l.merchant_id = e.merchant_id AND l.entry_id = e.id
LEFT JOIN points_ledger x ON x.merchant_id = l.merchant_id AND x.idempotency_key = 'expire:lot:' || l.id
WHERE e.merchant_id = $1 AND e.idempotency_key = $2
"""


async def lot_of_entry(
    session: AsyncSession, merchant_id: int, idempotency_key: str
) -> tuple[int, int] | None:
    """(remaining, points lost to expiry) of the lot the entry with this key opened."""
    connection = await driver_connection(session)
    record = await connection.fetchrow(_ORDER_LOT, merchant_id, idempotency_key)
    return None if record is None else (int(record[0]), int(record[1]))


# --- reads of lots and pending points (GraphQL, DataLoaders) --------------------------

_EXPIRING = """
SELECT customer_id, COALESCE(SUM(remaining) FILTER (WHERE expires_at <= $3), 0), MIN(expires_at)
FROM points_lots
WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[]) AND remaining > 0
GROUP BY customer_id
"""


async def expiring_points(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], *, until: datetime
) -> dict[int, tuple[int, datetime | None]]:
    """{customer: (points of open lots expiring by ``until``, earliest expiry of any open
    lot)} for customers with open lots."""
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(_EXPIRING, merchant_id, sorted(set(customer_ids)), until)
    return {int(c): (int(p), at) for c, p, at in records}
