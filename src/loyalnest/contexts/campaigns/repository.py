"""All SQL of the campaigns context; every call takes the merchant id, except the status
actor's scans, which find due campaigns across shops and hand each back with its
merchant id.

Plain SQL as asyncpg prepared statements on the session's connection
(``platform.db.driver_connection``): the earning pipeline calls some of these on every
award batch. Rows come back as small dataclasses.
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


def _json(value: Any) -> Any:
    # the engine's connections decode jsonb; a plain one would hand back text
    return orjson.loads(value) if isinstance(value, str | bytes) else value


# --- campaigns ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CampaignRow:
    merchant_id: int
    id: int
    name: str
    default_locale: str
    descriptions: dict[str, str]
    status: str
    starts_at: datetime
    ends_at: datetime | None
    days_mask: int | None
    hours_from: int | None
    hours_to: int | None
    effect_kind: str
    multiplier: Decimal | None
    bonus_points: int | None
    triggers: list[str]
    conditions: dict[str, Any]
    max_uses_per_customer: int | None
    max_points_per_customer: int | None
    points_budget: int | None
    stacking: str
    priority: int
    exclusive_of_all: bool
    discount_kind: str | None
    discount_value: Decimal | None
    discount_code: str | None
    discount_gid: str | None
    discount_state: str
    discount_error: str | None
    ended_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime


_COLUMNS = ", ".join(CampaignRow.__slots__)
_C_COLUMNS = ", ".join(f"c.{name}" for name in CampaignRow.__slots__)
# what a create or an update writes, in this order ($2...)
FIELDS = (
    "name",
    "default_locale",
    "descriptions",
    "status",
    "starts_at",
    "ends_at",
    "days_mask",
    "hours_from",
    "hours_to",
    "effect_kind",
    "multiplier",
    "bonus_points",
    "triggers",
    "conditions",
    "max_uses_per_customer",
    "max_points_per_customer",
    "points_budget",
    "stacking",
    "priority",
    "exclusive_of_all",
    "discount_kind",
    "discount_value",
    "discount_code",
)
_JSON_FIELDS = {"descriptions", "conditions"}


def _campaign(record: Any) -> CampaignRow:
    values = list(record)
    row = CampaignRow(*values)
    if isinstance(row.descriptions, str) or isinstance(row.conditions, str):
        values[4] = _json(values[4])
        values[15] = _json(values[15])
        row = CampaignRow(*values)
    return row


def _params(values: dict[str, Any]) -> list[Any]:
    return [orjson.dumps(values[name]).decode() if name in _JSON_FIELDS else values[name] for name in FIELDS]


def _placeholder(index: int, name: str) -> str:
    return f"${index}::jsonb" if name in _JSON_FIELDS else f"${index}"


_INSERT = f"""
INSERT INTO campaigns (merchant_id, {", ".join(FIELDS)})
VALUES ($1, {", ".join(_placeholder(i + 2, name) for i, name in enumerate(FIELDS))})
RETURNING {_COLUMNS}
"""


async def insert_campaign(session: AsyncSession, merchant_id: int, values: dict[str, Any]) -> CampaignRow:
    connection = await driver_connection(session)
    row = _campaign(await connection.fetchrow(_INSERT, merchant_id, *_params(values)))
    await connection.execute(
        "INSERT INTO campaign_results (merchant_id, campaign_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        merchant_id,
        row.id,
    )
    return row


_UPDATE = f"""
UPDATE campaigns SET {", ".join(f"{name} = {_placeholder(i + 3, name)}" for i, name in enumerate(FIELDS))},
    version = version + 1, updated_at = now()
