"""Opening balances brought by an import, written set-based: for customers without an
account, the account, the ledger rows and the lots of a whole chunk in one statement
(see ``ledger.openings`` for what is written and why it equals the posting path)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection


@dataclass(frozen=True, slots=True)
class OpenedEntry:
    """A ledger row the statement wrote: its id, customer, and whether it is the debit."""

    id: int
    customer_id: int
    spent: bool


# Accounts first, ON CONFLICT DO NOTHING: a customer with an account already (another
# posting, or an earlier chunk's) is not returned, and the caller posts theirs through
# the posting path, which reads their lots. The ledger rows of the new accounts only,
# credits then debits, in one INSERT ordered like that (ids follow it: each debit after
# its credit, as two posting batches give); the credit's lot is opened holding what is
# left after the debit, and the debit's consumption of it is recorded. Keys were checked
# free beforehand under the shop's one running import: a conflict means they were not,
# and the caller rolls back (the count of rows written is returned for that).
_WRITE_OPENINGS = """
WITH input AS (
    SELECT * FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[])
        WITH ORDINALITY AS i(customer_id, earned, balance, credit_key, spent_key, n)
), accounts AS (
    INSERT INTO points_accounts (merchant_id, customer_id, balance, lifetime_earned, last_activity_at,
                                 updated_at)
    SELECT $1, customer_id, balance, earned, $7::timestamptz, now() FROM input ORDER BY customer_id
    ON CONFLICT (merchant_id, customer_id) DO NOTHING
    RETURNING customer_id
), parts AS (
    SELECT i.customer_id, i.earned AS delta, i.credit_key AS key, i.earned AS balance_after,
           $10::text AS reason, 1 AS part, i.n
    FROM input i JOIN accounts a USING (customer_id)
    UNION ALL
    SELECT i.customer_id, i.balance - i.earned, i.spent_key, i.balance, $11::text, 2, i.n
    FROM input i JOIN accounts a USING (customer_id)
    WHERE i.earned > i.balance
), entries AS (
    INSERT INTO points_ledger (merchant_id, customer_id, delta, kind, source, source_ref, idempotency_key,
                               shortfall, balance_after, reason, actor, created_at)
    SELECT $1, customer_id, delta, 'import', $8::text, $9::text, key, 0, balance_after, reason, $12::text,
           now()
    FROM parts ORDER BY part, n
    ON CONFLICT (merchant_id, idempotency_key) DO NOTHING
    RETURNING id, customer_id, delta < 0 AS spent
), lots AS (
    INSERT INTO points_lots (merchant_id, customer_id, entry_id, points, remaining, expires_at, activity_days)
    SELECT $1, e.customer_id, e.id, i.earned, i.balance, $13::timestamptz, $14::int
    FROM entries e JOIN input i USING (customer_id)
    WHERE NOT e.spent
    ORDER BY e.id
    RETURNING id, customer_id
), consumed AS (
    INSERT INTO points_lot_consumptions (merchant_id, entry_id, lot_id, points)
    SELECT $1, e.id, l.id, i.earned - i.balance
    FROM entries e JOIN lots l USING (customer_id) JOIN input i USING (customer_id)
    WHERE e.spent
)
SELECT id, customer_id, spent FROM entries
"""


_TAKEN_KEYS = """
SELECT k.key FROM unnest($2::text[]) AS k(key)
CROSS JOIN LATERAL (
    SELECT 1 FROM points_ledger l WHERE l.merchant_id = $1 AND l.idempotency_key = k.key OFFSET 0
) AS f
"""


async def taken_keys(session: AsyncSession, merchant_id: int, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` the shop's ledger holds: one index probe per key (a LATERAL
    subquery, ``OFFSET 0`` keeping the planner from pulling it up into a join).
    Not ``= ANY($2)``: under a generic plan a scan searches the array element by
    element for every row it reads, and a chunk sends ten thousand keys (half a minute
    at 100,000 rows, measured before the table's statistics were gathered); nor a join,
    which stale statistics plan as a scan of the shop's whole ledger per chunk."""
    if not keys:
        return set()
    connection = await driver_connection(session)
    return {str(r[0]) for r in await connection.fetch(_TAKEN_KEYS, merchant_id, list(keys))}


async def write_openings(
    session: AsyncSession,
    merchant_id: int,
    *,
    customer_ids: Sequence[int],
    earned: Sequence[int],
    balances: Sequence[int],
    credit_keys: Sequence[str],
    spent_keys: Sequence[str],
    now: datetime,
    source: str,
    source_ref: str | None,
    reason: str | None,
    spent_reason: str | None,
    actor: str | None,
    expires_at: datetime | None,
    activity_days: int | None,
) -> list[OpenedEntry]:
    """Write the openings of customers without an account (one customer once; each
    ``earned[i] >= balances[i]``, ``earned[i] > 0``); returns the rows written, in id order
    (the customers with an account already have none)."""
    if not customer_ids:
        return []
    connection = await driver_connection(session)
    records = await connection.fetch(
        _WRITE_OPENINGS,
        merchant_id,
        list(customer_ids),
        list(earned),
        list(balances),
        list(credit_keys),
        list(spent_keys),
        now,
        source,
        source_ref,
        reason,
        spent_reason,
        actor,
        expires_at,
        activity_days,
    )
    return sorted((OpenedEntry(int(r[0]), int(r[1]), bool(r[2])) for r in records), key=lambda e: e.id)
