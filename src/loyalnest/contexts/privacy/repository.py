"""All SQL of the privacy context: the request log, and the deletion of a shop's rows.

The shop deletion is the one place in the product that walks the catalog instead of
naming tables: completeness is its whole point, so every table holding a column named
``merchant_id`` or a foreign key to ``merchants``, present and future, is found there,
and a new context's tables are covered without a line here (the raw-database test
checks the same catalog). Rows go in batches, each statement bounded, children before
the tables they reference, the ``merchants`` row last.
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.privacy import rules

LOG_TABLE = "privacy_requests"


@dataclass(frozen=True, slots=True)
class RequestRow:
    id: int
    merchant_id: int
    shop_domain: str
    type: str
    source: str
    source_ref: str | None
    customer_ref: int | None
    status: str
    received_at: datetime
    due_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    retention_expires_at: datetime | None
    attempts: int
    last_error: str | None
    result: dict[str, Any]


_COLUMNS = (
    "id, merchant_id, shop_domain, type, source, source_ref, customer_ref, status, received_at, due_at,"
    " started_at, completed_at, retention_expires_at, attempts, last_error, result"
)


def _row(record: Any) -> RequestRow:
    return RequestRow(*record)


# --- the request log --------------------------------------------------------------------

_OPEN_SHOP_REDACT = """
INSERT INTO privacy_requests (merchant_id, shop_domain, type, source, source_ref, status, received_at, due_at)
VALUES (:m, :domain, 'shop_redact', :source, :ref, 'pending', :now, :due)
ON CONFLICT (merchant_id) WHERE type = 'shop_redact' AND status <> 'completed' DO NOTHING
RETURNING id
"""


async def open_shop_redact(
    session: AsyncSession, *, merchant_id: int, shop_domain: str, source: str, source_ref: str, now: datetime
) -> tuple[int, bool]:
    """The shop's deletion request (created unless it has one): (its id, created)."""
    created = (
        await session.execute(
            text(_OPEN_SHOP_REDACT),
            {
                "m": merchant_id,
                "domain": shop_domain,
                "source": source,
                "ref": source_ref,
                "now": now,
                "due": rules.due_at(now),
            },
        )
    ).scalar_one_or_none()
    if created is not None:
        return int(created), True
    found = (
        await session.execute(
            text(
                "SELECT id FROM privacy_requests WHERE merchant_id = :m AND type = 'shop_redact'"
                " AND status <> 'completed'"
            ),
            {"m": merchant_id},
        )
    ).scalar_one()
    return int(found), False


_OPEN_CUSTOMER_REDACT = """
INSERT INTO privacy_requests
    (merchant_id, shop_domain, type, source, source_ref, customer_ref, status, received_at, due_at)
VALUES (:m, :domain, 'customer_redact', :source, :ref, :customer, 'pending', :now, :due)
ON CONFLICT (merchant_id, customer_ref) WHERE type = 'customer_redact' AND status <> 'completed' DO NOTHING
RETURNING id
"""


async def open_customer_redact(
    session: AsyncSession,
    *,
    merchant_id: int,
    shop_domain: str,
    shopify_customer_id: int | None,
    source: str,
    source_ref: str,
    now: datetime,
) -> tuple[int, bool]:
    """The customer's erasure request (created unless one is open): (its id, created)."""
    params = {
        "m": merchant_id,
        "domain": shop_domain,
        "source": source,
        "ref": source_ref,
        "customer": shopify_customer_id,
        "now": now,
        "due": rules.due_at(now),
    }
    created = (await session.execute(text(_OPEN_CUSTOMER_REDACT), params)).scalar_one_or_none()
    if created is not None:
        return int(created), True
    found = (
        await session.execute(
            text(
                "SELECT id FROM privacy_requests WHERE merchant_id = :m AND type = 'customer_redact'"
                " AND customer_ref = :customer AND status <> 'completed'"
            ),
            {"m": merchant_id, "customer": shopify_customer_id},
        )
    ).scalar_one()
    return int(found), False


# A request is taken by one worker at a time: a second message for it (a retry, the
# sweep) waits for the first to finish or, if the first died, takes over after
# ``stale`` has passed since it started.
_CLAIM = f"""
UPDATE privacy_requests SET status = 'processing', started_at = :now, attempts = attempts + 1
WHERE id = :id AND (status IN ('pending', 'failed') OR (status = 'processing' AND started_at < :stale))
RETURNING {_COLUMNS}
"""


async def claim(
    session: AsyncSession, request_id: int, *, now: datetime, stale: datetime
) -> RequestRow | None:
    record = (
        await session.execute(text(_CLAIM), {"id": request_id, "now": now, "stale": stale})
    ).one_or_none()
    return None if record is None else _row(record)