WHERE merchant_id = $1 AND id = $2
RETURNING {_COLUMNS}
"""


async def update_campaign(
    session: AsyncSession, merchant_id: int, campaign_id: int, values: dict[str, Any]
) -> CampaignRow:
    connection = await driver_connection(session)
    return _campaign(await connection.fetchrow(_UPDATE, merchant_id, campaign_id, *_params(values)))


_GET = f"SELECT {_COLUMNS} FROM campaigns WHERE merchant_id = $1 AND id = $2"
_GET_FOR_UPDATE = _GET + " FOR NO KEY UPDATE"


async def get_campaign(
    session: AsyncSession,
    merchant_id: int,
    campaign_id: int,
    *,
    for_update: bool = False,
    transactional: bool = True,
) -> CampaignRow | None:
    connection = await driver_connection(session, transactional=transactional)
    record = await connection.fetchrow(_GET_FOR_UPDATE if for_update else _GET, merchant_id, campaign_id)
    return None if record is None else _campaign(record)


_GET_MANY = f"SELECT {_COLUMNS} FROM campaigns WHERE merchant_id = $1 AND id = ANY($2::bigint[])"


async def get_campaigns(session: AsyncSession, merchant_id: int, ids: Sequence[int]) -> list[CampaignRow]:
    connection = await driver_connection(session, transactional=False)
    return [_campaign(r) for r in await connection.fetch(_GET_MANY, merchant_id, list(ids))]


_LIVE = f"""
SELECT {_COLUMNS} FROM campaigns
WHERE merchant_id = $1 AND status IN ('scheduled', 'active') ORDER BY id
"""


async def live_campaigns(session: AsyncSession, merchant_id: int) -> list[CampaignRow]:
    """Scheduled and active campaigns: the ones that may apply (the snapshot)."""
    connection = await driver_connection(session)
    return [_campaign(r) for r in await connection.fetch(_LIVE, merchant_id)]


# $2/$6: the ids the page lies strictly between (0 / null: unbounded); $3: limit;
# $4: statuses (null: every one but archived... see ``list_campaigns``)
_LIST_WHERE = """
WHERE merchant_id = $1 AND id > $2 AND ($5::bigint IS NULL OR id < $5) AND status = ANY($4::text[])
"""
_LIST = f"SELECT {_COLUMNS} FROM campaigns {_LIST_WHERE} ORDER BY id LIMIT $3"
_LIST_BACKWARD = f"SELECT {_COLUMNS} FROM campaigns {_LIST_WHERE} ORDER BY id DESC LIMIT $3"
_COUNT = "SELECT count(*) FROM campaigns WHERE merchant_id = $1 AND status = ANY($2::text[])"


async def list_campaigns(
    session: AsyncSession,
    merchant_id: int,
    *,
    statuses: Sequence[str],
    after_id: int | None,
    before_id: int | None,
    backward: bool,
    limit: int,
) -> list[CampaignRow]:
    """Oldest first, keyset-paginated on the id (``backward``: the ``limit`` nearest
    ``before_id``, still returned oldest first)."""
    connection = await driver_connection(session, transactional=False)
    records = await connection.fetch(
        _LIST_BACKWARD if backward else _LIST, merchant_id, after_id or 0, limit, list(statuses), before_id
    )
    rows = [_campaign(r) for r in records]
    return rows[::-1] if backward else rows


async def count_campaigns(session: AsyncSession, merchant_id: int, statuses: Sequence[str]) -> int:
    connection = await driver_connection(session, transactional=False)
    return int(await connection.fetchval(_COUNT, merchant_id, list(statuses)))


_SET_STATUS = f"""
UPDATE campaigns SET status = $4, ended_reason = $5, version = version + 1, updated_at = now()
WHERE merchant_id = $1 AND id = $2 AND status = ANY($3::text[])
RETURNING {_COLUMNS}
"""


async def set_status(
    session: AsyncSession,
    merchant_id: int,
    campaign_id: int,
    *,
    from_statuses: Sequence[str],
    to_status: str,
    ended_reason: str | None = None,
) -> CampaignRow | None:
    """Conditional transition: None when the campaign was not in ``from_statuses``."""
    connection = await driver_connection(session)
    record = await connection.fetchrow(
        _SET_STATUS, merchant_id, campaign_id, list(from_statuses), to_status, ended_reason
    )
    return None if record is None else _campaign(record)


_BY_CODES = """
SELECT id, lower(discount_code) FROM campaigns
WHERE merchant_id = $1 AND discount_code IS NOT NULL AND lower(discount_code) = ANY($2::text[])
"""


async def campaigns_by_discount_codes(
    session: AsyncSession, merchant_id: int, codes: Sequence[str]
) -> dict[str, list[int]]:
    """{lower-cased code: campaign ids} among ``codes`` (already lower-cased)."""
    connection = await driver_connection(session)
    found: dict[str, list[int]] = {}
    for campaign_id, code in await connection.fetch(_BY_CODES, merchant_id, list(codes)):
        found.setdefault(code, []).append(int(campaign_id))
    return found


_END_EXHAUSTED = """
UPDATE campaigns c SET status = 'ended', ended_reason = 'budget', version = c.version + 1, updated_at = now()
FROM campaign_results r
WHERE c.merchant_id = $1 AND c.id = ANY($2::bigint[]) AND c.points_budget IS NOT NULL
  AND c.status IN ('scheduled', 'active', 'paused')
  AND r.merchant_id = c.merchant_id AND r.campaign_id = c.id AND r.points_issued >= c.points_budget
