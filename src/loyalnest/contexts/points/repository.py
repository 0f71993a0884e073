"""All SQL of the points context; every call takes the merchant id.

The posting path (order row, account lock, ledger row, balance) runs once per order
webhook, so its statements are plain SQL sent as asyncpg prepared statements on the
session's own connection and transaction (``platform.db.driver_connection``): for a
one-row statement SQLAlchemy's own overhead is several times the database's work.
Rows come back as small dataclasses, not ORM objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection


@dataclass(frozen=True, slots=True)
class AccountRow:
    customer_id: int
    balance: int
    lifetime_earned: int


@dataclass(frozen=True, slots=True)
class LedgerRow:
    id: int
    customer_id: int
    delta: int
    kind: str
    source: str
    source_ref: str | None
    idempotency_key: str
    shortfall: int
    balance_after: int
    reason: str | None
    actor: str | None
    created_at: datetime


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


_LEDGER_COLUMNS = (
    "id, customer_id, delta, kind, source, source_ref, idempotency_key, shortfall,"
    " balance_after, reason, actor, created_at"
)
_ORDER_COLUMNS = (
    "merchant_id, shopify_order_id, customer_id, eligible_amount, currency, taxes_included,"
    " points_earned, points_reversed, refunded_amount, cancelled"
)


def _ledger_row(record: Any) -> LedgerRow:
    return LedgerRow(*record)


# --- postings -------------------------------------------------------------------------
#
# Every statement takes arrays, so a batch of postings costs the same few round trips
# as one. Rows are locked in ascending key order (the arrays are sorted), so two
# transactions locking overlapping sets cannot deadlock on each other.

# The no-op update takes each row lock and returns the latest committed state.
_LOCK_ACCOUNTS = """
INSERT INTO points_accounts (merchant_id, customer_id, balance, lifetime_earned)
SELECT $1, customer_id, 0, 0 FROM unnest($2::bigint[]) AS a(customer_id) ORDER BY customer_id
ON CONFLICT (merchant_id, customer_id) DO UPDATE SET balance = points_accounts.balance
RETURNING customer_id, balance, lifetime_earned
"""


async def lock_accounts(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]
) -> dict[int, tuple[int, int]]:
    """Create the accounts if needed and lock their rows until the transaction ends
    (serialising postings per customer); returns {customer_id: (balance, lifetime)}."""
    connection = await driver_connection(session)
    records = await connection.fetch(_LOCK_ACCOUNTS, merchant_id, sorted(set(customer_ids)))
    return {int(c): (int(b), int(lt)) for c, b, lt in records}


@dataclass(frozen=True, slots=True)
class NewEntry:
    customer_id: int
    delta: int
    kind: str
    source: str
    source_ref: str | None
    idempotency_key: str
    shortfall: int
    balance_after: int
    reason: str | None
    actor: str | None


# ids follow the order of the batch (ORDER BY position), so history reads newest first
_INSERT_ENTRIES = f"""
INSERT INTO points_ledger (
    merchant_id, customer_id, delta, kind, source, source_ref, idempotency_key, shortfall,
    balance_after, reason, actor
)
SELECT $1, customer_id, delta, kind, source, source_ref, idempotency_key, shortfall,
    balance_after, reason, actor
FROM unnest(
    $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],
    $9::bigint[], $10::text[], $11::text[], $12::int[]
) AS e(customer_id, delta, kind, source, source_ref, idempotency_key, shortfall, balance_after,
    reason, actor, position)
