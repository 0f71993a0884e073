"""All SQL of the rewards context; every call takes the merchant id, except the two
scans of the periodic actors, which find due rows across shops and hand each back
with its merchant id.

Plain SQL as asyncpg prepared statements on the session's connection
(``platform.db.driver_connection``), like the points repository: redemption is a hot
path and these are one-row statements. Rows come back as small dataclasses.
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

# --- rewards --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RewardRow:
    merchant_id: int
    id: int
    kind: str
    points_cost: int
    value: Decimal | None
    variant_gid: str | None
    minimum_order_amount: Decimal | None
    usage_limit_per_customer: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    code_validity_days: int
    default_locale: str
    titles: dict[str, str]
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime


_REWARD_COLUMNS = ", ".join(RewardRow.__slots__)
# the columns a create or an update writes, in this order ($2...)
_REWARD_FIELDS = (
    "kind",
    "points_cost",
    "value",
    "variant_gid",
    "minimum_order_amount",
    "usage_limit_per_customer",
    "starts_at",
    "ends_at",
    "code_validity_days",
    "default_locale",
    "titles",
)


def _reward(record: Any) -> RewardRow:
    return RewardRow(*record)


def _reward_params(values: dict[str, Any]) -> list[Any]:
    return [
        orjson.dumps(values[name]).decode() if name == "titles" else values[name] for name in _REWARD_FIELDS
    ]


_INSERT_REWARD = f"""
INSERT INTO rewards (merchant_id, {", ".join(_REWARD_FIELDS)})
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)
RETURNING {_REWARD_COLUMNS}
"""


async def insert_reward(session: AsyncSession, merchant_id: int, values: dict[str, Any]) -> RewardRow:
    connection = await driver_connection(session)
    return _reward(await connection.fetchrow(_INSERT_REWARD, merchant_id, *_reward_params(values)))


_UPDATE_REWARD = f"""
UPDATE rewards SET {", ".join(f"{name} = ${i + 3}" for i, name in enumerate(_REWARD_FIELDS[:-1]))},
    titles = $13::jsonb, updated_at = now()
WHERE merchant_id = $1 AND id = $2
RETURNING {_REWARD_COLUMNS}
"""


async def update_reward(
    session: AsyncSession, merchant_id: int, reward_id: int, values: dict[str, Any]
) -> RewardRow:
    connection = await driver_connection(session)
    return _reward(await connection.fetchrow(_UPDATE_REWARD, merchant_id, reward_id, *_reward_params(values)))


_ARCHIVE_REWARD = f"""
UPDATE rewards SET archived_at = now(), updated_at = now()
WHERE merchant_id = $1 AND id = $2 AND archived_at IS NULL
RETURNING {_REWARD_COLUMNS}
"""


async def archive_reward(session: AsyncSession, merchant_id: int, reward_id: int) -> RewardRow | None:
    """None when there is no such reward or it was archived already."""
    connection = await driver_connection(session)
    record = await connection.fetchrow(_ARCHIVE_REWARD, merchant_id, reward_id)
    return None if record is None else _reward(record)


_REWARD = f"SELECT {_REWARD_COLUMNS} FROM rewards WHERE merchant_id = $1 AND id = $2"
# NO KEY UPDATE: redemptions in flight hold KEY SHARE on the row (their foreign key), and an
# edit of the reward need not wait for them
_REWARD_FOR_UPDATE = _REWARD + " FOR NO KEY UPDATE"


async def get_reward(
    session: AsyncSession,
    merchant_id: int,
    reward_id: int,
    *,
    for_update: bool = False,
    transactional: bool = True,
) -> RewardRow | None:
    connection = await driver_connection(session, transactional=transactional)
    record = await connection.fetchrow(_REWARD_FOR_UPDATE if for_update else _REWARD, merchant_id, reward_id)
    return None if record is None else _reward(record)


_REWARDS = f"SELECT {_REWARD_COLUMNS} FROM rewards WHERE merchant_id = $1 AND id = ANY($2::bigint[])"


async def get_rewards(session: AsyncSession, merchant_id: int, reward_ids: Sequence[int]) -> list[RewardRow]:
    connection = await driver_connection(session, transactional=False)
    return [_reward(r) for r in await connection.fetch(_REWARDS, merchant_id, list(reward_ids))]


# $2/$6: the ids the page lies strictly between (0 / null: unbounded); $3: limit;
# $4: include archived; $5: only those available at this moment (null: no window filter)
_REWARDS_WHERE = """
WHERE merchant_id = $1 AND id > $2 AND ($6::bigint IS NULL OR id < $6)
  AND ($4::boolean OR archived_at IS NULL)
  AND ($5::timestamptz IS NULL
       OR ((starts_at IS NULL OR starts_at <= $5) AND (ends_at IS NULL OR $5 < ends_at)))
