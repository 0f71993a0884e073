"""All SQL of the tiers context; every call takes the merchant id, except the scan of
the periodic pass, which finds the shops with due customers and hands back their ids.

Plain SQL as asyncpg prepared statements on the session's connection (like rewards and
points): the multiplier step and the handlers run on the earning hot path, and the
re-tier writes thousands of rows per statement (``unnest`` of arrays).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection

# --- tiers ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TierRow:
    merchant_id: int
    id: int
    rank: int | None
    threshold: Decimal
    multiplier: Decimal
    multiplied_triggers: list[str]
    entry_bonus_points: int
    entry_reward_id: int | None
    default_locale: str
    names: dict[str, str]
    perks: dict[str, str]
    deleted_at: datetime | None
    created_at: datetime
    updated_at: datetime


_TIER_COLUMNS = ", ".join(TierRow.__slots__)
# written by a create or an update, in this order ($3...)
_TIER_FIELDS = (
    "rank",
    "threshold",
    "multiplier",
    "multiplied_triggers",
    "entry_bonus_points",
    "entry_reward_id",
    "default_locale",
    "names",
    "perks",
)
_JSON_FIELDS = {"multiplied_triggers", "names", "perks"}


def _tier(record: Any) -> TierRow:
    return TierRow(*record)


def _tier_params(values: dict[str, Any]) -> list[Any]:
    return [orjson.dumps(values[n]).decode() if n in _JSON_FIELDS else values[n] for n in _TIER_FIELDS]


def _casts(start: int) -> list[str]:
    return [f"${start + i}{'::jsonb' if n in _JSON_FIELDS else ''}" for i, n in enumerate(_TIER_FIELDS)]


_INSERT_TIER = f"""
INSERT INTO tiers (merchant_id, {", ".join(_TIER_FIELDS)})
VALUES ($1, {", ".join(_casts(2))})
RETURNING {_TIER_COLUMNS}
"""
_UPDATE_TIER = f"""
UPDATE tiers SET {", ".join(f"{n} = {c}" for n, c in zip(_TIER_FIELDS, _casts(3), strict=True))},
    updated_at = now()
WHERE merchant_id = $1 AND id = $2 AND deleted_at IS NULL
RETURNING {_TIER_COLUMNS}
"""
_LIVE_TIERS = f"""
SELECT {_TIER_COLUMNS} FROM tiers WHERE merchant_id = $1 AND deleted_at IS NULL ORDER BY rank
"""
_TIERS_BY_ID = f"SELECT {_TIER_COLUMNS} FROM tiers WHERE merchant_id = $1 AND id = ANY($2::bigint[])"
_EXISTING_TIER_IDS = """
SELECT id FROM tiers WHERE merchant_id = $1 AND id = ANY($2::bigint[]) AND deleted_at IS NULL
"""
# the ranks above a new tier's move up one (the unique constraint is checked at commit)
_SHIFT_RANKS = """
UPDATE tiers SET rank = rank + $3, updated_at = now()
WHERE merchant_id = $1 AND deleted_at IS NULL AND rank >= $2
"""
_DELETE_TIER = f"""
UPDATE tiers SET deleted_at = now(), rank = NULL, updated_at = now()
WHERE merchant_id = $1 AND id = $2 AND deleted_at IS NULL
RETURNING {_TIER_COLUMNS}
"""


async def insert_tier(session: AsyncSession, merchant_id: int, values: dict[str, Any]) -> TierRow:
    connection = await driver_connection(session)
    return _tier(await connection.fetchrow(_INSERT_TIER, merchant_id, *_tier_params(values)))


async def update_tier(
    session: AsyncSession, merchant_id: int, tier_id: int, values: dict[str, Any]
) -> TierRow:
    connection = await driver_connection(session)
    return _tier(await connection.fetchrow(_UPDATE_TIER, merchant_id, tier_id, *_tier_params(values)))


async def shift_ranks(session: AsyncSession, merchant_id: int, *, from_rank: int, by: int) -> None:
    connection = await driver_connection(session)
    await connection.execute(_SHIFT_RANKS, merchant_id, from_rank, by)


async def delete_tier(session: AsyncSession, merchant_id: int, tier_id: int) -> TierRow | None:
    """Soft delete (the history keeps naming it); None when no live tier has this id."""
    connection = await driver_connection(session)
    record = await connection.fetchrow(_DELETE_TIER, merchant_id, tier_id)
    return None if record is None else _tier(record)


async def live_tiers(session: AsyncSession, merchant_id: int, *, transactional: bool = True) -> list[TierRow]:
    """The shop's ladder, lowest rank first."""
    connection = await driver_connection(session, transactional=transactional)
    return [_tier(r) for r in await connection.fetch(_LIVE_TIERS, merchant_id)]


