"""SQL of analytics' nudges. Every function takes ``merchant_id``; writes run on the unit
of work's connection (asyncpg, inside its transaction), reads on the connection given.

Segment membership is read here from the RFM tables of this same context, by their
contract columns (``analytics_customer_rfm.segment``, ``analytics_rfm_exclusions``,
``analytics_profiling_exclusions``, ``analytics_custom_segment_members``): the
storefront's ``me.nudges`` needs the customer's segment, custom segments, exclusion,
tier drop and dismissals in one round trip, which the per-function readers of the RFM
concern would make five.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection

Connection = Any  # an asyncpg connection (plain_connection or driver_connection)

_NUDGE_COLUMNS = (
    "id, name, kind, segment, default_locale, titles, bodies, cta_labels, cta_url, enabled, hide_days,"
    " archived_at, created_at, updated_at"
)
_VARIANT_COLUMNS = "id, nudge_id, name, weight, is_control, position, titles, bodies, cta_labels, removed_at"


def _json(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    return orjson.loads(value) if isinstance(value, str | bytes) else dict(value)


@dataclass(frozen=True, slots=True)
class NudgeRow:
    id: int
    name: str
    kind: str
    segment: str | None
    default_locale: str
    titles: dict[str, str]
    bodies: dict[str, str]
    cta_labels: dict[str, str]
    cta_url: str
    enabled: bool
    hide_days: int
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, r: Any) -> NudgeRow:
        return cls(
            id=r["id"],
            name=r["name"],
            kind=r["kind"],
            segment=r["segment"],
            default_locale=r["default_locale"],
            titles=_json(r["titles"]) or {},
            bodies=_json(r["bodies"]) or {},
            cta_labels=_json(r["cta_labels"]) or {},
            cta_url=r["cta_url"],
            enabled=r["enabled"],
            hide_days=r["hide_days"],
            archived_at=r["archived_at"],
            created_at=r["created_at"],
            updated_at=r["updated_at"],
        )


@dataclass(frozen=True, slots=True)
class VariantRow:
    id: int
    nudge_id: int
    name: str
    weight: int
    control: bool
    position: int
    titles: dict[str, str] | None
    bodies: dict[str, str] | None
    cta_labels: dict[str, str] | None
    removed_at: datetime | None

    @classmethod
    def of(cls, r: Any) -> VariantRow:
        return cls(
            id=r["id"],
            nudge_id=r["nudge_id"],
            name=r["name"],
            weight=r["weight"],
            control=r["is_control"],
            position=r["position"],
            titles=_json(r["titles"]),
            bodies=_json(r["bodies"]),
            cta_labels=_json(r["cta_labels"]),
            removed_at=r["removed_at"],
        )


# --- definitions ---------------------------------------------------------------------------------


def _dump(value: dict[str, str] | None) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


async def insert_nudge(session: AsyncSession, merchant_id: int, fields: dict[str, Any]) -> NudgeRow:
    conn = await driver_connection(session)
    row = await conn.fetchrow(
        "INSERT INTO analytics_nudges (merchant_id, name, kind, segment, default_locale, titles, bodies,"
        " cta_labels, cta_url, enabled, hide_days)"
        " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9, $10, $11)"
        f" RETURNING {_NUDGE_COLUMNS}",
        merchant_id,
        fields["name"],
        fields["kind"],
        fields["segment"],
        fields["default_locale"],
        _dump(fields["titles"]),
        _dump(fields["bodies"]),
        _dump(fields["cta_labels"]),
        fields["cta_url"],
        fields["enabled"],
        fields["hide_days"],
    )
    return NudgeRow.of(row)


_UPDATABLE = {
    "name": "",
    "kind": "",
    "segment": "",
    "default_locale": "",
    "titles": "::jsonb",
    "bodies": "::jsonb",
    "cta_labels": "::jsonb",
    "cta_url": "",
    "enabled": "",
    "hide_days": "",
    "archived_at": "",
}


async def update_nudge(
    session: AsyncSession, merchant_id: int, nudge_id: int, changes: dict[str, Any]
) -> NudgeRow | None:
    """Set ``changes`` (column -> value) on a nudge that is not archived; None: no such
    live nudge."""
    sets = ["updated_at = now()"]
    values: list[Any] = [merchant_id, nudge_id]
    for column, value in changes.items():
        cast = _UPDATABLE[column]  # KeyError: a caller's mistake, never client input
        values.append(_dump(value) if cast else value)
        sets.append(f"{column} = ${len(values)}{cast}")
    conn = await driver_connection(session)
    row = await conn.fetchrow(
        f"UPDATE analytics_nudges SET {', '.join(sets)}"
        " WHERE merchant_id = $1 AND id = $2 AND archived_at IS NULL"
        f" RETURNING {_NUDGE_COLUMNS}",
        *values,
    )
    return None if row is None else NudgeRow.of(row)


async def lock_nudge(session: AsyncSession, merchant_id: int, nudge_id: int) -> NudgeRow | None:
    """The live nudge, locked for this transaction (variant lists change one at a time)."""
    conn = await driver_connection(session)
    row = await conn.fetchrow(
        f"SELECT {_NUDGE_COLUMNS} FROM analytics_nudges"
        " WHERE merchant_id = $1 AND id = $2 AND archived_at IS NULL FOR UPDATE",
        merchant_id,
        nudge_id,
    )
    return None if row is None else NudgeRow.of(row)


async def nudges_by_id(conn: Connection, merchant_id: int, ids: Sequence[int]) -> list[NudgeRow]:
    rows = await conn.fetch(
        f"SELECT {_NUDGE_COLUMNS} FROM analytics_nudges WHERE merchant_id = $1 AND id = ANY($2::bigint[])",
        merchant_id,
        list(ids),
    )
    return [NudgeRow.of(r) for r in rows]


async def list_nudges(
    conn: Connection, merchant_id: int, *, archived: bool, after: int | None, limit: int
) -> list[NudgeRow]:
    """Newest first (id descending), from after the cursor ``after``."""
    rows = await conn.fetch(
        f"SELECT {_NUDGE_COLUMNS} FROM analytics_nudges WHERE merchant_id = $1"
        " AND (archived_at IS NOT NULL) = $2 AND ($3::bigint IS NULL OR id < $3)"
        " ORDER BY id DESC LIMIT $4",
        merchant_id,
        archived,
        after,
        limit,
    )
    return [NudgeRow.of(r) for r in rows]


async def count_nudges(conn: Connection, merchant_id: int, *, archived: bool) -> int:
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM analytics_nudges WHERE merchant_id = $1 AND (archived_at IS NOT NULL) = $2",
            merchant_id,
            archived,
        )
    )


async def live_nudges(conn: Connection, merchant_id: int) -> list[NudgeRow]:
    """The shop's nudges that are on and not archived (few per shop: no paging)."""
    rows = await conn.fetch(
        f"SELECT {_NUDGE_COLUMNS} FROM analytics_nudges"
        " WHERE merchant_id = $1 AND enabled AND archived_at IS NULL ORDER BY id",
        merchant_id,
    )
    return [NudgeRow.of(r) for r in rows]


