"""SQL of analytics' segments: custom segments and their members, and the reads over the
RFM tables (H-rfm's, same context) that segment counts, members and transitions need.
Every statement is scoped by merchant; asyncpg statements on the caller's connection."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.analytics.rules.segments.language import (
    LOCAL_FIELDS,
    And,
    Compare,
    Has,
    InList,
    Not,
    Or,
    Rule,
)
from loyalnest.platform.db import driver_connection
from loyalnest.platform.timeutil import utcnow

# --- custom segments --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomSegmentRow:
    merchant_id: int
    id: int
    name: str
    description: str | None
    rule: str
    parsed_rule: dict[str, Any]
    refreshed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    members: int


_SEGMENT_COLUMNS = (
    "s.merchant_id, s.id, s.name, s.description, s.rule, s.parsed_rule, s.refreshed_at, s.created_at,"
    " s.updated_at, (SELECT count(*) FROM analytics_custom_segment_members m"
    " WHERE m.merchant_id = s.merchant_id AND m.segment_id = s.id)"
)


def _segment(row: Any) -> CustomSegmentRow:
    parsed = row[5]
    return CustomSegmentRow(
        int(row[0]),
        int(row[1]),
        row[2],
        row[3],
        row[4],
        json.loads(parsed) if isinstance(parsed, str) else parsed,
        row[6],
        row[7],
        row[8],
        int(row[9]),
    )


async def insert_segment(
    session: AsyncSession,
    merchant_id: int,
    *,
    name: str,
    description: str | None,
    rule: str,
    parsed: dict[str, Any],
) -> CustomSegmentRow:
    conn = await driver_connection(session)
    row = await conn.fetchrow(
        "INSERT INTO analytics_custom_segments AS s (merchant_id, name, description, rule, parsed_rule)"
        " VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING " + _SEGMENT_COLUMNS,
        merchant_id,
        name,
        description,
        rule,
        json.dumps(parsed),
    )
    return _segment(row)


async def update_segment(
    session: AsyncSession,
    merchant_id: int,
    segment_id: int,
    *,
    name: str,
    description: str | None,
    rule: str,
    parsed: dict[str, Any],
    rule_changed: bool,
) -> CustomSegmentRow | None:
    conn = await driver_connection(session)
    row = await conn.fetchrow(
        "UPDATE analytics_custom_segments AS s SET name = $3, description = $4, rule = $5,"
        " parsed_rule = $6::jsonb, updated_at = now(),"
        " refreshed_at = CASE WHEN $7 THEN NULL ELSE s.refreshed_at END"
        " WHERE s.merchant_id = $1 AND s.id = $2 RETURNING " + _SEGMENT_COLUMNS,
        merchant_id,
        segment_id,
        name,
        description,
        rule,
        json.dumps(parsed),
        rule_changed,
    )
    return None if row is None else _segment(row)


async def delete_segment(session: AsyncSession, merchant_id: int, segment_id: int) -> bool:
    """Members go with it (ON DELETE CASCADE)."""
    conn = await driver_connection(session)
    found = await conn.fetchval(
        "DELETE FROM analytics_custom_segments WHERE merchant_id = $1 AND id = $2 RETURNING id",
        merchant_id,
        segment_id,
    )
    return found is not None


async def lock_segment(session: AsyncSession, merchant_id: int, segment_id: int) -> CustomSegmentRow | None:
    conn = await driver_connection(session)
    row = await conn.fetchrow(
        "SELECT " + _SEGMENT_COLUMNS + " FROM analytics_custom_segments s"
        " WHERE s.merchant_id = $1 AND s.id = $2 FOR UPDATE",
        merchant_id,
        segment_id,
    )
    return None if row is None else _segment(row)


async def list_segments(conn: Any, merchant_id: int) -> list[CustomSegmentRow]:
    rows = await conn.fetch(
        "SELECT "
        + _SEGMENT_COLUMNS
        + " FROM analytics_custom_segments s WHERE s.merchant_id = $1 ORDER BY s.id",
        merchant_id,
    )
    return [_segment(r) for r in rows]


async def lock_rules(session: AsyncSession, merchant_id: int) -> list[tuple[int, dict[str, Any]]]:
    """Every segment's id and parsed rule, locked (FOR UPDATE, in id order, so a refresh of
    all and one of a single segment never wait on each other in a cycle) until the
    caller's transaction ends: an edit waits for a refresh rather than being overwritten
    by the members of its old rule."""
    conn = await driver_connection(session)
    rows = await conn.fetch(
        "SELECT id, parsed_rule FROM analytics_custom_segments WHERE merchant_id = $1 ORDER BY id FOR UPDATE",
        merchant_id,
    )
    return [(int(r[0]), json.loads(r[1]) if isinstance(r[1], str) else r[1]) for r in rows]


async def segments_by_id(conn: Any, merchant_id: int, segment_ids: Sequence[int]) -> list[CustomSegmentRow]:
    rows = await conn.fetch(
        "SELECT " + _SEGMENT_COLUMNS + " FROM analytics_custom_segments s"
        " WHERE s.merchant_id = $1 AND s.id = ANY($2::bigint[]) ORDER BY s.id",
        merchant_id,
        list(segment_ids),
    )
    return [_segment(r) for r in rows]


async def segment_ids_of_customers(
    conn: Any, merchant_id: int, customer_ids: Sequence[int]
) -> list[tuple[int, int]]:
    """(customer id, segment id) pairs, segment ids ascending."""
    rows = await conn.fetch(
        "SELECT customer_id, segment_id FROM analytics_custom_segment_members"
        " WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[]) ORDER BY customer_id, segment_id",
        merchant_id,
        list(customer_ids),
    )
    return [(int(r[0]), int(r[1])) for r in rows]


# --- members ----------------------------------------------------------------------------------


def local_predicate(rule: Rule, params: list[Any], now: datetime) -> str:
    """The rule as a SQL condition over ``analytics_customer_rfm c`` (only for rules whose
    fields are all local), appending its values to ``params`` ($n placeholders). Each
    comparison is COALESCEd to false so NOT stays two-valued, as in ``rules.segments.evaluation``.
    ``now`` is the instant last_order_days counts from."""

    def column(field: str) -> str:
        if field == "segment":
            return "COALESCE(c.segment, 'other')"
        if field == "last_order_days":
            return f"floor(extract(epoch FROM ({bind(now)}::timestamptz - c.last_order_at)) / 86400)::bigint"
        return f"c.{field}"

    def bind(value: Any) -> str:
        params.append(value)
        return f"${len(params)}"

    match rule:
        case Compare(field=field, op=op, value=value):
            if field not in LOCAL_FIELDS:
                raise ValueError(field)
            cast = "text" if field == "segment" else "bigint"
            return f"COALESCE({column(field)} {op} {bind(value)}::{cast}, false)"
        case InList(field=field, values=values):
            if field not in LOCAL_FIELDS:
                raise ValueError(field)
            cast = "text[]" if field == "segment" else "bigint[]"
            return f"COALESCE({column(field)} = ANY({bind(list(values))}::{cast}), false)"
        case Not(item=item):
            return f"NOT ({local_predicate(item, params, now)})"
        case And(items=items):
            return "(" + " AND ".join(local_predicate(i, params, now) for i in items) + ")"
        case Or(items=items):
            return "(" + " OR ".join(local_predicate(i, params, now) for i in items) + ")"
        case Has():
            raise ValueError("tags")
    raise TypeError(rule)


async def replace_members_by_rule(
    session: AsyncSession, merchant_id: int, segment_id: int, rule: Rule, now: datetime
) -> int:
    """Set-based: the segment's members become the scored customers the rule matches, in
    one statement (removed, added, the rest untouched). Returns the member count.

    The removal probes each current member's RFM row by primary key (it does not
    anti-join a CTE of the matches: the planner cannot estimate a CTE of an arbitrary
    rule and a nested loop over two large CTEs is quadratic)."""
    params: list[Any] = [merchant_id, segment_id]
    predicate = local_predicate(rule, params, now)
    conn = await driver_connection(session)
    return int(
        await conn.fetchval(
            "WITH removed AS (DELETE FROM analytics_custom_segment_members x"
            " WHERE x.merchant_id = $1 AND x.segment_id = $2 AND NOT EXISTS ("
            "  SELECT 1 FROM analytics_customer_rfm c"
            f"  WHERE c.merchant_id = $1 AND c.customer_id = x.customer_id AND {predicate})),"
            " matched AS (SELECT c.customer_id FROM analytics_customer_rfm c"
            f"  WHERE c.merchant_id = $1 AND {predicate}),"
            " added AS (INSERT INTO analytics_custom_segment_members (merchant_id, segment_id, customer_id)"
            "  SELECT $1, $2, customer_id FROM matched ON CONFLICT DO NOTHING)"
            " SELECT count(*) FROM matched",
            *params,
        )
    )


async def replace_members(
    session: AsyncSession, merchant_id: int, segment_id: int, customer_ids: Sequence[int]
) -> int:
    """The segment's members become exactly ``customer_ids`` (evaluated in Python).
    The difference is computed here and applied by primary key (an anti-join against a
    large id array in SQL is planned from a 10-row guess and can go quadratic), so a
    refresh that changes little writes little. Returns the member count."""
    conn = await driver_connection(session)
    wanted = set(customer_ids)
    current = {
        int(r[0])
        for r in await conn.fetch(
            "SELECT customer_id FROM analytics_custom_segment_members"
            " WHERE merchant_id = $1 AND segment_id = $2",
            merchant_id,
            segment_id,
        )
    }
    removed, added = sorted(current - wanted), sorted(wanted - current)
    if removed:
        await conn.execute(
            "DELETE FROM analytics_custom_segment_members"
            " WHERE merchant_id = $1 AND segment_id = $2 AND customer_id = ANY($3::bigint[])",
            merchant_id,
            segment_id,
            removed,
        )
    if added:
        await conn.execute(
            "INSERT INTO analytics_custom_segment_members (merchant_id, segment_id, customer_id)"
            " SELECT $1, $2, unnest($3::bigint[]) ON CONFLICT DO NOTHING",
            merchant_id,
            segment_id,
            added,
        )
    return len(wanted)


async def mark_refreshed(
    session: AsyncSession, merchant_id: int, segment_ids: Sequence[int], now: datetime
) -> None:
    conn = await driver_connection(session)
    await conn.execute(
        "UPDATE analytics_custom_segments SET refreshed_at = $3"
        " WHERE merchant_id = $1 AND id = ANY($2::bigint[])",
        merchant_id,
        list(segment_ids),
        now,
    )


# --- RFM facts (H-rfm's tables) ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RfmFactsRow:
    customer_id: int
    r: int | None
    f: int | None
    m: int | None
    segment: str | None
    last_order_at: datetime | None


async def rfm_facts(conn: Any, merchant_id: int, customer_ids: Sequence[int]) -> dict[int, RfmFactsRow]:
    rows = await conn.fetch(
        "SELECT customer_id, r, f, m, segment, last_order_at FROM analytics_customer_rfm"
        " WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[])",
        merchant_id,
        list(customer_ids),
    )
    return {int(r[0]): RfmFactsRow(int(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in rows}


async def scored_customer_ids_after(
    conn: Any,
    merchant_id: int,
    after_id: int,
    limit: int,
    *,
    prefilter: Rule | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Customers with an RFM row, by id (the universe beside the customers context's
    list), only those matching ``prefilter`` (an RFM-only rule) when given."""
    params: list[Any] = [merchant_id, after_id, limit]
    condition = "" if prefilter is None else " AND " + local_predicate(prefilter, params, now or utcnow())
    rows = await conn.fetch(
        "SELECT c.customer_id FROM analytics_customer_rfm c WHERE c.merchant_id = $1 AND c.customer_id > $2"
        + condition
        + " ORDER BY c.customer_id LIMIT $3",
        *params,
    )
    return [int(r[0]) for r in rows]