async def tiers_by_id(
    session: AsyncSession, merchant_id: int, tier_ids: Sequence[int], *, transactional: bool = True
) -> list[TierRow]:
    """Deleted ones included (history names them)."""
    connection = await driver_connection(session, transactional=transactional)
    return [_tier(r) for r in await connection.fetch(_TIERS_BY_ID, merchant_id, list(tier_ids))]


async def existing_tier_ids(
    session: AsyncSession, merchant_id: int, tier_ids: Sequence[int], *, transactional: bool = True
) -> set[int]:
    connection = await driver_connection(session, transactional=transactional)
    return {int(r[0]) for r in await connection.fetch(_EXISTING_TIER_IDS, merchant_id, list(tier_ids))}


# --- settings -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettingsRow:
    merchant_id: int
    metric: str
    period: str
    retention: str
    updated_at: datetime


_SETTINGS_COLUMNS = ", ".join(SettingsRow.__slots__)
_SETTINGS = f"SELECT {_SETTINGS_COLUMNS} FROM tier_settings WHERE merchant_id = $1"
_ENSURE_SETTINGS = "INSERT INTO tier_settings (merchant_id) VALUES ($1) ON CONFLICT (merchant_id) DO NOTHING"
# every change of a shop's ladder or settings takes this lock first: they queue up, so
# the 10-tier limit and the increasing thresholds hold against concurrent edits
_LOCK_SETTINGS = _SETTINGS + " FOR UPDATE"
_UPDATE_SETTINGS = f"""
UPDATE tier_settings SET metric = $2, period = $3, retention = $4, updated_at = now()
WHERE merchant_id = $1
RETURNING {_SETTINGS_COLUMNS}
"""


async def get_settings(
    session: AsyncSession, merchant_id: int, *, transactional: bool = True
) -> SettingsRow | None:
    """None: the shop never changed them (the defaults apply)."""
    connection = await driver_connection(session, transactional=transactional)
    record = await connection.fetchrow(_SETTINGS, merchant_id)
    return None if record is None else SettingsRow(*record)


async def lock_settings(session: AsyncSession, merchant_id: int) -> SettingsRow:
    connection = await driver_connection(session)
    await connection.execute(_ENSURE_SETTINGS, merchant_id)
    return SettingsRow(*await connection.fetchrow(_LOCK_SETTINGS, merchant_id))


async def update_settings(
    session: AsyncSession, merchant_id: int, *, metric: str, period: str, retention: str
) -> SettingsRow:
    connection = await driver_connection(session)
    return SettingsRow(*await connection.fetchrow(_UPDATE_SETTINGS, merchant_id, metric, period, retention))


# --- customers' standing ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StandingRow:
    merchant_id: int
    customer_id: int
    tier_id: int | None
    metric_value: Decimal
    earned_tier_id: int | None
    qualified_at: datetime | None
    retain_until: datetime | None
    manual_tier_id: int | None
    manual_until: datetime | None
    manual_reason: str | None
    evaluated_at: datetime