async def variants_of(
    conn: Connection, merchant_id: int, nudge_ids: Sequence[int], *, removed: bool = False
) -> list[VariantRow]:
    """The variants of these nudges in the merchant's order (live ones; all with ``removed``)."""
    rows = await conn.fetch(
        f"SELECT {_VARIANT_COLUMNS} FROM analytics_nudge_variants"
        " WHERE merchant_id = $1 AND nudge_id = ANY($2::bigint[]) AND ($3 OR removed_at IS NULL)"
        " ORDER BY nudge_id, removed_at IS NOT NULL, position, id",
        merchant_id,
        list(nudge_ids),
        removed,
    )
    return [VariantRow.of(r) for r in rows]


async def insert_variant(session: AsyncSession, merchant_id: int, nudge_id: int, v: Any) -> None:
    conn = await driver_connection(session)
    await conn.execute(
        "INSERT INTO analytics_nudge_variants (merchant_id, nudge_id, name, weight, is_control, position,"
        " titles, bodies, cta_labels) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb)",
        merchant_id,
        nudge_id,
        v.name,
        v.weight,
        v.control,
        v.position,
        _dump(v.titles),
        _dump(v.bodies),
        _dump(v.cta_labels),
    )


async def update_variant(session: AsyncSession, merchant_id: int, nudge_id: int, v: Any) -> bool:
    """Rewrite a live variant of the nudge; False: the id names none."""
    conn = await driver_connection(session)
    done = await conn.fetchval(
        "UPDATE analytics_nudge_variants SET name = $4, weight = $5, is_control = $6, position = $7,"
        " titles = $8::jsonb, bodies = $9::jsonb, cta_labels = $10::jsonb"
        " WHERE merchant_id = $1 AND nudge_id = $2 AND id = $3 AND removed_at IS NULL RETURNING 1",
        merchant_id,
        nudge_id,
        v.id,
        v.name,
        v.weight,
        v.control,
        v.position,
        _dump(v.titles),
        _dump(v.bodies),
        _dump(v.cta_labels),
    )
    return done is not None