"""
_LIST_REWARDS = f"SELECT {_REWARD_COLUMNS} FROM rewards {_REWARDS_WHERE} ORDER BY id LIMIT $3"
_LIST_REWARDS_NEWEST_FIRST = (
    f"SELECT {_REWARD_COLUMNS} FROM rewards {_REWARDS_WHERE} ORDER BY id DESC LIMIT $3"
)
_COUNT_REWARDS = """
SELECT count(*) FROM rewards
WHERE merchant_id = $1 AND ($2::boolean OR archived_at IS NULL)
  AND ($3::timestamptz IS NULL
       OR ((starts_at IS NULL OR starts_at <= $3) AND (ends_at IS NULL OR $3 < ends_at)))
"""


async def list_rewards(
    session: AsyncSession,
    merchant_id: int,
    *,
    after_id: int | None,
    limit: int,
    include_archived: bool,
    available_at: datetime | None = None,
    before_id: int | None = None,
    backward: bool = False,
) -> list[RewardRow]:
    """Oldest first, keyset-paginated on the id between ``after_id`` and ``before_id``;
    ``backward`` reads the ``limit`` nearest ``before_id`` (still returned oldest first)."""
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(
        _LIST_REWARDS_NEWEST_FIRST if backward else _LIST_REWARDS,
        merchant_id,
        after_id or 0,
        limit,
        include_archived,
        available_at,
        before_id,
    )
    rows = [_reward(r) for r in records]
    return rows[::-1] if backward else rows


async def count_rewards(
    session: AsyncSession, merchant_id: int, *, include_archived: bool, available_at: datetime | None = None
) -> int:
    """How many rewards ``list_rewards`` lists with these filters, over every page."""
    connection = await driver_connection(session, transactional=False)
    return int(await connection.fetchval(_COUNT_REWARDS, merchant_id, include_archived, available_at))


# --- redemptions ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RedemptionRow:
    merchant_id: int
    id: int
    customer_id: int
    reward_id: int
    status: str
    points_spent: int
    kind: str
    value: Decimal | None
    minimum_order_amount: Decimal | None
    variant_gid: str | None
    title: str
    code_enc: str
    code_bidx: str
    discount_gid: str | None
    expires_at: datetime
    actor: str
    failure_reason: str | None
    attempts: int
    shopify_order_id: int | None
    issued_at: datetime | None
    used_at: datetime | None
    returned_at: datetime | None
    created_at: datetime


_REDEMPTION_COLUMNS = ", ".join(RedemptionRow.__slots__)
_R_COLUMNS = ", ".join(f"r.{name}" for name in RedemptionRow.__slots__)


def _redemption(record: Any) -> RedemptionRow:
    return RedemptionRow(*record)


@dataclass(frozen=True, slots=True)
class NewRedemption:
    customer_id: int
    reward_id: int
    points_spent: int
    kind: str
    value: Decimal | None
    minimum_order_amount: Decimal | None
    variant_gid: str | None
    title: str
    code_enc: str
    code_bidx: str
    expires_at: datetime
    actor: str


# a code already held by the shop (60 random bits: never, in practice) inserts nothing
_INSERT_REDEMPTION = f"""
INSERT INTO reward_redemptions (
    merchant_id, customer_id, reward_id, status, points_spent, kind, value, minimum_order_amount,
    variant_gid, title, code_enc, code_bidx, expires_at, actor
)
VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (merchant_id, code_bidx) DO NOTHING
RETURNING {_REDEMPTION_COLUMNS}
"""


async def insert_redemption(
    session: AsyncSession, merchant_id: int, new: NewRedemption
) -> RedemptionRow | None:
    connection = await driver_connection(session)
    record = await connection.fetchrow(
        _INSERT_REDEMPTION,
        merchant_id,
        new.customer_id,
        new.reward_id,
        new.points_spent,
        new.kind,
        new.value,
        new.minimum_order_amount,
        new.variant_gid,
        new.title,
        new.code_enc,
        new.code_bidx,
        new.expires_at,
        new.actor,
    )
    return None if record is None else _redemption(record)


_COUNT_REDEMPTIONS = """
SELECT reward_id, count(*) FROM reward_redemptions
WHERE merchant_id = $1 AND customer_id = $2 AND reward_id = ANY($3::bigint[]) AND status = ANY($4::text[])
GROUP BY reward_id
"""


async def count_redemptions(
    session: AsyncSession,
    merchant_id: int,
    customer_id: int,
    reward_ids: Sequence[int],
    statuses: Sequence[str],
    *,
    transactional: bool = True,
) -> dict[int, int]:
    """{reward_id: redemptions of it by the customer in ``statuses``} (absent: none)."""
    connection = await driver_connection(session, transactional=transactional)
    records = await connection.fetch(
        _COUNT_REDEMPTIONS, merchant_id, customer_id, list(reward_ids), list(statuses)
    )
    return {int(reward_id): int(n) for reward_id, n in records}


_REDEMPTION = f"SELECT {_REDEMPTION_COLUMNS} FROM reward_redemptions WHERE merchant_id = $1 AND id = $2"


async def get_redemption(
    session: AsyncSession, merchant_id: int, redemption_id: int, *, transactional: bool = True
) -> RedemptionRow | None:
    connection = await driver_connection(session, transactional=transactional)
    record = await connection.fetchrow(_REDEMPTION, merchant_id, redemption_id)
    return None if record is None else _redemption(record)


# Transitions out of "pending" are conditional: the request that created the row and
# the settle actor may both get there; whichever is first decides, the other sees None.
_MARK_ISSUED = f"""
UPDATE reward_redemptions
SET status = 'issued', discount_gid = $3, issued_at = now(), updated_at = now(), attempts = attempts + $4
WHERE merchant_id = $1 AND id = $2 AND status = 'pending'
RETURNING {_REDEMPTION_COLUMNS}
"""
_MARK_FAILED = f"""
UPDATE reward_redemptions
SET status = 'failed', failure_reason = $3, returned_at = now(), updated_at = now(), attempts = attempts + $4
WHERE merchant_id = $1 AND id = $2 AND status = 'pending'
RETURNING {_REDEMPTION_COLUMNS}
"""
_COUNT_ATTEMPT = f"""
UPDATE reward_redemptions SET attempts = attempts + 1, failure_reason = $3, updated_at = now()
WHERE merchant_id = $1 AND id = $2 AND status = 'pending'
RETURNING {_REDEMPTION_COLUMNS}
"""


async def mark_issued(
    session: AsyncSession,
    merchant_id: int,
    redemption_id: int,
    discount_gid: str,
    *,
    attempts: int = 1,
    transactional: bool = True,
) -> RedemptionRow | None:
    """Without ``transactional`` (and no transaction begun) the one statement commits
    on its own: the request's step 3 needs nothing more."""
    connection = await driver_connection(session, transactional=transactional)
    record = await connection.fetchrow(_MARK_ISSUED, merchant_id, redemption_id, discount_gid, attempts)
    return None if record is None else _redemption(record)