async def excluded_among(conn: Any, merchant_id: int, customer_ids: Sequence[int]) -> set[int]:
    rows = await conn.fetch(
        "SELECT customer_id FROM analytics_rfm_exclusions"
        " WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[])",
        merchant_id,
        list(customer_ids),
    )
    return {int(r[0]) for r in rows}


# --- segment reads ------------------------------------------------------------------------------


async def segment_counts(conn: Any, merchant_id: int) -> dict[str, int]:
    """Live count of scored customers per built-in segment (absent: none)."""
    rows = await conn.fetch(
        "SELECT COALESCE(segment, 'other'), count(*) FROM analytics_customer_rfm"
        " WHERE merchant_id = $1 GROUP BY 1",
        merchant_id,
    )
    return {str(r[0]): int(r[1]) for r in rows}


async def daily_counts(conn: Any, merchant_id: int, days: Sequence[date]) -> dict[date, dict[str, int]]:
    """The daily pass's counts on those days ({day: {segment: customers}}; a day without
    rows is absent: the pass did not run that day)."""
    rows = await conn.fetch(
        "SELECT day, segment, customers FROM analytics_segment_daily"
        " WHERE merchant_id = $1 AND day = ANY($2::date[])",
        merchant_id,
        list(days),
    )
    out: dict[date, dict[str, int]] = {}
    for r in rows:
        out.setdefault(r[0], {})[str(r[1])] = int(r[2])
    return out