async def remove_variants_except(
    session: AsyncSession, merchant_id: int, nudge_id: int, keep: Sequence[int]
) -> int:
    conn = await driver_connection(session)
    result: str = await conn.execute(
        "UPDATE analytics_nudge_variants SET removed_at = now(), is_control = false"
        " WHERE merchant_id = $1 AND nudge_id = $2 AND removed_at IS NULL AND NOT (id = ANY($3::bigint[]))",
        merchant_id,
        nudge_id,
        list(keep),
    )
    return int(result.split()[-1])


# --- the storefront ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AudienceFacts:
    """What decides which nudges apply to one customer now."""

    segment: str
    custom_segment_ids: frozenset[int]
    excluded: bool
    tier_dropped_at: datetime | None
    # nudge id -> the last dismissal
    dismissed: dict[int, datetime]


async def audience_facts(conn: Connection, merchant_id: int, customer_id: int) -> AudienceFacts:
    """One statement: the customer's RFM segment ('other' without a row), custom
    segments, exclusion (RFM tracking or profiling revoked), last tier drop and dismissals."""
    row = await conn.fetchrow(
        "SELECT"
        " (SELECT segment FROM analytics_customer_rfm WHERE merchant_id = $1 AND customer_id = $2),"
        " ARRAY(SELECT segment_id FROM analytics_custom_segment_members"
        "       WHERE merchant_id = $1 AND customer_id = $2) AS custom,"
        " EXISTS(SELECT 1 FROM analytics_rfm_exclusions WHERE merchant_id = $1 AND customer_id = $2)"
        " OR EXISTS(SELECT 1 FROM analytics_profiling_exclusions"
        "           WHERE merchant_id = $1 AND customer_id = $2),"
        " (SELECT dropped_at FROM analytics_nudge_tier_drops WHERE merchant_id = $1 AND customer_id = $2),"
        " ARRAY(SELECT nudge_id FROM analytics_nudge_dismissals"
        "       WHERE merchant_id = $1 AND customer_id = $2 ORDER BY nudge_id),"
        " ARRAY(SELECT dismissed_at FROM analytics_nudge_dismissals"
        "       WHERE merchant_id = $1 AND customer_id = $2 ORDER BY nudge_id)",
        merchant_id,
        customer_id,
    )
    return AudienceFacts(
        segment=row[0] or "other",
        custom_segment_ids=frozenset(int(i) for i in row[1]),
        excluded=bool(row[2]),
        tier_dropped_at=row[3],
        dismissed=dict(zip((int(n) for n in row[4]), row[5], strict=True)),
    )


async def record_event(
    session: AsyncSession,
    merchant_id: int,
    *,
    nudge_id: int,
    variant_id: int,
    customer_id: int,
    kind: str,
    day: date,
    at: datetime,
) -> bool:
    """One event row per customer, nudge, kind and day; False: already counted today."""
    conn = await driver_connection(session)
    inserted = await conn.fetchval(
        "INSERT INTO analytics_nudge_events (merchant_id, nudge_id, customer_id, kind, day, variant_id,"
        " occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING 1",
        merchant_id,
        nudge_id,
        customer_id,
        kind,
        day,
        variant_id,
        at,
    )
    return inserted is not None