_STANDING_COLUMNS = ", ".join(StandingRow.__slots__)
_CT_COLUMNS = ", ".join(f"ct.{n}" for n in StandingRow.__slots__)
_STANDINGS = f"""
SELECT {_STANDING_COLUMNS} FROM customer_tiers WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[])
"""
# rows first (a customer's first activity), then locked in one order: two transactions
# touching the same customers never wait on each other in a circle
_ENSURE_STANDINGS = """
INSERT INTO customer_tiers (merchant_id, customer_id)
SELECT $1, c FROM unnest($2::bigint[]) AS u(c) ORDER BY c
ON CONFLICT (merchant_id, customer_id) DO NOTHING
"""
_LOCK_STANDINGS = _STANDINGS.strip() + " ORDER BY customer_id FOR UPDATE"
# The tier recorded, deleted or not (callers keep the live ones: a deleted tier is held
# by nobody, and the re-tier moves its holders down). No join with ``tiers``: with one
# the planner, on a generic plan, reads every holder of the shop's few tiers through the
# tier index and filters the customers after, a cost that grows with the shop.
_TIER_IDS_OF = """
SELECT customer_id, tier_id FROM customer_tiers
WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[]) AND tier_id IS NOT NULL
"""


async def standings(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], *, transactional: bool = True
) -> dict[int, StandingRow]:
    connection = await driver_connection(session, transactional=transactional)
    records = await connection.fetch(_STANDINGS, merchant_id, list(customer_ids))
    return {int(r["customer_id"]): StandingRow(*r) for r in records}


async def ensure_standings(session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]) -> None:
    """Create the customers' rows if missing, without reading or locking them (a row
    locked is a row written: too dear on every order of a shop that evaluates nothing)."""
    connection = await driver_connection(session)
    await connection.execute(_ENSURE_STANDINGS, merchant_id, sorted(set(customer_ids)))


async def lock_standings(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]
) -> dict[int, StandingRow]:
    """The customers' rows, created if missing, locked until commit."""
    connection = await driver_connection(session)
    ids = sorted(set(customer_ids))
    await connection.execute(_ENSURE_STANDINGS, merchant_id, ids)
    records = await connection.fetch(_LOCK_STANDINGS, merchant_id, ids)
    return {int(r["customer_id"]): StandingRow(*r) for r in records}


async def tier_ids_of(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], *, transactional: bool = True
) -> dict[int, int]:
    """{customer id: live tier held}; customers holding none are absent."""
    connection = await driver_connection(session, transactional=transactional)
    records = await connection.fetch(_TIER_IDS_OF, merchant_id, list(customer_ids))
    return {int(c): int(t) for c, t in records}


@dataclass(frozen=True, slots=True)
class NewStanding:
    customer_id: int
    tier_id: int | None
    metric_value: Decimal
    earned_tier_id: int | None
    qualified_at: datetime | None
    retain_until: datetime | None
    manual_tier_id: int | None
    manual_until: datetime | None
    manual_reason: str | None


# one statement for the whole batch; with $12 (the re-tier, which read without locks)
# a row changed since it was read (its evaluated_at moved) is left alone: whoever
# changed it evaluated it with the same ladder
_WRITE_STANDINGS = """
UPDATE customer_tiers ct SET tier_id = u.tier_id, metric_value = u.metric_value,
    earned_tier_id = u.earned_tier_id, qualified_at = u.qualified_at, retain_until = u.retain_until,
    manual_tier_id = u.manual_tier_id, manual_until = u.manual_until, manual_reason = u.manual_reason,
    evaluated_at = $11
FROM unnest($2::bigint[], $3::bigint[], $4::numeric[], $5::bigint[], $6::timestamptz[],
            $7::timestamptz[], $8::bigint[], $9::timestamptz[], $10::text[], $12::timestamptz[])
    AS u(customer_id, tier_id, metric_value, earned_tier_id, qualified_at, retain_until,
         manual_tier_id, manual_until, manual_reason, seen_at)
WHERE ct.merchant_id = $1 AND ct.customer_id = u.customer_id
  AND (u.seen_at IS NULL OR ct.evaluated_at = u.seen_at)
RETURNING ct.customer_id
"""


async def write_standings(
    session: AsyncSession,
    merchant_id: int,
    rows: Sequence[NewStanding],
    now: datetime,
    *,
    seen_at: Sequence[datetime | None] | None = None,
) -> set[int]:
    """Write the customers' new standing; returns the customers written (with
    ``seen_at``, only those whose row had not changed since)."""
    if not rows:
        return set()
    connection = await driver_connection(session)
    records = await connection.fetch(
        _WRITE_STANDINGS,
        merchant_id,
        [r.customer_id for r in rows],
        [r.tier_id for r in rows],
        [r.metric_value for r in rows],
        [r.earned_tier_id for r in rows],
        [r.qualified_at for r in rows],
        [r.retain_until for r in rows],
        [r.manual_tier_id for r in rows],
        [r.manual_until for r in rows],
        [r.manual_reason for r in rows],
        now,
        list(seen_at) if seen_at is not None else [None] * len(rows),
    )
    return {int(r[0]) for r in records}