async def mark_failed(
    session: AsyncSession, merchant_id: int, redemption_id: int, reason: str, *, attempts: int = 1
) -> RedemptionRow | None:
    connection = await driver_connection(session)
    record = await connection.fetchrow(_MARK_FAILED, merchant_id, redemption_id, reason, attempts)
    return None if record is None else _redemption(record)


async def count_attempt(
    session: AsyncSession,
    merchant_id: int,
    redemption_id: int,
    last_error: str,
    *,
    transactional: bool = True,
) -> RedemptionRow | None:
    """A Shopify call left the code's fate unknown: the row stays pending."""
    connection = await driver_connection(session, transactional=transactional)
    record = await connection.fetchrow(_COUNT_ATTEMPT, merchant_id, redemption_id, last_error)
    return None if record is None else _redemption(record)


_PENDING_BEFORE = """
SELECT merchant_id, id FROM reward_redemptions
WHERE status = 'pending' AND created_at < $1
ORDER BY created_at LIMIT $2
"""


async def pending_before(session: AsyncSession, cutoff: datetime, limit: int) -> list[tuple[int, int]]:
    """(merchant_id, id) of redemptions still pending that were created before ``cutoff``,
    every shop, oldest first."""
    connection = await driver_connection(session, transactional=False)
    return [(int(m), int(i)) for m, i in await connection.fetch(_PENDING_BEFORE, cutoff, limit)]