async def record_dismissal(
    session: AsyncSession, merchant_id: int, nudge_id: int, customer_id: int, at: datetime
) -> None:
    conn = await driver_connection(session)
    await conn.execute(
        "INSERT INTO analytics_nudge_dismissals (merchant_id, nudge_id, customer_id, dismissed_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (merchant_id, nudge_id, customer_id)"
        " DO UPDATE SET dismissed_at = EXCLUDED.dismissed_at",
        merchant_id,
        nudge_id,
        customer_id,
        at,
    )


async def mark_tier_drops(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int], at: datetime
) -> None:
    conn = await driver_connection(session)
    await conn.execute(
        "INSERT INTO analytics_nudge_tier_drops (merchant_id, customer_id, dropped_at)"
        " SELECT $1, c, $3 FROM unnest($2::bigint[]) AS c"
        " ON CONFLICT (merchant_id, customer_id) DO UPDATE SET dropped_at = EXCLUDED.dropped_at",
        merchant_id,
        list(dict.fromkeys(customer_ids)),
        at,
    )


# --- conversions ----------------------------------------------------------------------------------

# The handler's one statement for a whole batch (every shop in it): each order of a
# customer who clicked a nudge in the 7 days before it converts for the variant of the
# latest such click. LATERAL ... ORDER BY occurred_at DESC LIMIT 1 per order is one
# backward probe of the partial index on clicks (merchant, customer, time), so the cost
# follows the batch, not the table (a join let the planner hash every click of the
# shop); a batch where nobody clicked inserts nothing. One conversion per order: the key.
_INSERT_CONVERSIONS = """
INSERT INTO analytics_nudge_conversions
    (merchant_id, shopify_order_id, nudge_id, variant_id, customer_id, clicked_at, placed_at, amount)
SELECT o.m, o.order_id, e.nudge_id, e.variant_id, o.customer_id, e.occurred_at, o.placed_at, o.amount
FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::numeric[])
     AS o(m, order_id, customer_id, placed_at, amount)
CROSS JOIN LATERAL (
    SELECT c.nudge_id, c.variant_id, c.occurred_at
    FROM analytics_nudge_events c
    WHERE c.merchant_id = o.m AND c.customer_id = o.customer_id AND c.kind = 'click'
      AND c.occurred_at <= o.placed_at AND c.occurred_at > o.placed_at - make_interval(days => $6)
    ORDER BY c.occurred_at DESC
    LIMIT 1
) AS e
ON CONFLICT (merchant_id, shopify_order_id) DO NOTHING
"""


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    merchant_id: int
    shopify_order_id: int
    customer_id: int
    placed_at: datetime
    amount: Decimal


async def insert_conversions(session: AsyncSession, orders: Sequence[PlacedOrder], window_days: int) -> None:
    """Every shop of the batch in one statement (the rows say their merchant)."""
    conn = await driver_connection(session)
    await conn.execute(
        _INSERT_CONVERSIONS,
        [o.merchant_id for o in orders],
        [o.shopify_order_id for o in orders],
        [o.customer_id for o in orders],
        [o.placed_at for o in orders],
        [o.amount for o in orders],
        window_days,
    )


# the catch-up when real time is off: orders the RFM concern stored (analytics_orders)
_CATCH_UP_CONVERSIONS = """
INSERT INTO analytics_nudge_conversions
    (merchant_id, shopify_order_id, nudge_id, variant_id, customer_id, clicked_at, placed_at, amount)
SELECT DISTINCT ON (o.shopify_order_id)
       o.merchant_id, o.shopify_order_id, e.nudge_id, e.variant_id, e.customer_id, e.occurred_at,
       o.placed_at, o.amount
FROM analytics_orders o
JOIN analytics_nudge_events e
  ON e.merchant_id = o.merchant_id AND e.customer_id = o.customer_id AND e.kind = 'click'
 AND e.occurred_at <= o.placed_at AND e.occurred_at > o.placed_at - make_interval(days => $3)
WHERE o.merchant_id = $1 AND o.placed_at >= $2 AND o.customer_id IS NOT NULL AND NOT o.cancelled
ORDER BY o.shopify_order_id, e.occurred_at DESC
ON CONFLICT (merchant_id, shopify_order_id) DO NOTHING
"""


