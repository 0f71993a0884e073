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
    points_lapsed: int


_LEDGER_COLUMNS = (
    "id, customer_id, delta, kind, source, source_ref, idempotency_key, shortfall,"
    " balance_after, reason, actor, created_at"
)
_ORDER_COLUMNS = (
    "merchant_id, shopify_order_id, customer_id, eligible_amount, currency, taxes_included,"
    " points_earned, points_reversed, refunded_amount, cancelled, points_lapsed"
)


def _ledger_row(record: Any) -> LedgerRow:
    return LedgerRow(*record)


# --- postings -------------------------------------------------------------------------
#
# Every statement takes arrays, so a batch of postings costs the same few round trips
# as one. Rows are locked in ascending key order (the arrays are sorted), so two
# transactions locking overlapping sets cannot deadlock on each other.


@dataclass(slots=True)
class AccountState:
    """A locked account as a posting batch sees (and changes) it."""

    balance: int
    lifetime_earned: int
    last_activity_at: datetime | None


# The no-op update takes each row lock and returns the latest committed state.
_LOCK_ACCOUNTS = """
INSERT INTO points_accounts (merchant_id, customer_id, balance, lifetime_earned)
SELECT $1, customer_id, 0, 0 FROM unnest($2::bigint[]) AS a(customer_id) ORDER BY customer_id
ON CONFLICT (merchant_id, customer_id) DO UPDATE SET balance = points_accounts.balance
RETURNING customer_id, balance, lifetime_earned, last_activity_at
"""


async def lock_accounts(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]
) -> dict[int, AccountState]:
    """Create the accounts if needed and lock their rows until the transaction ends.
    Every change to a customer's balance or lots happens under this lock, so postings
    (and expiry) of one customer run one at a time."""
    connection = await driver_connection(session)
    records = await connection.fetch(_LOCK_ACCOUNTS, merchant_id, sorted(set(customer_ids)))
    return {int(c): AccountState(int(b), int(lt), at) for c, b, lt, at in records}


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


@dataclass(frozen=True, slots=True)
class NewLot:
    """A lot to open for the entry with ``idempotency_key`` (written with it)."""

    idempotency_key: str
    points: int
    expires_at: datetime | None
    activity_days: int | None


@dataclass(frozen=True, slots=True)
class Consumption:
    """Points the entry with ``idempotency_key`` takes from a lot (negative: gives back)."""

    idempotency_key: str
    lot_id: int
    points: int


@dataclass(frozen=True, slots=True)
class LotChange:
    """A lot's state after the batch (for lots the batch read and changed)."""

    lot_id: int
    remaining: int
    expires_at: datetime | None


# One statement writes a whole batch: the ledger rows, the lots they open, what they
# take from (or give back to) lots, the lots' new state, and the expiry of lots that
# follow the activity of customers whose lots were not read. Lot writes join the
# inserted rows, or check that every row was inserted: a replayed key writes nothing.
# ids follow the order of the batch (ORDER BY position), so history reads newest first.
_WRITE_POSTINGS = f"""
WITH e AS (
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
), opened AS (
    INSERT INTO points_lots (merchant_id, customer_id, entry_id, points, remaining, expires_at, activity_days)
    SELECT $1, e.customer_id, e.id, n.points, n.points, n.expires_at, n.activity_days
    FROM unnest($13::text[], $14::bigint[], $15::timestamptz[], $16::int[])
        AS n(idempotency_key, points, expires_at, activity_days)
    JOIN e ON e.idempotency_key = n.idempotency_key
    ORDER BY e.id
), consumed AS (
    INSERT INTO points_lot_consumptions (merchant_id, entry_id, lot_id, points)
    SELECT $1, e.id, c.lot_id, c.points
    FROM unnest($17::text[], $18::bigint[], $19::bigint[]) AS c(idempotency_key, lot_id, points)
    JOIN e ON e.idempotency_key = c.idempotency_key
), changed AS (
    UPDATE points_lots AS l SET remaining = u.remaining, expires_at = u.expires_at
    FROM unnest($20::bigint[], $21::bigint[], $22::timestamptz[]) AS u(id, remaining, expires_at)
    WHERE l.merchant_id = $1 AND l.id = u.id AND (SELECT count(*) FROM e) = $25
), moved AS (
    UPDATE points_lots AS l SET expires_at = $23 + make_interval(days => l.activity_days)
    WHERE l.merchant_id = $1 AND l.customer_id = ANY($24::bigint[])
        AND l.remaining > 0 AND l.activity_days IS NOT NULL AND l.expires_at > $23
        AND l.id <> ALL($20::bigint[]) AND (SELECT count(*) FROM e) = $25
)
SELECT * FROM e
"""