async def builtin_members_after(
    conn: Any, merchant_id: int, segment: str, after_id: int, limit: int
) -> list[int]:
    rows = await conn.fetch(
        "SELECT customer_id FROM analytics_customer_rfm WHERE merchant_id = $1"
        " AND COALESCE(segment, 'other') = $2 AND customer_id > $3 ORDER BY customer_id LIMIT $4",
        merchant_id,
        segment,
        after_id,
        limit,
    )
    return [int(r[0]) for r in rows]


# members of a custom segment who have not withdrawn RFM tracking (one PK probe each)
_NOT_WITHDRAWN = (
    " AND NOT EXISTS (SELECT 1 FROM analytics_rfm_exclusions e"
    " WHERE e.merchant_id = x.merchant_id AND e.customer_id = x.customer_id)"
)


async def custom_members_after(
    conn: Any, merchant_id: int, segment_id: int, after_id: int, limit: int
) -> list[int]:
    """Members after ``after_id``; a customer who withdrew RFM tracking since the last
    refresh is left out at once (exports and email nudges walk this)."""
    rows = await conn.fetch(
        "SELECT x.customer_id FROM analytics_custom_segment_members x"
        " WHERE x.merchant_id = $1 AND x.segment_id = $2 AND x.customer_id > $3"
        + _NOT_WITHDRAWN
        + " ORDER BY x.customer_id LIMIT $4",
        merchant_id,
        segment_id,
        after_id,
        limit,
    )
    return [int(r[0]) for r in rows]