async def catch_up_conversions(
    session: AsyncSession, merchant_id: int, since: datetime, window_days: int
) -> int:
    conn = await driver_connection(session)
    result: str = await conn.execute(_CATCH_UP_CONVERSIONS, merchant_id, since, window_days)
    return int(result.split()[-1])


async def shops_with_clicks_since(conn: Connection, since: datetime) -> list[int]:
    rows = await conn.fetch(
        "SELECT DISTINCT merchant_id FROM analytics_nudge_events WHERE kind = 'click' AND day >= $1::date",
        since,
    )
    return [int(r[0]) for r in rows]


# --- results ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VariantCounts:
    views: int = 0
    clicks: int = 0
    conversions: int = 0
    converted_customers: int = 0
    revenue: Decimal = Decimal("0")


async def variant_counts(conn: Connection, merchant_id: int, nudge_id: int) -> dict[int, VariantCounts]:
    """Per variant: distinct viewers and clickers, conversions, converting customers and
    their revenue (two aggregates on the nudge's own index prefixes)."""
    events = await conn.fetch(
        "SELECT variant_id, count(DISTINCT customer_id) FILTER (WHERE kind = 'view'),"
        " count(DISTINCT customer_id) FILTER (WHERE kind = 'click')"
        " FROM analytics_nudge_events WHERE merchant_id = $1 AND nudge_id = $2 GROUP BY variant_id",
        merchant_id,
        nudge_id,
    )
    conversions = await conn.fetch(
        "SELECT variant_id, count(*), count(DISTINCT customer_id), coalesce(sum(amount), 0)"
        " FROM analytics_nudge_conversions WHERE merchant_id = $1 AND nudge_id = $2 GROUP BY variant_id",
        merchant_id,
        nudge_id,
    )
    found: dict[int, VariantCounts] = {}
    for r in events:
        found[int(r[0])] = VariantCounts(views=int(r[1]), clicks=int(r[2]))
    for r in conversions:
        base = found.get(int(r[0]), VariantCounts())
        found[int(r[0])] = VariantCounts(base.views, base.clicks, int(r[1]), int(r[2]), Decimal(r[3]))
    return found


# --- email nudges ---------------------------------------------------------------------------------

_RUN_COLUMNS = "id, nudge_id, segment, status, cursor, seen, queued, skipped, created_at, finished_at"


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    nudge_id: int
    segment: str
    status: str
    cursor: int | None
    seen: int
    queued: int
    skipped: int
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, r: Any) -> RunRow:
        return cls(*(r[i] for i in range(10)))


async def open_run(session: AsyncSession, merchant_id: int, nudge_id: int, segment: str) -> RunRow | None:
    """The run of this nudge and audience still queued or running, if any."""
    conn = await driver_connection(session)
    row = await conn.fetchrow(
        f"SELECT {_RUN_COLUMNS} FROM analytics_nudge_email_runs WHERE merchant_id = $1 AND nudge_id = $2"
        " AND segment = $3 AND status <> 'done' ORDER BY id DESC LIMIT 1",
        merchant_id,
        nudge_id,
        segment,
    )
    return None if row is None else RunRow.of(row)


async def insert_run(
    session: AsyncSession, merchant_id: int, nudge_id: int, segment: str, requested_by: str
) -> RunRow:
    conn = await driver_connection(session)
    row = await conn.fetchrow(
        "INSERT INTO analytics_nudge_email_runs (merchant_id, nudge_id, segment, requested_by)"
        f" VALUES ($1, $2, $3, $4) RETURNING {_RUN_COLUMNS}",
        merchant_id,
        nudge_id,
        segment,
        requested_by,
    )
    return RunRow.of(row)


async def lock_run(session: AsyncSession, merchant_id: int, run_id: int) -> RunRow | None:
    """The run, locked: two deliveries of the actor's message work one after the other."""
    conn = await driver_connection(session)
    row = await conn.fetchrow(
        f"SELECT {_RUN_COLUMNS} FROM analytics_nudge_email_runs WHERE merchant_id = $1 AND id = $2"
        " FOR UPDATE",
        merchant_id,
        run_id,
    )
    return None if row is None else RunRow.of(row)