ORDER BY position
ON CONFLICT (merchant_id, idempotency_key) DO NOTHING
RETURNING {_LEDGER_COLUMNS}
"""


async def insert_entries(
    session: AsyncSession, merchant_id: int, entries: Sequence[NewEntry]
) -> list[LedgerRow]:
    """Insert ledger rows, skipping any whose idempotency key exists; returns the rows
    written (in batch order)."""
    connection = await driver_connection(session)
    records = await connection.fetch(
        _INSERT_ENTRIES,
        merchant_id,
        [e.customer_id for e in entries],
        [e.delta for e in entries],
        [e.kind for e in entries],
        [e.source for e in entries],
        [e.source_ref for e in entries],
        [e.idempotency_key for e in entries],
        [e.shortfall for e in entries],
        [e.balance_after for e in entries],
        [e.reason for e in entries],
        [e.actor for e in entries],
        list(range(len(entries))),
    )
    return sorted((_ledger_row(r) for r in records), key=lambda row: row.id)


_SET_BALANCES = """
UPDATE points_accounts AS a
SET balance = b.balance, lifetime_earned = b.lifetime_earned, updated_at = now()
FROM unnest($2::bigint[], $3::bigint[], $4::bigint[]) AS b(customer_id, balance, lifetime_earned)
WHERE a.merchant_id = $1 AND a.customer_id = b.customer_id
"""


async def set_balances(session: AsyncSession, merchant_id: int, balances: dict[int, tuple[int, int]]) -> None:
    """Write {customer_id: (balance, lifetime)} to accounts locked by ``lock_accounts``."""
    if not balances:
        return
    connection = await driver_connection(session)
    ids = sorted(balances)
    await connection.execute(
        _SET_BALANCES, merchant_id, ids, [balances[c][0] for c in ids], [balances[c][1] for c in ids]
    )


_ENTRY_BY_KEY = f"""
SELECT {_LEDGER_COLUMNS} FROM points_ledger WHERE merchant_id = $1 AND idempotency_key = $2
"""


async def get_entry_by_key(session: AsyncSession, merchant_id: int, idempotency_key: str) -> LedgerRow | None:
    connection = await driver_connection(session)
    record = await connection.fetchrow(_ENTRY_BY_KEY, merchant_id, idempotency_key)
    return None if record is None else _ledger_row(record)


# --- reads (GraphQL, DataLoaders) -----------------------------------------------------

_ACCOUNTS = """
SELECT customer_id, balance, lifetime_earned FROM points_accounts
WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[])
"""


async def get_accounts(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]
) -> list[AccountRow]:
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(_ACCOUNTS, merchant_id, list(customer_ids))
    return [AccountRow(int(c), int(b), int(lt)) for c, b, lt in records]


_ENTRIES = f"""
SELECT {_LEDGER_COLUMNS} FROM points_ledger
WHERE merchant_id = $1 AND customer_id = $2
ORDER BY id DESC LIMIT $3
"""
_ENTRIES_BEFORE = f"""
SELECT {_LEDGER_COLUMNS} FROM points_ledger
WHERE merchant_id = $1 AND customer_id = $2 AND id < $4
ORDER BY id DESC LIMIT $3
"""


async def list_entries(
    session: AsyncSession, merchant_id: int, customer_id: int, *, before_id: int | None, limit: int
) -> list[LedgerRow]:
    """Newest first, keyset-paginated on the id."""
    connection = await driver_connection(session, transactional=False)
    if before_id is None:
        records = await connection.fetch(_ENTRIES, merchant_id, customer_id, limit)
    else:
        records = await connection.fetch(_ENTRIES_BEFORE, merchant_id, customer_id, limit, before_id)
    return [_ledger_row(r) for r in records]


# one index range scan per customer (merchant_id, customer_id, id), newest first
_ENTRIES_FOR_CUSTOMERS = f"""
SELECT e.* FROM unnest($2::bigint[]) AS c(customer_id)
CROSS JOIN LATERAL (
    SELECT {_LEDGER_COLUMNS} FROM points_ledger l
    WHERE l.merchant_id = $1 AND l.customer_id = c.customer_id
    ORDER BY l.id DESC LIMIT $3
) e
ORDER BY e.customer_id, e.id DESC
"""


async def list_entries_for_customers(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], *, limit: int
) -> list[LedgerRow]:
    """The newest ``limit`` entries of each customer in one query (DataLoader batch)."""
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(_ENTRIES_FOR_CUSTOMERS, merchant_id, sorted(set(customer_ids)), limit)
    return [_ledger_row(r) for r in records]


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
    return {int(r[1]): OrderRow(*r) for r in records}


async def upsert_order(session: AsyncSession, merchant_id: int, shopify_order_id: int) -> OrderRow:
    return (await upsert_orders(session, merchant_id, [shopify_order_id]))[shopify_order_id]


_UPDATE_ORDERS = """
UPDATE order_points AS o
SET customer_id = u.customer_id, eligible_amount = u.eligible_amount, currency = u.currency,
    taxes_included = u.taxes_included, points_earned = u.points_earned,
    points_reversed = u.points_reversed, refunded_amount = u.refunded_amount,
    cancelled = u.cancelled, updated_at = now()
FROM unnest(
    $2::bigint[], $3::bigint[], $4::numeric[], $5::text[], $6::boolean[], $7::bigint[], $8::bigint[],
    $9::numeric[], $10::boolean[]
) AS u(shopify_order_id, customer_id, eligible_amount, currency, taxes_included, points_earned,
    points_reversed, refunded_amount, cancelled)
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
    )


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


# --- invariants -----------------------------------------------------------------------


async def find_ledger_mismatches(
    session: AsyncSession, merchant_id: int | None
) -> list[tuple[int, int, int, int]]:
    """Accounts whose balance differs from the sum of their ledger rows."""
    sql = """
        SELECT a.merchant_id, a.customer_id, a.balance, COALESCE(l.total, 0) AS ledger_sum
        FROM points_accounts a
        LEFT JOIN (
            SELECT merchant_id, customer_id, SUM(delta) AS total
            FROM points_ledger
            {where_ledger}
            GROUP BY merchant_id, customer_id
        ) l ON l.merchant_id = a.merchant_id AND l.customer_id = a.customer_id
        WHERE a.balance <> COALESCE(l.total, 0) {and_account}
        UNION ALL
        SELECT l.merchant_id, l.customer_id, 0, SUM(l.delta)
        FROM points_ledger l
        LEFT JOIN points_accounts a ON a.merchant_id = l.merchant_id AND a.customer_id = l.customer_id
        WHERE a.customer_id IS NULL {and_ledger}
        GROUP BY l.merchant_id, l.customer_id
        HAVING SUM(l.delta) <> 0
    """
    if merchant_id is None:
        sql = sql.format(where_ledger="", and_account="", and_ledger="")
        rows = (await session.execute(text(sql))).all()
    else:
        sql = sql.format(
            where_ledger="WHERE merchant_id = :m",
            and_account="AND a.merchant_id = :m",
            and_ledger="AND l.merchant_id = :m",
        )
        rows = (await session.execute(text(sql), {"m": merchant_id})).all()
    return [(int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]
