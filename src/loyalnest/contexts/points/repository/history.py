"""Reads for a shop's export (the imports context writes every customer out in
batches): what customers spent, and their ledger entries in order with the expiry of
the lot each positive entry opened. On a ``platform.db.plain_connection``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class HistoryRow:
    id: int
    customer_id: int
    delta: int
    kind: str
    reason: str | None
    created_at: datetime
    lot_expires_at: datetime | None
    # a debit's: the entry that opened the lot it took from first; a returned
    # redemption's: the redemption it gives back to
    takes_from: int | None
    # a debit's: what it asked for and could not take (a reversal of points spent)
    shortfall: int


# redemptions less what was given back of them
_SPENT = """
SELECT customer_id, sum(-delta)
FROM points_ledger
WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[])
  AND ((kind = 'redeem' AND delta < 0) OR (kind = 'redeem_return' AND delta > 0))
GROUP BY customer_id
"""

# the customers' entries in (customer, id) order from after ($3, $4): one range of the
# (merchant_id, customer_id, id) index per page; a debit with the entry whose lot it
# took from first (its consumptions' primary key leads there), a returned redemption
# with the redemption it gives back to (its lots are refilled, not a new one opened)
_HISTORY = """
SELECT e.id, e.customer_id, e.delta, e.kind, e.reason, e.created_at, l.expires_at,
    CASE WHEN e.delta < 0 THEN (
        SELECT f.entry_id FROM points_lot_consumptions c
        JOIN points_lots f ON f.merchant_id = c.merchant_id AND f.id = c.lot_id
        WHERE c.merchant_id = e.merchant_id AND c.entry_id = e.id AND c.points > 0
        ORDER BY c.seq, f.id LIMIT 1
    ) WHEN e.kind = 'redeem_return' THEN (
        SELECT r.id FROM points_ledger r
        WHERE r.merchant_id = e.merchant_id AND r.customer_id = e.customer_id AND r.kind = 'redeem'
            AND r.source = e.source AND r.source_ref = e.source_ref AND r.id < e.id
        ORDER BY r.id LIMIT 1
    ) END,
    e.shortfall
FROM points_ledger e
LEFT JOIN points_lots l ON l.merchant_id = e.merchant_id AND l.entry_id = e.id
WHERE e.merchant_id = $1 AND e.customer_id = ANY($2::bigint[]) AND (e.customer_id, e.id) > ($3, $4)
ORDER BY e.customer_id, e.id
LIMIT $5
"""


async def points_spent(connection: Any, merchant_id: int, customer_ids: Sequence[int]) -> dict[int, int]:
    """{customer id: points redeemed, less those returned} for customers with any."""
    records = await connection.fetch(_SPENT, merchant_id, sorted(set(customer_ids)))
    return {int(customer_id): int(spent) for customer_id, spent in records}


async def history_page(
    connection: Any,
    merchant_id: int,
    customer_ids: Sequence[int],
    *,
    after: tuple[int, int],
    limit: int,
) -> list[HistoryRow]:
    records = await connection.fetch(
        _HISTORY, merchant_id, sorted(set(customer_ids)), after[0], after[1], limit
    )
    return [HistoryRow(*r) for r in records]