async def advance_run(
    session: AsyncSession, merchant_id: int, run_id: int, *, cursor: int | None, seen: int, queued: int,
    skipped: int, done: bool,
) -> None:  # fmt: skip
    conn = await driver_connection(session)
    await conn.execute(
        "UPDATE analytics_nudge_email_runs SET cursor = coalesce($3, cursor), seen = seen + $4,"
        " queued = queued + $5, skipped = skipped + $6,"
        " status = CASE WHEN $7 THEN 'done' ELSE 'running' END,"
        " finished_at = CASE WHEN $7 THEN now() ELSE NULL END"
        " WHERE merchant_id = $1 AND id = $2",
        merchant_id,
        run_id,
        cursor,
        seen,
        queued,
        skipped,
        done,
    )


async def runs_by_id(conn: Connection, merchant_id: int, ids: Sequence[int]) -> list[RunRow]:
    rows = await conn.fetch(
        f"SELECT {_RUN_COLUMNS} FROM analytics_nudge_email_runs"
        " WHERE merchant_id = $1 AND id = ANY($2::bigint[])",
        merchant_id,
        list(ids),
    )
    return [RunRow.of(r) for r in rows]


async def audience_page(
    session: AsyncSession,
    merchant_id: int,
    *,
    segments: Sequence[str],
    custom_segment_id: int | None,
    tier_dropped_since: datetime | None,
    after: int | None,
    limit: int,
) -> list[int]:
    """Customer ids of the audience after ``after``, ascending, RFM-excluded ones and
    those who revoked ``profiling`` left out: built-in ``segments``, a custom segment's
    members, or (``tier_dropped_since``) customers whose tier dropped since then."""
    conn = await driver_connection(session)
    source: str
    parameter: Any
    if tier_dropped_since is not None:
        source = (
            "SELECT customer_id FROM analytics_nudge_tier_drops WHERE merchant_id = $1"
            " AND dropped_at >= $4::timestamptz"
        )
        parameter = tier_dropped_since
    elif custom_segment_id is not None:
        source = (
            "SELECT customer_id FROM analytics_custom_segment_members WHERE merchant_id = $1"
            " AND segment_id = $4::bigint"
        )
        parameter = custom_segment_id
    else:
        source = (
            "SELECT customer_id FROM analytics_customer_rfm WHERE merchant_id = $1"
            " AND segment = ANY($4::text[])"
        )
        parameter = list(segments)
    rows = await conn.fetch(
        f"SELECT a.customer_id FROM ({source}) AS a"
        " WHERE ($2::bigint IS NULL OR a.customer_id > $2)"
        " AND NOT EXISTS (SELECT 1 FROM analytics_rfm_exclusions x"
        "                 WHERE x.merchant_id = $1 AND x.customer_id = a.customer_id)"
        " AND NOT EXISTS (SELECT 1 FROM analytics_profiling_exclusions p"
        "                 WHERE p.merchant_id = $1 AND p.customer_id = a.customer_id)"
        " ORDER BY a.customer_id LIMIT $3",
        merchant_id,
        after,
        limit,
        parameter,
    )
    return [int(r[0]) for r in rows]


async def insert_sends(
    session: AsyncSession,
    merchant_id: int,
    *,
    nudge_id: int,
    run_id: int,
    customer_ids: Sequence[int],
    window_no: int,
    not_since: datetime,
) -> list[int]:
    """Record the sends of this page; the customers it was new for. A customer sent this
    nudge since ``not_since`` (the sliding 30 days) or in this window already (the key:
    a retried page) gets no row."""
    conn = await driver_connection(session)
    rows = await conn.fetch(
        "INSERT INTO analytics_nudge_sends (merchant_id, nudge_id, customer_id, window_no, run_id)"
        " SELECT $1, $2, c, $4, $3 FROM unnest($5::bigint[]) AS c"
        " WHERE NOT EXISTS (SELECT 1 FROM analytics_nudge_sends s WHERE s.merchant_id = $1"
        "                   AND s.nudge_id = $2 AND s.customer_id = c AND s.sent_at > $6)"
        " ON CONFLICT DO NOTHING RETURNING customer_id",
        merchant_id,
        nudge_id,
        run_id,
        window_no,
        list(customer_ids),
        not_since,
    )
    return [int(r[0]) for r in rows]