# --- the metric -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MetricEntry:
    customer_id: int
    occurred_at: datetime
    points: int = 0
    amount: Decimal = Decimal(0)
    orders: int = 0


_APPEND_ENTRIES = """
INSERT INTO tier_metric_entries (merchant_id, customer_id, occurred_at, points, amount, orders)
SELECT $1, c, o, p, a, n FROM unnest($2::bigint[], $3::timestamptz[], $4::bigint[], $5::numeric[], $6::int[])
    AS u(c, o, p, a, n)
"""


async def append_entries(session: AsyncSession, merchant_id: int, entries: Sequence[MetricEntry]) -> None:
    if not entries:
        return
    connection = await driver_connection(session)
    await connection.execute(
        _APPEND_ENTRIES,
        merchant_id,
        [e.customer_id for e in entries],
        [e.occurred_at for e in entries],
        [e.points for e in entries],
        [e.amount for e in entries],
        [e.orders for e in entries],
    )


# the metric's column, chosen from a fixed set (never from input)
_METRIC_SUM = {"points": "sum(points)", "money": "sum(amount)", "orders": "sum(orders)"}


def _metrics_sql(metric: str) -> str:
    return f"""
SELECT customer_id, {_METRIC_SUM[metric]} FROM tier_metric_entries
WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[])
  AND ($3::timestamptz IS NULL OR occurred_at >= $3) AND occurred_at < $4
GROUP BY customer_id
"""


async def metrics(
    session: AsyncSession,
    merchant_id: int,
    customer_ids: Sequence[int],
    *,
    metric: str,
    since: datetime | None,
    until: datetime,
    transactional: bool = True,
) -> dict[int, Decimal]:
    """{customer: the metric over [since, until)}; customers with no entries are absent."""
    connection = await driver_connection(session, transactional=transactional)
    records = await connection.fetch(_metrics_sql(metric), merchant_id, list(customer_ids), since, until)
    return {int(c): Decimal(v) for c, v in records}


# --- the whole shop, a chunk at a time (the re-tier) ----------------------------------------


@dataclass(frozen=True, slots=True)
class ChunkRow:
    standing: StandingRow
    metric: Decimal


_COUNT_STANDINGS = "SELECT count(*) FROM customer_tiers WHERE merchant_id = $1"
# the customer id closing the next chunk (null: fewer than $3 customers are left)
_CHUNK_END = """
SELECT customer_id FROM customer_tiers WHERE merchant_id = $1 AND customer_id > $2
ORDER BY customer_id OFFSET $3 - 1 LIMIT 1
"""


def _chunk_sql(metric: str) -> str:
    # one grouped scan over the chunk's id range, joined to the standings; no locks
    # (the writes are conditional on evaluated_at instead)
    return f"""
SELECT {_CT_COLUMNS}, coalesce(m.value, 0) FROM customer_tiers ct
LEFT JOIN (
    SELECT customer_id, {_METRIC_SUM[metric]} AS value FROM tier_metric_entries
    WHERE merchant_id = $1 AND customer_id > $2 AND ($3::bigint IS NULL OR customer_id <= $3)
      AND ($4::timestamptz IS NULL OR occurred_at >= $4) AND occurred_at < $5
    GROUP BY customer_id
) m ON m.customer_id = ct.customer_id
WHERE ct.merchant_id = $1 AND ct.customer_id > $2 AND ($3::bigint IS NULL OR ct.customer_id <= $3)
ORDER BY ct.customer_id
"""


async def count_standings(session: AsyncSession, merchant_id: int) -> int:
    connection = await driver_connection(session, transactional=False)
    return int(await connection.fetchval(_COUNT_STANDINGS, merchant_id))