# Claimed with SKIP LOCKED so two runs of the actor split the work instead of waiting;
# the status condition makes a row expire once whatever happens.
_EXPIRE_DUE = f"""
UPDATE reward_redemptions AS r
SET status = 'expired', returned_at = now(), updated_at = now()
FROM (
    SELECT merchant_id, id FROM reward_redemptions
    WHERE status = 'issued' AND expires_at < $1
    ORDER BY expires_at LIMIT $2
    FOR UPDATE SKIP LOCKED
) AS due
WHERE r.merchant_id = due.merchant_id AND r.id = due.id AND r.status = 'issued'
RETURNING {_R_COLUMNS}
"""


_EXPIRING_BETWEEN = f"""
SELECT {_REDEMPTION_COLUMNS} FROM reward_redemptions
WHERE status = 'issued' AND expires_at >= $1 AND expires_at < $2 AND (expires_at, id) > ($3, $4)
ORDER BY expires_at, id LIMIT $5
"""


async def issued_expiring_between(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    *,
    after: tuple[datetime, int] | None,
    limit: int,
) -> list[RedemptionRow]:
    """Issued codes (every shop) ending in [start, end), in expiry order after the
    keyset ``after`` (expires_at, id); a scan over the issued-expiry partial index."""
    connection = await driver_connection(session, transactional=False)
    since, after_id = after if after is not None else (start, 0)
    records = await connection.fetch(_EXPIRING_BETWEEN, start, end, since, after_id, limit)
    return [_redemption(r) for r in records]


async def expire_due(session: AsyncSession, cutoff: datetime, limit: int) -> list[RedemptionRow]:
    """Mark up to ``limit`` issued codes that expired before ``cutoff`` as expired (every
    shop); returns them, for their points to be given back in the same transaction."""
    connection = await driver_connection(session)
    return [_redemption(r) for r in await connection.fetch(_EXPIRE_DUE, cutoff, limit)]


# Each use is one row carrying every index of its code (one per configured blind key):
# a row whose index a key rotation rewrites while this waits for its lock is re-checked
# against the same use row, and the new index is in it too (one row per index would
# re-check the old index only, and the code would be missed).
_MARK_USED = f"""
UPDATE reward_redemptions AS r
SET status = 'fulfilled', shopify_order_id = u.shopify_order_id, used_at = now(), updated_at = now()
FROM (
    SELECT array_agg(x.code_bidx) AS code_bidxs, min(x.shopify_order_id) AS shopify_order_id
    FROM unnest($2::text[], $3::bigint[], $4::int[]) AS x(code_bidx, shopify_order_id, use_no)
    GROUP BY x.use_no
) AS u
WHERE r.merchant_id = $1 AND r.code_bidx = ANY(u.code_bidxs) AND r.status <> 'fulfilled'
RETURNING {_R_COLUMNS}
"""