async def write_postings(
    session: AsyncSession,
    merchant_id: int,
    entries: Sequence[NewEntry],
    *,
    lots: Sequence[NewLot] = (),
    consumptions: Sequence[Consumption] = (),
    lot_changes: Sequence[LotChange] = (),
    activity_at: datetime | None = None,
    follow_activity_of: Sequence[int] = (),
) -> list[LedgerRow]:
    """Insert ledger rows (skipping any whose idempotency key exists) with their lot
    bookkeeping; returns the rows written, in batch order. The lots of a batch with a
    replayed row are not touched. ``follow_activity_of``: customers whose open lots
    that follow activity move to ``activity_at`` + their days (except the lots in
    ``lot_changes``, whose state is given)."""
    connection = await driver_connection(session)
    records = await connection.fetch(
        _WRITE_POSTINGS,
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
        [n.idempotency_key for n in lots],
        [n.points for n in lots],
        [n.expires_at for n in lots],
        [n.activity_days for n in lots],
        [c.idempotency_key for c in consumptions],
        [c.lot_id for c in consumptions],
        [c.points for c in consumptions],
        [c.lot_id for c in lot_changes],
        [c.remaining for c in lot_changes],
        [c.expires_at for c in lot_changes],
        activity_at,
        sorted(set(follow_activity_of)) if activity_at is not None else [],
        len(entries),
    )
    return sorted((_ledger_row(r) for r in records), key=lambda row: row.id)


_SET_BALANCES = """
UPDATE points_accounts AS a
SET balance = b.balance, lifetime_earned = b.lifetime_earned,
    last_activity_at = COALESCE(b.last_activity_at, a.last_activity_at), updated_at = now()
FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::timestamptz[])
    AS b(customer_id, balance, lifetime_earned, last_activity_at)
WHERE a.merchant_id = $1 AND a.customer_id = b.customer_id
"""


async def set_balances(session: AsyncSession, merchant_id: int, accounts: dict[int, AccountState]) -> None:
    """Write the state of accounts locked by ``lock_accounts``."""
    if not accounts:
        return
    connection = await driver_connection(session)
    ids = sorted(accounts)
    await connection.execute(
        _SET_BALANCES,
        merchant_id,
        ids,
        [accounts[c].balance for c in ids],
        [accounts[c].lifetime_earned for c in ids],
        [accounts[c].last_activity_at for c in ids],
    )


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


async def get_accounts(connection: Any, merchant_id: int, customer_ids: Sequence[int]) -> list[AccountRow]:
    """On a ``platform.db.plain_connection`` (DataLoader batch)."""
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
    connection: Any, merchant_id: int, customer_id: int, *, before_id: int | None, limit: int
) -> list[LedgerRow]:
    """Newest first, keyset-paginated on the id (on a ``platform.db.plain_connection``)."""
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
    connection: Any, merchant_id: int, customer_ids: Sequence[int], *, limit: int
) -> list[LedgerRow]:
    """The newest ``limit`` entries of each customer in one query (DataLoader batch, on
    a ``platform.db.plain_connection``)."""
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
    cancelled = u.cancelled, points_lapsed = u.points_lapsed, updated_at = now()
FROM unnest(
    $2::bigint[], $3::bigint[], $4::numeric[], $5::text[], $6::boolean[], $7::bigint[], $8::bigint[],
    $9::numeric[], $10::boolean[], $11::bigint[]
) AS u(shopify_order_id, customer_id, eligible_amount, currency, taxes_included, points_earned,
    points_reversed, refunded_amount, cancelled, points_lapsed)
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


# --- pending points ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingRow:
    shopify_order_id: int
    customer_id: int
    points: int
    release_at: datetime
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


_DUE_PENDING = """
SELECT merchant_id, shopify_order_id FROM pending_points
WHERE status = 'pending' AND release_at <= $1
ORDER BY release_at
LIMIT $2
"""


async def due_pending(session: AsyncSession, *, now: datetime, limit: int) -> list[tuple[int, int]]:
    """(merchant, order) of pending points due longest, across shops (the release pass)."""
    connection = await driver_connection(session)
    return [(int(m), int(o)) for m, o in await connection.fetch(_DUE_PENDING, now, limit)]


_PENDING_TOTALS = """
SELECT customer_id, SUM(points) FROM pending_points
WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[]) AND status = 'pending'
GROUP BY customer_id
"""