async def custom_segment_exists(conn: Any, merchant_id: int, segment_id: int) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM analytics_custom_segments WHERE merchant_id = $1 AND id = $2", merchant_id, segment_id
    )
    return found is not None


async def transitions(
    conn: Any, merchant_id: int, start: datetime, end: datetime
) -> list[tuple[str, str, int]]:
    """(from, to, customers) for the customers whose segment changed in [start, end): each
    customer's segment before its first change in the range against its segment after the
    last one (a round trip back to where it started is no transition)."""
    rows = await conn.fetch(
        "WITH ranged AS ("
        "  SELECT customer_id, from_segment, to_segment,"
        "   row_number() OVER (PARTITION BY customer_id ORDER BY changed_at, id) AS first_rank,"
        "   row_number() OVER (PARTITION BY customer_id ORDER BY changed_at DESC, id DESC) AS last_rank"
        "  FROM analytics_segment_history"
        "  WHERE merchant_id = $1 AND changed_at >= $2 AND changed_at < $3),"
        " ends AS (SELECT customer_id,"
        "   max(COALESCE(from_segment, 'other')) FILTER (WHERE first_rank = 1) AS from_segment,"
        "   max(to_segment) FILTER (WHERE last_rank = 1) AS to_segment"
        "  FROM ranged WHERE first_rank = 1 OR last_rank = 1 GROUP BY customer_id)"
        " SELECT from_segment, to_segment, count(*) FROM ends WHERE from_segment <> to_segment"
        " GROUP BY from_segment, to_segment ORDER BY count(*) DESC, from_segment, to_segment",
        merchant_id,
        start,
        end,
    )
    return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]


async def count_builtin(conn: Any, merchant_id: int, segment: str) -> int:
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM analytics_customer_rfm"
            " WHERE merchant_id = $1 AND COALESCE(segment, 'other') = $2",
            merchant_id,
            segment,
        )
    )


async def count_custom(conn: Any, merchant_id: int, segment_id: int) -> int:
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM analytics_custom_segment_members x"
            " WHERE x.merchant_id = $1 AND x.segment_id = $2" + _NOT_WITHDRAWN,
            merchant_id,
            segment_id,
        )
    )