RETURNING c.id, c.discount_kind IS NOT NULL
"""


async def end_exhausted(
    session: AsyncSession, merchant_id: int, campaign_ids: Sequence[int]
) -> list[tuple[int, bool]]:
    """End the campaigns among ``campaign_ids`` whose budget is spent: (id, has discount)."""
    connection = await driver_connection(session)
    return [
        (int(i), bool(d)) for i, d in await connection.fetch(_END_EXHAUSTED, merchant_id, list(campaign_ids))
    ]


# The status actor: at most $2 campaigns per pass, across shops, each transition
# conditional on the status it leaves (two passes at once change each campaign once).
_START_DUE = """
UPDATE campaigns SET status = 'active', version = version + 1, updated_at = now()
WHERE (merchant_id, id) IN (
    SELECT merchant_id, id FROM campaigns
    WHERE status = 'scheduled' AND starts_at <= $1 AND (ends_at IS NULL OR ends_at > $1)
    ORDER BY starts_at LIMIT $2 FOR UPDATE SKIP LOCKED
)
RETURNING merchant_id, id, discount_kind IS NOT NULL
"""
_END_DUE = """
UPDATE campaigns SET status = 'ended', ended_reason = 'schedule', version = version + 1, updated_at = now()
WHERE (merchant_id, id) IN (
    SELECT merchant_id, id FROM campaigns
    WHERE status IN ('scheduled', 'active', 'paused') AND ends_at IS NOT NULL AND ends_at <= $1
    ORDER BY ends_at LIMIT $2 FOR UPDATE SKIP LOCKED
)
RETURNING merchant_id, id, discount_kind IS NOT NULL
"""


async def start_due(session: AsyncSession, now: datetime, limit: int) -> list[tuple[int, int, bool]]:
    connection = await driver_connection(session)
    return [(int(m), int(i), bool(d)) for m, i, d in await connection.fetch(_START_DUE, now, limit)]


async def end_due(session: AsyncSession, now: datetime, limit: int) -> list[tuple[int, int, bool]]:
    connection = await driver_connection(session)
    return [(int(m), int(i), bool(d)) for m, i, d in await connection.fetch(_END_DUE, now, limit)]


_SET_DISCOUNT = f"""
UPDATE campaigns SET discount_state = $3, discount_gid = COALESCE($4, discount_gid), discount_error = $5,
    updated_at = now()