async def mark_used(
    session: AsyncSession, merchant_id: int, uses: Sequence[tuple[Sequence[str], int]]
) -> list[RedemptionRow]:
    """Mark the redemptions whose code is among ``uses`` ((its blind index under each
    configured key, order id)) as fulfilled by that order; returns those that changed."""
    if not uses:
        return []
    flat = [(bidx, order, n) for n, (indexes, order) in enumerate(uses) for bidx in indexes]
    connection = await driver_connection(session)
    records = await connection.fetch(
        _MARK_USED, merchant_id, [f[0] for f in flat], [f[1] for f in flat], [f[2] for f in flat]
    )
    return [_redemption(r) for r in records]


# $4/$5: the ids the page lies strictly between (either null: unbounded)
_CUSTOMER_REDEMPTIONS = f"""
SELECT {_REDEMPTION_COLUMNS} FROM reward_redemptions
WHERE merchant_id = $1 AND customer_id = $2 AND ($4::bigint IS NULL OR id < $4)
  AND ($5::bigint IS NULL OR id > $5)
ORDER BY id DESC LIMIT $3
"""
_CUSTOMER_REDEMPTIONS_OLDEST_FIRST = f"""
SELECT {_REDEMPTION_COLUMNS} FROM reward_redemptions
WHERE merchant_id = $1 AND customer_id = $2 AND ($4::bigint IS NULL OR id < $4)
  AND ($5::bigint IS NULL OR id > $5)
ORDER BY id LIMIT $3
"""


async def list_redemptions(
    session: AsyncSession,
    merchant_id: int,
    customer_id: int,
    *,
    before_id: int | None,
    limit: int,
    after_id: int | None = None,
    oldest_first: bool = False,
) -> list[RedemptionRow]:
    """Keyset-paginated on the id: redemptions with ``after_id < id < before_id``,
    newest first, or the oldest ``limit`` of them first with ``oldest_first``."""
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(
        _CUSTOMER_REDEMPTIONS_OLDEST_FIRST if oldest_first else _CUSTOMER_REDEMPTIONS,
        merchant_id,
        customer_id,
        limit,
        before_id,
        after_id,
    )
    return [_redemption(r) for r in records]


_COUNT_CUSTOMERS_REDEMPTIONS = """
SELECT customer_id, count(*) FROM reward_redemptions
WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[])
GROUP BY customer_id
"""


async def count_customers_redemptions(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]
) -> dict[int, int]:
    """{customer id: redemptions} for customers with any (DataLoader batch)."""
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(_COUNT_CUSTOMERS_REDEMPTIONS, merchant_id, sorted(set(customer_ids)))
    return {int(customer_id): int(n) for customer_id, n in records}


async def count_issued_between(
    session: AsyncSession, merchant_id: int, start: datetime, end: datetime, statuses: Sequence[str]
) -> int:
    """Redemptions of the shop made in [start, end) now in one of ``statuses``."""
    connection = await driver_connection(session, transactional=False)
    found = await connection.fetchval(
        "SELECT count(*) FROM reward_redemptions WHERE merchant_id = $1"
        " AND created_at >= $2 AND created_at < $3 AND status = ANY($4::text[])",
        merchant_id,
        start,
        end,
        list(statuses),
    )
    return int(found)


_REDEMPTIONS_BY_ID = f"""
SELECT {_REDEMPTION_COLUMNS} FROM reward_redemptions WHERE merchant_id = $1 AND id = ANY($2::bigint[])
"""


async def get_redemptions(
    session: AsyncSession, merchant_id: int, redemption_ids: Sequence[int]
) -> list[RedemptionRow]:
    """The shop's redemptions with these ids (DataLoader batch)."""
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(_REDEMPTIONS_BY_ID, merchant_id, sorted(set(redemption_ids)))
    return [_redemption(r) for r in records]