async def standings_chunk(
    session: AsyncSession,
    merchant_id: int,
    *,
    after_customer_id: int,
    size: int,
    metric: str,
    since: datetime | None,
    until: datetime,
) -> list[ChunkRow]:
    """The next ``size`` customers after ``after_customer_id`` with their metric."""
    connection = await driver_connection(session)
    end = await connection.fetchval(_CHUNK_END, merchant_id, after_customer_id, size)
    records = await connection.fetch(_chunk_sql(metric), merchant_id, after_customer_id, end, since, until)
    return [ChunkRow(StandingRow(*r[:-1]), Decimal(r[-1])) for r in records]


# customers whose standing may change with time alone: a retention date or a manual
# tier's end passed, or an entry of theirs left the window since their last evaluation
# (it lies between the window's start then and its start now)
_DUE_CUSTOMERS = """
SELECT ct.customer_id FROM customer_tiers ct
WHERE ct.merchant_id = $1 AND ct.customer_id > $2 AND (
    ct.retain_until <= $3 OR ct.manual_until <= $3
    OR ($4 = 'rolling_12_months' AND EXISTS (
        SELECT 1 FROM tier_metric_entries e
        WHERE e.merchant_id = ct.merchant_id AND e.customer_id = ct.customer_id
          AND e.occurred_at >= ct.evaluated_at - interval '12 months' AND e.occurred_at < $6
    ))
    OR ($4 = 'calendar_year' AND EXISTS (
        SELECT 1 FROM tier_metric_entries e
        WHERE e.merchant_id = ct.merchant_id AND e.customer_id = ct.customer_id
          AND e.occurred_at >= (date_trunc('year', ct.evaluated_at AT TIME ZONE $5) AT TIME ZONE $5)
          AND e.occurred_at < $6
    ))
)
ORDER BY ct.customer_id LIMIT $7
"""


async def due_customers(
    session: AsyncSession,
    merchant_id: int,
    *,
    after_customer_id: int,
    now: datetime,
    period: str,
    timezone: str,
    window_start: datetime | None,
    limit: int,
) -> list[int]:
    """Customers of the shop whose standing may have changed since their last
    evaluation without anything happening to them."""
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(
        _DUE_CUSTOMERS, merchant_id, after_customer_id, now, period, timezone, window_start or now, limit
    )
    return [int(r[0]) for r in records]


_SHOPS_WITH_TIERS = """
SELECT DISTINCT merchant_id FROM tiers WHERE deleted_at IS NULL AND merchant_id > $1
ORDER BY merchant_id LIMIT $2
"""


async def shops_with_tiers(session: AsyncSession, *, after_merchant_id: int, limit: int) -> list[int]:
    """Every shop with a ladder (the periodic pass sends one message per shop)."""
    connection = await driver_connection(session, transactional=False)
    return [int(r[0]) for r in await connection.fetch(_SHOPS_WITH_TIERS, after_merchant_id, limit)]


# --- history -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryRow:
    merchant_id: int
    id: int
    customer_id: int
    from_tier_id: int | None
    to_tier_id: int | None
    reason: str
    note: str | None
    actor: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class NewHistory:
    customer_id: int
    from_tier_id: int | None
    to_tier_id: int | None
    reason: str
    note: str | None = None
    actor: str | None = None


_HISTORY_COLUMNS = ", ".join(HistoryRow.__slots__)
_INSERT_HISTORY = f"""
INSERT INTO tier_history (merchant_id, customer_id, from_tier_id, to_tier_id, reason, note, actor, at)
SELECT $1, c, f, t, r, n, a, $8
FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[])
    AS u(c, f, t, r, n, a)
RETURNING {_HISTORY_COLUMNS}
"""
# newest first, keyset on the id: strictly between $3 (older bound) and $5 (newer bound)
_HISTORY_WHERE = """
WHERE merchant_id = $1 AND customer_id = $2 AND ($3::bigint IS NULL OR id < $3)
  AND ($5::bigint IS NULL OR id > $5)
"""
_LIST_HISTORY = f"SELECT {_HISTORY_COLUMNS} FROM tier_history {_HISTORY_WHERE} ORDER BY id DESC LIMIT $4"
# paging backwards: the ``limit`` nearest the newer bound
_LIST_HISTORY_BACKWARD = f"SELECT {_HISTORY_COLUMNS} FROM tier_history {_HISTORY_WHERE} ORDER BY id LIMIT $4"
_COUNT_HISTORY = "SELECT count(*) FROM tier_history WHERE merchant_id = $1 AND customer_id = $2"


