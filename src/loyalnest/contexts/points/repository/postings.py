"""Ledger writes: locking accounts, writing a batch of postings with their lot
bookkeeping, balances.

The posting path runs for every earning, spend and reversal, so its statements are
plain SQL sent as asyncpg prepared statements on the session's own connection and
transaction (``platform.db.driver_connection``): for a one-row statement SQLAlchemy's
own overhead is several times the database's work. Rows come back as small
dataclasses, not ORM objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection


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
    origin_type: str | None = None
    origin_id: int | None = None


LEDGER_COLUMNS = (
    "id, customer_id, delta, kind, source, source_ref, idempotency_key, shortfall,"
    " balance_after, reason, actor, created_at, origin_type, origin_id"
)


def ledger_row(record: Any) -> LedgerRow:
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
    origin_type: str | None = None
    origin_id: int | None = None
    # None: now (the database's clock); set only for history an import brings
    created_at: datetime | None = None


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
    # the order the entry took from its lots in (0 first): a reversal takes from its
    # earning's own lot first, which an export's history says so a re-import can too
    seq: int = 0


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
# Only what the database decides comes back (id, time): the rest is what was sent, and
# a batch of orders with tier and campaign parts writes a thousand rows or more.
_WRITE_POSTINGS = """
WITH e AS (
    INSERT INTO points_ledger (
        merchant_id, customer_id, delta, kind, source, source_ref, idempotency_key, shortfall,
        balance_after, reason, actor, origin_type, origin_id, created_at
    )
    SELECT $1, customer_id, delta, kind, source, source_ref, idempotency_key, shortfall,
        balance_after, reason, actor, origin_type, origin_id, COALESCE(created_at, now())
    FROM unnest(
        $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],
        $9::bigint[], $10::text[], $11::text[], $12::int[], $26::text[], $27::bigint[],
        $28::timestamptz[]
    ) AS e(customer_id, delta, kind, source, source_ref, idempotency_key, shortfall, balance_after,
        reason, actor, position, origin_type, origin_id, created_at)
    ORDER BY position
    ON CONFLICT (merchant_id, idempotency_key) DO NOTHING
    RETURNING id, customer_id, idempotency_key, created_at
), opened AS (
    INSERT INTO points_lots (merchant_id, customer_id, entry_id, points, remaining, expires_at, activity_days)
    SELECT $1, e.customer_id, e.id, n.points, n.points, n.expires_at, n.activity_days
    FROM unnest($13::text[], $14::bigint[], $15::timestamptz[], $16::int[])
        AS n(idempotency_key, points, expires_at, activity_days)
    JOIN e ON e.idempotency_key = n.idempotency_key
    ORDER BY e.id
), consumed AS (
    INSERT INTO points_lot_consumptions (merchant_id, entry_id, lot_id, points, seq)
    SELECT $1, e.id, c.lot_id, c.points, c.seq
    FROM unnest($17::text[], $18::bigint[], $19::bigint[], $29::smallint[])
        AS c(idempotency_key, lot_id, points, seq)
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
SELECT idempotency_key, id, created_at FROM e
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
) -> dict[str, tuple[int, datetime]]:
    """Insert ledger rows (skipping any whose idempotency key exists) with their lot
    bookkeeping; returns {idempotency key: (id, created at)} of the rows written. The lots of a batch with a
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
        [e.origin_type for e in entries],
        [e.origin_id for e in entries],
        [e.created_at for e in entries],
        [c.seq for c in consumptions],
    )
    return {key: (int(entry_id), created_at) for key, entry_id, created_at in records}


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


_ENTRY_BY_KEY = f"""
SELECT {LEDGER_COLUMNS} FROM points_ledger WHERE merchant_id = $1 AND idempotency_key = $2
"""


async def get_entry_by_key(session: AsyncSession, merchant_id: int, idempotency_key: str) -> LedgerRow | None:
    connection = await driver_connection(session)
    record = await connection.fetchrow(_ENTRY_BY_KEY, merchant_id, idempotency_key)
    return None if record is None else ledger_row(record)


_ENTRIES_BY_KEYS = f"""
SELECT {LEDGER_COLUMNS} FROM points_ledger WHERE merchant_id = $1 AND idempotency_key = ANY($2::text[])
"""


async def get_entries_by_keys(
    session: AsyncSession, merchant_id: int, keys: Sequence[str]
) -> list[LedgerRow]:
    connection = await driver_connection(session)
    return [ledger_row(r) for r in await connection.fetch(_ENTRIES_BY_KEYS, merchant_id, sorted(set(keys)))]


async def customers_with_entries_besides(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], key_prefixes: Sequence[str]
) -> set[int]:
    """Of these customers, those with a ledger entry whose key starts with none of
    ``key_prefixes`` (one probe per customer, through its rows' index)."""
    if not customer_ids:
        return set()
    connection = await driver_connection(session)
    rows = await connection.fetch(
        """
        SELECT c.customer_id FROM unnest($2::bigint[]) AS c(customer_id)
        WHERE EXISTS (
            SELECT 1 FROM points_ledger l
            WHERE l.merchant_id = $1 AND l.customer_id = c.customer_id
              AND NOT l.idempotency_key LIKE ANY($3::text[])
        )
        """,
        merchant_id,
        list(customer_ids),
        [prefix.replace("%", r"\%").replace("_", r"\_") + "%" for prefix in key_prefixes],
    )
    return {int(r[0]) for r in rows}


_KEYED_CREDITS = """
SELECT c.customer_id, coalesce(sum(l.delta), 0), coalesce(sum(lot.remaining), 0)
FROM unnest($2::bigint[], $3::text[], $4::text[]) AS c(customer_id, key, pattern)
JOIN points_ledger l ON l.merchant_id = $1 AND l.customer_id = c.customer_id AND l.delta > 0
    AND (l.idempotency_key = c.key OR l.idempotency_key LIKE c.pattern)
LEFT JOIN points_lots lot ON lot.merchant_id = $1 AND lot.entry_id = l.id
GROUP BY c.customer_id
"""


async def keyed_credits(
    session: AsyncSession, merchant_id: int, keys: dict[int, str]
) -> dict[int, tuple[int, int]]:
    """{customer: (points credited, points still in their lots)} of each customer's
    credits keyed ``keys[customer]`` or ``keys[customer]:...`` (an import's)."""
    if not keys:
        return {}
    connection = await driver_connection(session)
    ids = sorted(keys)
    patterns = [keys[c].replace("%", r"\%").replace("_", r"\_") + ":%" for c in ids]
    rows = await connection.fetch(_KEYED_CREDITS, merchant_id, ids, [keys[c] for c in ids], patterns)
    return {int(c): (int(credited), int(remaining)) for c, credited, remaining in rows}


# --- what a customer's rows of an origin add up to (the caps and reach of campaigns) ---
#
# Both probe each customer's rows through (merchant_id, customer_id, id), one customer
# at a time (LATERAL): their cost follows the customers asked about, never the shop.

_ORIGINS_BEFORE = """
SELECT t.customer_id, o.origin_id
FROM unnest($3::bigint[], $4::bigint[]) AS t(customer_id, before_id)
CROSS JOIN LATERAL (
    SELECT DISTINCT l.origin_id FROM points_ledger AS l
    WHERE l.merchant_id = $1 AND l.customer_id = t.customer_id AND l.id < t.before_id
        AND l.origin_type = $2 AND l.origin_id = ANY($5::bigint[])
) AS o
"""


async def origins_before(
    session: AsyncSession,
    merchant_id: int,
    origin_type: str,
    origin_ids: Sequence[int],
    before: dict[int, int],
) -> set[tuple[int, int]]:
    """{(customer, origin id)}: which of ``origin_ids`` the customer's rows posted
    before entry ``before[customer]`` carry."""
    if not before or not origin_ids:
        return set()
    connection = await driver_connection(session)
    customers = sorted(before)
    records = await connection.fetch(
        _ORIGINS_BEFORE,
        merchant_id,
        origin_type,
        customers,
        [before[c] for c in customers],
        sorted(set(origin_ids)),
    )
    return {(int(c), int(o)) for c, o in records}


_ORIGIN_TOTALS = """
SELECT t.customer_id, o.origin_id, o.earnings, o.points
FROM unnest($3::bigint[]) AS t(customer_id)
CROSS JOIN LATERAL (
    SELECT l.origin_id, count(*) FILTER (WHERE l.delta > 0)::int AS earnings, sum(l.delta)::bigint AS points
    FROM points_ledger AS l
    WHERE l.merchant_id = $1 AND l.customer_id = t.customer_id
        AND l.origin_type = $2 AND l.origin_id = ANY($4::bigint[])
    GROUP BY l.origin_id
) AS o
"""


async def origin_totals(
    session: AsyncSession,
    merchant_id: int,
    origin_type: str,
    origin_ids: Sequence[int],
    customer_ids: Sequence[int],
) -> dict[tuple[int, int], tuple[int, int]]:
    """{(customer, origin id): (rows that earned, net points)} of the customers' rows
    of these origins (reversals count in the points, not in the earnings)."""
    if not customer_ids or not origin_ids:
        return {}
    connection = await driver_connection(session)
    records = await connection.fetch(
        _ORIGIN_TOTALS, merchant_id, origin_type, sorted(set(customer_ids)), sorted(set(origin_ids))
    )
    return {(int(c), int(o)): (int(n), int(p)) for c, o, n, p in records}


async def erase_reason_mentions(
    session: AsyncSession, merchant_id: int, customer_id: int, values: Sequence[str]
) -> None:
    """Replace each value in the customer's ledger reasons (a staff note may name them)
    with "[erased]": the rows' amounts, kinds and dates stay."""
    connection = await driver_connection(session)
    for value in values:
        await connection.execute(
            "UPDATE points_ledger SET reason = replace(reason, $3, '[erased]')"
            " WHERE merchant_id = $1 AND customer_id = $2 AND strpos(reason, $3) > 0",
            merchant_id,
            customer_id,
            value,
        )