WHERE merchant_id = $1 AND id = $2
RETURNING {_COLUMNS}
"""


async def set_discount_state(
    session: AsyncSession,
    merchant_id: int,
    campaign_id: int,
    *,
    state: str,
    gid: str | None = None,
    error: str | None = None,
) -> CampaignRow | None:
    """Not a change of the campaign's terms: its version (and the shop's) stay."""
    connection = await driver_connection(session)
    record = await connection.fetchrow(_SET_DISCOUNT, merchant_id, campaign_id, state, gid, error)
    return None if record is None else _campaign(record)


# --- settings and the shop's version --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettingsRow:
    merchant_id: int
    max_total_multiplier: Decimal
    version: int
    updated_at: datetime


_SETTINGS = """
SELECT merchant_id, max_total_multiplier, version, updated_at FROM campaign_settings WHERE merchant_id = $1
"""


async def get_settings(
    session: AsyncSession, merchant_id: int, *, transactional: bool = True
) -> SettingsRow | None:
    connection = await driver_connection(session, transactional=transactional)
    record = await connection.fetchrow(_SETTINGS, merchant_id)
    return None if record is None else SettingsRow(*record)


_BUMP = """
INSERT INTO campaign_settings (merchant_id, version) VALUES ($1, 1)
ON CONFLICT (merchant_id) DO UPDATE SET version = campaign_settings.version + 1, updated_at = now()
RETURNING version
"""


async def bump_version(session: AsyncSession, merchant_id: int) -> int:
    """The shop's campaigns changed: every process's snapshot of them is stale."""
    connection = await driver_connection(session)
    return int(await connection.fetchval(_BUMP, merchant_id))


_BUMP_MANY = """
INSERT INTO campaign_settings (merchant_id, version) SELECT unnest($1::bigint[]), 1
ON CONFLICT (merchant_id) DO UPDATE SET version = campaign_settings.version + 1, updated_at = now()
"""


async def bump_versions(session: AsyncSession, merchant_ids: Sequence[int]) -> None:
    connection = await driver_connection(session)
    await connection.execute(_BUMP_MANY, sorted(set(merchant_ids)))


_SET_CAP = """
INSERT INTO campaign_settings (merchant_id, max_total_multiplier, version) VALUES ($1, $2, 1)
ON CONFLICT (merchant_id) DO UPDATE
SET max_total_multiplier = $2, version = campaign_settings.version + 1, updated_at = now()
RETURNING merchant_id, max_total_multiplier, version, updated_at
"""


async def set_max_total_multiplier(session: AsyncSession, merchant_id: int, cap: Decimal) -> SettingsRow:
    connection = await driver_connection(session)
    return SettingsRow(*await connection.fetchrow(_SET_CAP, merchant_id, cap))


# --- counters ---------------------------------------------------------------------------------

# Locking: the pipeline step locks the counters of capped campaigns before deciding
# (the rows are created if missing), so concurrent batches cannot both spend the last
# of a budget or of a customer's cap; the handlers then update rows this transaction
# already holds.
_LOCK_ISSUED = """
INSERT INTO campaign_results (merchant_id, campaign_id) SELECT $1, unnest($2::bigint[])
ON CONFLICT (merchant_id, campaign_id) DO UPDATE SET points_issued = campaign_results.points_issued
RETURNING campaign_id, points_issued
"""
_READ_ISSUED = """
SELECT campaign_id, points_issued FROM campaign_results
WHERE merchant_id = $1 AND campaign_id = ANY($2::bigint[])
"""


async def issued_points(
    session: AsyncSession, merchant_id: int, campaign_ids: Sequence[int], *, lock: bool
) -> dict[int, int]:
    connection = await driver_connection(session)
    records = await connection.fetch(
        _LOCK_ISSUED if lock else _READ_ISSUED, merchant_id, sorted(campaign_ids)
    )
    return {int(c): int(p) for c, p in records}


# The counters of capped campaigns only (uncapped ones need none: their reach is read
# from the ledger). Existing rows are read (locked for the transaction when the
# earnings will be posted); a missing row is created with what the ledger says the
# campaign gave the customer before (its caps may have come after those earnings).
_READ_CUSTOMERS = """
SELECT cc.campaign_id, cc.customer_id, cc.uses, cc.points
FROM unnest($2::bigint[], $3::bigint[]) AS t(c, u)
JOIN campaign_customers AS cc ON cc.merchant_id = $1 AND cc.campaign_id = t.c AND cc.customer_id = t.u
ORDER BY cc.campaign_id, cc.customer_id
"""
_LOCK_CUSTOMERS = _READ_CUSTOMERS + "FOR UPDATE OF cc"
_CREATE_CUSTOMERS = """
INSERT INTO campaign_customers AS cc (merchant_id, campaign_id, customer_id, uses, points)
SELECT $1, c, u, n, p FROM unnest($2::bigint[], $3::bigint[], $4::int[], $5::bigint[]) AS t(c, u, n, p)
ORDER BY c, u
ON CONFLICT (merchant_id, campaign_id, customer_id) DO UPDATE SET uses = cc.uses
RETURNING campaign_id, customer_id, uses, points
"""


async def customer_uses(
    session: AsyncSession, merchant_id: int, pairs: Sequence[tuple[int, int]], *, lock: bool
) -> dict[tuple[int, int], tuple[int, int]]:
    """{(campaign, customer): (uses, points)} of the ``pairs`` that have a row."""
    connection = await driver_connection(session)
    ordered = sorted(set(pairs))
    records = await connection.fetch(
        _LOCK_CUSTOMERS if lock else _READ_CUSTOMERS,
        merchant_id,
        [c for c, _ in ordered],
        [u for _, u in ordered],
    )
    return {(int(c), int(u)): (int(n), int(p)) for c, u, n, p in records}


async def create_customer_uses(
    session: AsyncSession, merchant_id: int, initial: dict[tuple[int, int], tuple[int, int]]
) -> dict[tuple[int, int], tuple[int, int]]:
    """Create the rows of {(campaign, customer): (uses, points)}, locked; a row created
    meanwhile is kept as it is. Returns every row's state."""
    connection = await driver_connection(session)
    ordered = sorted(initial)
    records = await connection.fetch(
        _CREATE_CUSTOMERS,
        merchant_id,
        [c for c, _ in ordered],
        [u for _, u in ordered],
        [initial[key][0] for key in ordered],
        [initial[key][1] for key in ordered],
    )
    return {(int(c), int(u)): (int(n), int(p)) for c, u, n, p in records}