async def insert_history(
    session: AsyncSession, merchant_id: int, rows: Sequence[NewHistory], at: datetime
) -> list[HistoryRow]:
    if not rows:
        return []
    connection = await driver_connection(session)
    records = await connection.fetch(
        _INSERT_HISTORY,
        merchant_id,
        [r.customer_id for r in rows],
        [r.from_tier_id for r in rows],
        [r.to_tier_id for r in rows],
        [r.reason for r in rows],
        [r.note for r in rows],
        [r.actor for r in rows],
        at,
    )
    return [HistoryRow(*r) for r in records]


async def list_history(
    session: AsyncSession,
    merchant_id: int,
    customer_id: int,
    *,
    older_than: int | None,
    newer_than: int | None,
    limit: int,
    backward: bool = False,
) -> list[HistoryRow]:
    """Newest first, ids strictly between the bounds; ``backward`` takes the ``limit``
    nearest ``newer_than`` (still returned newest first)."""
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(
        _LIST_HISTORY_BACKWARD if backward else _LIST_HISTORY,
        merchant_id,
        customer_id,
        older_than,
        limit,
        newer_than,
    )
    rows = [HistoryRow(*r) for r in records]
    return rows[::-1] if backward else rows


async def count_history(session: AsyncSession, merchant_id: int, customer_id: int) -> int:
    connection = await driver_connection(session, transactional=False)
    return int(await connection.fetchval(_COUNT_HISTORY, merchant_id, customer_id))


# Several customers' first pages (a DataLoader batch of a customers list): one statement.
_FIRST_HISTORY_PAGES = f"""
SELECT h.* FROM unnest($2::bigint[]) AS c(customer_id)
CROSS JOIN LATERAL (
    SELECT {_HISTORY_COLUMNS} FROM tier_history
    WHERE merchant_id = $1 AND customer_id = c.customer_id ORDER BY id DESC LIMIT $3
) h
ORDER BY h.customer_id, h.id DESC
"""
_COUNT_HISTORIES = """
SELECT customer_id, count(*) FROM tier_history
WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[]) GROUP BY customer_id
"""


async def first_history_pages(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], *, limit: int
) -> list[HistoryRow]:
    """The newest ``limit`` changes of each customer, newest first per customer."""
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(_FIRST_HISTORY_PAGES, merchant_id, sorted(set(customer_ids)), limit)
    return [HistoryRow(*r) for r in records]


async def count_histories(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]
) -> dict[int, int]:
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(_COUNT_HISTORIES, merchant_id, sorted(set(customer_ids)))
    return {int(c): int(n) for c, n in records}


# --- entry rewards -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewEntryAward:
    customer_id: int
    tier_id: int
    period_key: str
    bonus_points: int
    reward_id: int | None


_INSERT_ENTRY_AWARDS = """
INSERT INTO tier_entry_awards (merchant_id, customer_id, tier_id, period_key, bonus_points, reward_id)
SELECT $1, c, t, p, b, r FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::bigint[])
    AS u(c, t, p, b, r)
ORDER BY c, t
ON CONFLICT (merchant_id, customer_id, tier_id, period_key) DO NOTHING
RETURNING customer_id, tier_id, period_key
"""


async def insert_entry_awards(
    session: AsyncSession, merchant_id: int, awards: Sequence[NewEntryAward]
) -> set[tuple[int, int, str]]:
    """The (customer, tier, period) among ``awards`` not given before: only these are given."""
    if not awards:
        return set()
    connection = await driver_connection(session)
    records = await connection.fetch(
        _INSERT_ENTRY_AWARDS,
        merchant_id,
        [a.customer_id for a in awards],
        [a.tier_id for a in awards],
        [a.period_key for a in awards],
        [a.bonus_points for a in awards],
        [a.reward_id for a in awards],
    )
    return {(int(c), int(t), str(p)) for c, t, p in records}