# one index range scan per customer (merchant_id, customer_id, id), newest first
_REDEMPTIONS_FOR_CUSTOMERS = f"""
SELECT e.* FROM unnest($2::bigint[]) AS c(customer_id)
CROSS JOIN LATERAL (
    SELECT {_REDEMPTION_COLUMNS} FROM reward_redemptions r
    WHERE r.merchant_id = $1 AND r.customer_id = c.customer_id
    ORDER BY r.id DESC LIMIT $3
) e
ORDER BY e.customer_id, e.id DESC
"""


async def list_redemptions_for_customers(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], *, limit: int
) -> list[RedemptionRow]:
    """The newest ``limit`` redemptions of each customer in one query (DataLoader batch)."""
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(
        _REDEMPTIONS_FOR_CUSTOMERS, merchant_id, sorted(set(customer_ids)), limit
    )
    return [_redemption(r) for r in records]


# --- analytics reads ----------------------------------------------------------------------

_ORDERS_USING_CODES = """
SELECT DISTINCT shopify_order_id FROM reward_redemptions
WHERE merchant_id = $1 AND status = 'fulfilled' AND shopify_order_id = ANY($2::bigint[])
"""

# the best money per point among the shop's live fixed-amount rewards
_POINT_VALUE = """
SELECT max(value / points_cost) FROM rewards
WHERE merchant_id = $1 AND kind = 'fixed_amount' AND archived_at IS NULL AND value IS NOT NULL
  AND (starts_at IS NULL OR starts_at <= $2) AND (ends_at IS NULL OR ends_at > $2)
"""


async def orders_using_codes(
    session: AsyncSession, merchant_id: int, shopify_order_ids: list[int]
) -> set[int]:
    conn = await driver_connection(session, transactional=False)
    return {int(r[0]) for r in await conn.fetch(_ORDERS_USING_CODES, merchant_id, shopify_order_ids)}


async def point_value(session: AsyncSession, merchant_id: int, now: datetime) -> Decimal | None:
    conn = await driver_connection(session, transactional=False)
    value = await conn.fetchval(_POINT_VALUE, merchant_id, now)
    return None if value is None else Decimal(value)


# why a redemption of an erased customer ended (its points are not returned)
ERASED_REASON = "the customer's data was erased: their account is closed"


async def erase_codes_of(
    session: AsyncSession, merchant_id: int, customer_id: int, erased_enc: str
) -> list[str]:
    """The customer's codes' texts go (a redemption keeps its points, reward and dates):
    each code becomes ``erased_enc`` (the empty text, encrypted) and its blind index a
    value no code hashes to, unique per row. Their account is closed, so nothing of it
    comes back: a redemption still pending is failed and an issued code expired, their
    points not returned (the settle and expiry passes only take pending and issued
    rows). Rows are locked by id, as those passes lock them. Returns the Shopify
    discounts of the issued codes it expired (to be switched off there)."""
    connection = await driver_connection(session)
    records = await connection.fetch(
        """
        WITH theirs AS (
            SELECT id, status AS was FROM reward_redemptions WHERE merchant_id = $1 AND customer_id = $2
            ORDER BY id FOR UPDATE
        )
        UPDATE reward_redemptions AS r SET
            code_enc = CASE WHEN r.code_bidx LIKE 'erased:%' THEN r.code_enc ELSE $3 END,
            code_bidx = 'erased:' || r.id,
            status = CASE r.status WHEN 'pending' THEN 'failed' WHEN 'issued' THEN 'expired'
                ELSE r.status END,
            failure_reason = CASE WHEN r.status IN ('pending', 'issued') THEN $4 ELSE r.failure_reason END,
            updated_at = now()
        FROM theirs WHERE r.merchant_id = $1 AND r.id = theirs.id
        RETURNING theirs.was, r.discount_gid
        """,
        merchant_id,
        customer_id,
        erased_enc,
        ERASED_REASON,
    )
    return [str(gid) for was, gid in records if was == "issued" and gid is not None]