async def pending_points(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]
) -> dict[int, int]:
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(_PENDING_TOTALS, merchant_id, sorted(set(customer_ids)))
    return {int(c): int(p) for c, p in records}


# --- expiry and reminders (the periodic passes, across shops) ----------------------------

_DUE_CUSTOMERS = """
SELECT DISTINCT merchant_id, customer_id FROM (
    SELECT merchant_id, customer_id FROM points_lots
    WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= $1 AND merchant_id <> ALL($3::bigint[])
    ORDER BY expires_at
    LIMIT $2
) due
ORDER BY merchant_id, customer_id
"""


async def customers_with_due_lots(
    session: AsyncSession, *, now: datetime, limit: int, skip_shops: Sequence[int] = ()
) -> list[tuple[int, int]]:
    """(merchant, customer) pairs owning some of the ``limit`` lots due longest, for the
    expiry pass (which then expires all their due lots under their account locks)."""
    connection = await driver_connection(session)
    records = await connection.fetch(_DUE_CUSTOMERS, now, limit, sorted(set(skip_shops)))
    return [(int(m), int(c)) for m, c in records]


_SHOPS_EXPIRING_BETWEEN = """
SELECT DISTINCT merchant_id FROM points_lots
WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at > $1 AND expires_at <= $2
"""


async def shops_with_lots_expiring(session: AsyncSession, *, after: datetime, until: datetime) -> list[int]:
    connection = await driver_connection(session)
    return [int(m) for (m,) in await connection.fetch(_SHOPS_EXPIRING_BETWEEN, after, until)]


# One reminder per customer and expiry date (in the shop's timezone), for every open
# lot expiring within the window; a date already reminded of is left alone.
_RECORD_REMINDERS = """
INSERT INTO points_expiry_reminders (merchant_id, customer_id, expires_on, expires_at, points)
SELECT l.merchant_id, l.customer_id, (l.expires_at AT TIME ZONE s.timezone)::date,
    min(l.expires_at), sum(l.remaining)
FROM points_lots l
JOIN unnest($3::bigint[], $4::text[]) AS s(merchant_id, timezone) ON s.merchant_id = l.merchant_id
WHERE l.remaining > 0 AND l.expires_at IS NOT NULL AND l.expires_at > $1 AND l.expires_at <= $2
GROUP BY l.merchant_id, l.customer_id, (l.expires_at AT TIME ZONE s.timezone)::date
ON CONFLICT (merchant_id, customer_id, expires_on) DO NOTHING
RETURNING id
"""


async def record_expiry_reminders(
    session: AsyncSession, *, after: datetime, until: datetime, timezones: dict[int, str]
) -> int:
    """Record the reminders due for lots expiring in (after, until]; returns how many."""
    if not timezones:
        return 0
    connection = await driver_connection(session)
    shops = sorted(timezones)
    records = await connection.fetch(_RECORD_REMINDERS, after, until, shops, [timezones[m] for m in shops])
    return len(records)


_SHOPS_WITH_DUE_REMINDERS = """
SELECT DISTINCT merchant_id FROM points_expiry_reminders WHERE status = 'due' AND expires_at > $1
"""

# A due reminder whose date no longer has points expiring (spent, or moved by activity)
# would tell the customer something untrue: it is cancelled.
_CANCEL_STALE_REMINDERS = """
UPDATE points_expiry_reminders AS r SET status = 'cancelled'
FROM unnest($2::bigint[], $3::text[]) AS s(merchant_id, timezone)
WHERE r.merchant_id = s.merchant_id AND r.status = 'due' AND r.expires_at > $1
    AND NOT EXISTS (
        SELECT 1 FROM points_lots l
        WHERE l.merchant_id = r.merchant_id AND l.customer_id = r.customer_id AND l.remaining > 0
            AND l.expires_at IS NOT NULL AND (l.expires_at AT TIME ZONE s.timezone)::date = r.expires_on
    )
RETURNING r.id
"""


async def shops_with_due_reminders(session: AsyncSession, *, now: datetime) -> list[int]:
    connection = await driver_connection(session)
    return [int(m) for (m,) in await connection.fetch(_SHOPS_WITH_DUE_REMINDERS, now)]


async def cancel_stale_reminders(session: AsyncSession, *, now: datetime, timezones: dict[int, str]) -> int:
    if not timezones:
        return 0
    connection = await driver_connection(session)
    shops = sorted(timezones)
    records = await connection.fetch(_CANCEL_STALE_REMINDERS, now, shops, [timezones[m] for m in shops])
    return len(records)


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