# --- re-tier runs ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunRow:
    merchant_id: int
    id: int
    status: str
    cause: str
    total: int
    done: int
    changed: int
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


_RUN_COLUMNS = ", ".join(RunRow.__slots__)
_QUEUED_RUN = f"""
SELECT {_RUN_COLUMNS} FROM tier_retier_runs WHERE merchant_id = $1 AND status = 'queued'
ORDER BY id DESC LIMIT 1
"""
_INSERT_RUN = f"""
INSERT INTO tier_retier_runs (merchant_id, cause) VALUES ($1, $2) RETURNING {_RUN_COLUMNS}
"""
_GET_RUN = f"SELECT {_RUN_COLUMNS} FROM tier_retier_runs WHERE merchant_id = $1 AND id = $2"
_LATEST_RUN = f"""
SELECT {_RUN_COLUMNS} FROM tier_retier_runs WHERE merchant_id = $1 ORDER BY id DESC LIMIT 1
"""
# a run starts once; a redelivered message of a run that crashed midway starts it over
_START_RUN = f"""
UPDATE tier_retier_runs SET status = 'running', started_at = now(), total = $3, done = 0, changed = 0
WHERE merchant_id = $1 AND id = $2 AND status <> 'done'
RETURNING {_RUN_COLUMNS}
"""
_PROGRESS_RUN = f"""
UPDATE tier_retier_runs SET done = $3, changed = changed + $4
WHERE merchant_id = $1 AND id = $2 RETURNING {_RUN_COLUMNS}
"""
_FINISH_RUN = f"""
UPDATE tier_retier_runs SET status = 'done', done = total, finished_at = now()
WHERE merchant_id = $1 AND id = $2 AND status = 'running' RETURNING {_RUN_COLUMNS}
"""


async def queued_run(session: AsyncSession, merchant_id: int) -> RunRow | None:
    connection = await driver_connection(session)
    record = await connection.fetchrow(_QUEUED_RUN, merchant_id)
    return None if record is None else RunRow(*record)


async def insert_run(session: AsyncSession, merchant_id: int, cause: str) -> RunRow:
    connection = await driver_connection(session)
    return RunRow(*await connection.fetchrow(_INSERT_RUN, merchant_id, cause))


async def get_run(
    session: AsyncSession, merchant_id: int, run_id: int, *, transactional: bool = True
) -> RunRow | None:
    connection = await driver_connection(session, transactional=transactional)
    record = await connection.fetchrow(_GET_RUN, merchant_id, run_id)
    return None if record is None else RunRow(*record)


async def latest_run(session: AsyncSession, merchant_id: int) -> RunRow | None:
    connection = await driver_connection(session, transactional=False)
    record = await connection.fetchrow(_LATEST_RUN, merchant_id)
    return None if record is None else RunRow(*record)


async def start_run(session: AsyncSession, merchant_id: int, run_id: int, total: int) -> RunRow | None:
    """Each statement of a run's bookkeeping commits on its own (progress is visible
    while the run goes on)."""
    connection = await driver_connection(session, transactional=False)
    record = await connection.fetchrow(_START_RUN, merchant_id, run_id, total)
    return None if record is None else RunRow(*record)


async def progress_run(
    session: AsyncSession, merchant_id: int, run_id: int, done: int, changed: int
) -> RunRow:
    connection = await driver_connection(session)
    return RunRow(*await connection.fetchrow(_PROGRESS_RUN, merchant_id, run_id, done, changed))


async def finish_run(session: AsyncSession, merchant_id: int, run_id: int) -> RunRow | None:
    connection = await driver_connection(session, transactional=False)
    record = await connection.fetchrow(_FINISH_RUN, merchant_id, run_id)
    return None if record is None else RunRow(*record)


# --- analytics reads ------------------------------------------------------------------------

_TIER_COUNTS = """
SELECT tier_id, count(*) FROM customer_tiers WHERE merchant_id = $1 AND tier_id IS NOT NULL GROUP BY tier_id
"""


async def tier_member_counts(session: AsyncSession, merchant_id: int) -> dict[int, int]:
    connection = await driver_connection(session, transactional=False)
    return {int(r[0]): int(r[1]) for r in await connection.fetch(_TIER_COUNTS, merchant_id)}
