"""Points held as pending that belong to no order (``held_points``): an import's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection


@dataclass(frozen=True, slots=True)
class HeldRow:
    key: str
    customer_id: int
    points: int
    kind: str
    source: str
    source_ref: str | None
    reason: str | None
    release_at: datetime


_COLUMNS = "key, customer_id, points, kind, source, source_ref, reason, release_at"

_HOLD = """
INSERT INTO held_points (merchant_id, key, customer_id, points, kind, source, source_ref, reason, release_at)
SELECT $1, k, c, p, $6, $7, r, $8, $9
FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[]) AS x(k, c, p, r)
ORDER BY k
ON CONFLICT (merchant_id, key) DO NOTHING
"""


async def hold(
    session: AsyncSession,
    merchant_id: int,
    rows: Sequence[tuple[str, int, int, str | None]],
    *,
    kind: str,
    source: str,
    reason: str | None,
    release_at: datetime,
) -> None:
    """(key, customer, points, source_ref) rows held until ``release_at``; a key held
    already (a replayed chunk) is left as it is."""
    if not rows:
        return
    connection = await driver_connection(session)
    await connection.execute(
        _HOLD,
        merchant_id,
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
        kind,
        source,
        reason,
        release_at,
    )


_CANCEL = """
WITH held AS (
    SELECT key FROM held_points
    WHERE merchant_id = $1 AND key = ANY($2::text[]) AND status = 'pending'
    ORDER BY key FOR UPDATE
)
UPDATE held_points AS h SET status = 'cancelled', updated_at = now()
FROM held WHERE h.merchant_id = $1 AND h.key = held.key
RETURNING h.key
"""


async def cancel(session: AsyncSession, merchant_id: int, keys: Sequence[str]) -> set[str]:
    """Cancel those of ``keys`` still waiting (locked in key order, as the release pass
    locks them); returns the keys cancelled."""
    if not keys:
        return set()
    connection = await driver_connection(session)
    return {str(r[0]) for r in await connection.fetch(_CANCEL, merchant_id, sorted(set(keys)))}


_CANCEL_OF = """
WITH held AS (
    SELECT key FROM held_points
    WHERE merchant_id = $1 AND customer_id = $2 AND status = 'pending'
    ORDER BY key FOR UPDATE
)
UPDATE held_points AS h SET status = 'cancelled', updated_at = now()
FROM held WHERE h.merchant_id = $1 AND h.key = held.key
"""


async def cancel_of(session: AsyncSession, merchant_id: int, customer_id: int) -> None:
    """Everything held for the customer (their account closed)."""
    connection = await driver_connection(session)
    await connection.execute(_CANCEL_OF, merchant_id, customer_id)


_DUE = """
SELECT merchant_id, key FROM held_points
WHERE status = 'pending' AND release_at <= $1 AND merchant_id <> ALL($3::bigint[])
ORDER BY release_at
LIMIT $2
"""


async def due(
    session: AsyncSession, *, now: datetime, limit: int, skip_shops: Sequence[int] = ()
) -> list[tuple[int, str]]:
    """(merchant, key) of held points due longest, across shops but ``skip_shops``."""
    connection = await driver_connection(session)
    records = await connection.fetch(_DUE, now, limit, sorted(set(skip_shops)))
    return [(int(m), str(k)) for m, k in records]


_LOCK_DUE = f"""
SELECT {_COLUMNS} FROM held_points
WHERE merchant_id = $1 AND key = ANY($2::text[]) AND status = 'pending' AND release_at <= $3
ORDER BY key
FOR UPDATE
"""


async def lock_due(
    session: AsyncSession, merchant_id: int, keys: Sequence[str], now: datetime
) -> list[HeldRow]:
    """Those of ``keys`` still waiting and due, locked (a cancel meanwhile is seen
    before or after, never halfway)."""
    connection = await driver_connection(session)
    records = await connection.fetch(_LOCK_DUE, merchant_id, sorted(set(keys)), now)
    return [HeldRow(*r) for r in records]


async def mark_released(session: AsyncSession, merchant_id: int, keys: Sequence[str]) -> None:
    if not keys:
        return
    connection = await driver_connection(session)
    await connection.execute(
        "UPDATE held_points SET status = 'released', updated_at = now()"
        " WHERE merchant_id = $1 AND key = ANY($2::text[])",
        merchant_id,
        list(keys),
    )