_ADD_CUSTOMERS = """
INSERT INTO campaign_customers AS cc (merchant_id, campaign_id, customer_id, uses, points)
SELECT $1, c, u, n, p FROM unnest($2::bigint[], $3::bigint[], $4::int[], $5::bigint[]) AS t(c, u, n, p)
ORDER BY c, u
ON CONFLICT (merchant_id, campaign_id, customer_id)
DO UPDATE SET uses = cc.uses + EXCLUDED.uses, points = cc.points + EXCLUDED.points
RETURNING campaign_id, uses
"""


async def add_customer_uses(
    session: AsyncSession, merchant_id: int, changes: Sequence[tuple[int, int, int, int]]
) -> dict[int, int]:
    """Add (campaign, customer, uses, points); returns {campaign: customers reached for
    the first time by this call} (their uses went from 0 to what was added)."""
    connection = await driver_connection(session)
    ordered = sorted(changes)
    records = await connection.fetch(
        _ADD_CUSTOMERS,
        merchant_id,
        [c[0] for c in ordered],
        [c[1] for c in ordered],
        [c[2] for c in ordered],
        [c[3] for c in ordered],
    )
    added = {(c[0], c[1]): c[2] for c in ordered}
    reached: dict[int, int] = {}
    for (campaign_id, uses), change in zip(records, ordered, strict=True):
        if change[2] > 0 and int(uses) == added[(change[0], change[1])]:
            reached[int(campaign_id)] = reached.get(int(campaign_id), 0) + 1
    return reached


@dataclass(frozen=True, slots=True)
class ResultsChange:
    campaign_id: int
    points: int = 0
    orders: int = 0
    customers: int = 0
    revenue: Decimal = Decimal(0)
    discount_uses: int = 0


_ADD_RESULTS = """
INSERT INTO campaign_results AS r
    (merchant_id, campaign_id, points_issued, orders_affected, customers_reached, revenue, discount_uses)
SELECT $1, c, p, o, n, v, d
FROM unnest($2::bigint[], $3::bigint[], $4::int[], $5::int[], $6::numeric[], $7::int[]) AS t(c, p, o, n, v, d)
ORDER BY c
ON CONFLICT (merchant_id, campaign_id) DO UPDATE SET
    points_issued = r.points_issued + EXCLUDED.points_issued,
    orders_affected = r.orders_affected + EXCLUDED.orders_affected,
    customers_reached = r.customers_reached + EXCLUDED.customers_reached,
    revenue = r.revenue + EXCLUDED.revenue,
    discount_uses = r.discount_uses + EXCLUDED.discount_uses,
    updated_at = now()
"""


async def add_results(session: AsyncSession, merchant_id: int, changes: Sequence[ResultsChange]) -> None:
    """One statement for a batch's changes, rows taken in campaign order (as everywhere)."""
    if not changes:
        return
    connection = await driver_connection(session)
    ordered = sorted(changes, key=lambda c: c.campaign_id)
    await connection.execute(
        _ADD_RESULTS,
        merchant_id,
        [c.campaign_id for c in ordered],
        [c.points for c in ordered],
        [c.orders for c in ordered],
        [c.customers for c in ordered],
        [c.revenue for c in ordered],
        [c.discount_uses for c in ordered],
    )