async def complete(session: AsyncSession, request_id: int, *, now: datetime, result: dict[str, Any]) -> None:
    await session.execute(
        text(
            "UPDATE privacy_requests SET status = 'completed', completed_at = :now,"
            " retention_expires_at = :keep, last_error = NULL, result = CAST(:result AS jsonb) WHERE id = :id"
        ),
        {"id": request_id, "now": now, "keep": rules.retention_expires_at(now), "result": _json(result)},
    )


async def fail(session: AsyncSession, request_id: int, *, error: str) -> None:
    await session.execute(
        text(
            "UPDATE privacy_requests SET status = 'failed', last_error = :error"
            " WHERE id = :id AND status <> 'completed'"
        ),
        {"id": request_id, "error": error[:2000]},
    )


async def cancel_open_shop_redact(
    session: AsyncSession, merchant_id: int, *, now: datetime, outcome: str
) -> None:
    """Close the shop's deletion request that has not started (the shop came back)."""
    await session.execute(
        text(
            "UPDATE privacy_requests SET status = 'completed', completed_at = :now,"
            " retention_expires_at = :keep, result = CAST(:result AS jsonb)"
            " WHERE merchant_id = :m AND type = 'shop_redact' AND status IN ('pending', 'failed')"
        ),
        {
            "m": merchant_id,
            "now": now,
            "keep": rules.retention_expires_at(now),
            "result": _json({"outcome": outcome}),
        },
    )


async def unfinished(session: AsyncSession, *, stale: datetime, limit: int) -> list[tuple[int, str]]:
    """(id, type) of requests to (re)send: not completed, and not being worked on now."""
    result = await session.execute(
        text(
            "SELECT id, type FROM privacy_requests WHERE status IN ('pending', 'failed')"
            " OR (status = 'processing' AND started_at < :stale) ORDER BY due_at LIMIT :limit"
        ),
        {"stale": stale, "limit": limit},
    )
    return [(int(r[0]), str(r[1])) for r in result.all()]


async def shop_redacted(session: AsyncSession, shop_domain: str) -> bool:
    """Whether a shop of this domain was deleted (its compliance webhooks, resent
    afterwards, are answered as done)."""
    found = await session.execute(
        text(
            "SELECT 1 FROM privacy_requests WHERE shop_domain = :d AND type = 'shop_redact'"
            " AND status = 'completed' LIMIT 1"
        ),
        {"d": shop_domain},
    )
    return found.first() is not None


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


# --- the shop's rows, everywhere --------------------------------------------------------

# Every base table of the schema with a column naming a shop: ``merchant_id``, or any
# single-column foreign key to ``merchants`` (a referral names the shop it referred).
_SHOP_COLUMNS = """
SELECT c.relname, a.attname
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND (
    a.attname = 'merchant_id'
    OR EXISTS (
        SELECT 1 FROM pg_constraint k
        WHERE k.contype = 'f' AND k.conrelid = c.oid AND k.confrelid = 'merchants'::regclass
          AND k.conkey = ARRAY[a.attnum]
    )
  )
ORDER BY c.relname, a.attname
"""

_FOREIGN_KEYS = """
SELECT child.relname, parent.relname
FROM pg_constraint k
JOIN pg_class child ON child.oid = k.conrelid
JOIN pg_class parent ON parent.oid = k.confrelid
JOIN pg_namespace n ON n.oid = child.relnamespace
WHERE k.contype = 'f' AND n.nspname = current_schema() AND child.oid <> parent.oid
"""


async def shop_tables(session: AsyncSession) -> list[tuple[str, tuple[str, ...]]]:
    """(table, the columns naming a shop) of every table holding shop rows, the
    ``merchants`` table and the request log left out, in deletion order: a table
    before every table it references."""
    columns: dict[str, list[str]] = {}
    for table, column in (await session.execute(text(_SHOP_COLUMNS))).all():
        if table in ("merchants", LOG_TABLE):
            continue
        columns.setdefault(str(table), []).append(str(column))
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for table in columns:
        sorter.add(table)
    for child, parent in (await session.execute(text(_FOREIGN_KEYS))).all():
        if child in columns and parent in columns:
            sorter.add(str(parent), str(child))  # the child goes first
    ordered = list(sorter.static_order())
    return [(table, tuple(columns[table])) for table in ordered]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def delete_shop_rows(
    session: AsyncSession, table: str, columns: tuple[str, ...], merchant_id: int, *, limit: int
) -> int:
    """Delete up to ``limit`` rows of ``table`` naming the shop; returns how many."""
    where = " OR ".join(f"{_quoted(c)} = :m" for c in columns)
    sql = (
        f"DELETE FROM {_quoted(table)} WHERE ctid = ANY(ARRAY("
        f"SELECT ctid FROM {_quoted(table)} WHERE {where} LIMIT :limit))"
    )
    result = await session.execute(text(sql), {"m": merchant_id, "limit": limit})
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def delete_merchant(session: AsyncSession, merchant_id: int) -> int:
    result = await session.execute(text("DELETE FROM merchants WHERE id = :m"), {"m": merchant_id})
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
