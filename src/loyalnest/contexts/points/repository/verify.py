"""The ledger's invariants (``loyalnest verify-ledger``)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# --- invariants -----------------------------------------------------------------------


# Each account's balance, the sum of its ledger rows, and what its open lots hold; a
# row for every customer where the three disagree (an account missing counts as 0).
_ACCOUNT_MISMATCHES = """
WITH a AS (
    SELECT merchant_id, customer_id, balance FROM points_accounts WHERE {scope}
), l AS (
    SELECT merchant_id, customer_id, SUM(delta) AS total FROM points_ledger WHERE {scope}
    GROUP BY merchant_id, customer_id
), o AS (
    SELECT merchant_id, customer_id, SUM(remaining) AS total FROM points_lots
    WHERE remaining > 0 AND {scope} GROUP BY merchant_id, customer_id
)
SELECT merchant_id, customer_id, COALESCE(a.balance, 0), COALESCE(l.total, 0), COALESCE(o.total, 0)
FROM a FULL JOIN l USING (merchant_id, customer_id) FULL JOIN o USING (merchant_id, customer_id)
WHERE NOT (COALESCE(a.balance, 0) = COALESCE(l.total, 0) AND COALESCE(l.total, 0) = COALESCE(o.total, 0))
ORDER BY merchant_id, customer_id
"""

# Lots whose remaining is not their points less what entries took from them (and
# gave back); the lot migration 0005 opened has no consumptions before it.
_LOT_MISMATCHES = """
SELECT l.merchant_id, l.id, l.customer_id, l.points, l.remaining, COALESCE(c.total, 0)
FROM points_lots l
LEFT JOIN (
    SELECT merchant_id, lot_id, SUM(points) AS total FROM points_lot_consumptions WHERE {scope}
    GROUP BY merchant_id, lot_id
) c ON c.merchant_id = l.merchant_id AND c.lot_id = l.id
WHERE l.remaining <> l.points - COALESCE(c.total, 0) AND {lot_scope}
ORDER BY l.merchant_id, l.id
"""


async def find_ledger_mismatches(
    session: AsyncSession, merchant_id: int | None
) -> list[tuple[int, int, int, int, int]]:
    """(merchant, customer, balance, ledger sum, open lots) wherever they disagree."""
    scope = "true" if merchant_id is None else "merchant_id = :m"
    result = await session.execute(text(_ACCOUNT_MISMATCHES.format(scope=scope)), {"m": merchant_id})
    return [(int(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in result.all()]


async def find_lot_mismatches(
    session: AsyncSession, merchant_id: int | None
) -> list[tuple[int, int, int, int, int, int]]:
    """(merchant, lot, customer, points, remaining, consumed) for lots whose remaining
    does not follow from their consumptions."""
    scope = "true" if merchant_id is None else "merchant_id = :m"
    lot_scope = "true" if merchant_id is None else "l.merchant_id = :m"
    result = await session.execute(
        text(_LOT_MISMATCHES.format(scope=scope, lot_scope=lot_scope)), {"m": merchant_id}
    )
    return [tuple(int(v) for v in r) for r in result.all()]  # type: ignore[misc]