_INSERT_ORDERS = """
INSERT INTO campaign_orders (merchant_id, campaign_id, shopify_order_id, customer_id, revenue, via_discount)
SELECT $1, c, o, u, v, d FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::numeric[], $6::boolean[])
    AS t(c, o, u, v, d)
ORDER BY c, o
ON CONFLICT (merchant_id, campaign_id, shopify_order_id) DO UPDATE SET via_discount = true
WHERE EXCLUDED.via_discount AND NOT campaign_orders.via_discount
RETURNING campaign_id, shopify_order_id, revenue, (xmax = 0) AS inserted
"""


@dataclass(frozen=True, slots=True)
class OrderTouch:
    campaign_id: int
    shopify_order_id: int
    customer_id: int | None
    revenue: Decimal
    via_discount: bool


async def touch_orders(
    session: AsyncSession, merchant_id: int, touches: Sequence[OrderTouch]
) -> list[tuple[int, Decimal, bool, bool]]:
    """Record orders a campaign touched. Returns, for each row this call changed,
    (campaign, revenue, newly counted order, newly counted discount use)."""
    if not touches:
        return []
    connection = await driver_connection(session)
    # one row per (campaign, order): a discount touch wins over a points one
    merged: dict[tuple[int, int], OrderTouch] = {}
    for touch in touches:
        key = (touch.campaign_id, touch.shopify_order_id)
        if key not in merged or touch.via_discount:
            merged[key] = touch
    ordered = [merged[k] for k in sorted(merged)]
    records = await connection.fetch(
        _INSERT_ORDERS,
        merchant_id,
        [t.campaign_id for t in ordered],
        [t.shopify_order_id for t in ordered],
        [t.customer_id for t in ordered],
        [t.revenue for t in ordered],
        [t.via_discount for t in ordered],
    )
    by_key = {(t.campaign_id, t.shopify_order_id): t for t in ordered}
    out = []
    for campaign_id, order_id, revenue, inserted in records:
        touch = by_key[(int(campaign_id), int(order_id))]
        out.append((int(campaign_id), Decimal(revenue), bool(inserted), touch.via_discount))
    return out


_ORDER_SPEND = """
WITH before AS (
    SELECT campaign_id, revenue, cancelled FROM campaign_orders
    WHERE merchant_id = $1 AND shopify_order_id = $2 FOR UPDATE
)
UPDATE campaign_orders o SET revenue = GREATEST(o.revenue + $3, 0), cancelled = o.cancelled OR $4
FROM before b
WHERE o.merchant_id = $1 AND o.shopify_order_id = $2 AND o.campaign_id = b.campaign_id
RETURNING o.campaign_id, o.revenue - b.revenue, (o.cancelled AND NOT b.cancelled)
"""


async def change_order_revenue(
    session: AsyncSession, merchant_id: int, shopify_order_id: int, amount: Decimal, *, cancelled: bool
) -> list[tuple[int, Decimal, bool]]:
    """A refund or cancellation of an order campaigns touched: (campaign, revenue
    change, newly cancelled) per campaign."""
    connection = await driver_connection(session)
    records = await connection.fetch(_ORDER_SPEND, merchant_id, shopify_order_id, amount, cancelled)
    return [(int(c), Decimal(d), bool(n)) for c, d, n in records]


@dataclass(frozen=True, slots=True)
class ResultsRow:
    campaign_id: int
    points_issued: int
    orders_affected: int
    customers_reached: int
    revenue: Decimal
    discount_uses: int
    updated_at: datetime


_RESULTS = """
SELECT campaign_id, points_issued, orders_affected, customers_reached, revenue, discount_uses, updated_at
FROM campaign_results WHERE merchant_id = $1 AND campaign_id = ANY($2::bigint[])
"""


async def get_results(
    session: AsyncSession, merchant_id: int, campaign_ids: Sequence[int]
) -> list[ResultsRow]:
    connection = await driver_connection(session, transactional=False)
    return [ResultsRow(*r) for r in await connection.fetch(_RESULTS, merchant_id, list(campaign_ids))]
