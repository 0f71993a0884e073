"""All SQL of the customer exports; every statement is scoped by merchant (the hourly
expiry sweep across shops excepted)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class ExportRow:
    merchant_id: int
    id: int
    format: str
    include_history: bool
    status: str
    customers: int
    history_rows: int
    rows_done: int
    rows_total: int | None
    file_bytes: int | None
    history_bytes: int | None
    requested_by: str
    attempts: int
    created_at: datetime
    started_at: datetime | None
    heartbeat_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None
    last_error: str | None


_COLUMNS = ", ".join(ExportRow.__slots__)


def _row(found: object) -> ExportRow | None:
    return None if found is None else ExportRow(*found)  # type: ignore[misc]


async def insert_export(
    session: AsyncSession, merchant_id: int, *, format: str, include_history: bool, requested_by: str
) -> ExportRow | None:
    """A queued export, or None when the shop has one queued or running (the partial
    unique index decides, in a savepoint so the caller's transaction goes on)."""
    try:
        async with session.begin_nested():
            result = await session.execute(
                text(
                    "INSERT INTO customer_exports (merchant_id, format, include_history, requested_by)"
                    f" VALUES (:m, :format, :history, :by) RETURNING {_COLUMNS}"
                ),
                {"m": merchant_id, "format": format, "history": include_history, "by": requested_by},
            )
            return ExportRow(*result.one())
    except IntegrityError:
        return None


async def get_export(session: AsyncSession, merchant_id: int, export_id: int) -> ExportRow | None:
    result = await session.execute(
        text(f"SELECT {_COLUMNS} FROM customer_exports WHERE merchant_id = :m AND id = :id"),
        {"m": merchant_id, "id": export_id},
    )
    return _row(result.one_or_none())


async def lock_export(session: AsyncSession, merchant_id: int, export_id: int) -> ExportRow | None:
    result = await session.execute(
        text(f"SELECT {_COLUMNS} FROM customer_exports WHERE merchant_id = :m AND id = :id FOR UPDATE"),
        {"m": merchant_id, "id": export_id},
    )
    return _row(result.one_or_none())


async def list_page(
    session: AsyncSession, merchant_id: int, *, first: int, after: int | None
) -> tuple[list[ExportRow], bool]:
    """Newest first, from before the export ``after``."""
    result = await session.execute(
        text(
            f"SELECT {_COLUMNS} FROM customer_exports WHERE merchant_id = :m"
            " AND (CAST(:after AS bigint) IS NULL OR id < :after) ORDER BY id DESC LIMIT :limit"
        ),
        {"m": merchant_id, "after": after, "limit": first + 1},
    )
    found = [ExportRow(*r) for r in result.all()]
    return found[:first], len(found) > first


async def count(session: AsyncSession, merchant_id: int) -> int:
    result = await session.execute(
        text("SELECT count(*) FROM customer_exports WHERE merchant_id = :m"), {"m": merchant_id}
    )
    return int(result.scalar_one())


async def claim(
    session: AsyncSession, merchant_id: int, export_id: int, *, now: datetime, stale: datetime
) -> ExportRow | None:
    """Take the export for a worker: a queued one, or a running one whose worker went
    quiet before ``stale`` (it died: the run starts over under a new attempt, its
    counts from zero). None: not queued, or running under a live worker."""
    result = await session.execute(
        text(
            "UPDATE customer_exports SET status = 'running', attempts = attempts + 1,"
            " started_at = :now, heartbeat_at = :now, rows_done = 0,"
            " rows_total = NULL, customers = 0, history_rows = 0, last_error = NULL"
            " WHERE merchant_id = :m AND id = :id"
            " AND (status = 'queued' OR (status = 'running' AND heartbeat_at < :stale))"
            f" RETURNING {_COLUMNS}"
        ),
        {"m": merchant_id, "id": export_id, "now": now, "stale": stale},
    )
    return _row(result.one_or_none())


async def progress(
    session: AsyncSession,
    merchant_id: int,
    export_id: int,
    *,
    attempt: int,
    now: datetime,
    rows_done: int,
    customers: int,
    history_rows: int,
    rows_total: int | None = None,
) -> bool:
    """The attempt's progress and heartbeat; False when the attempt is no longer the
    export's (taken over, or ended by an erasure): its worker stops."""
    result = await session.execute(
        text(
            "UPDATE customer_exports SET heartbeat_at = :now, rows_done = :done, customers = :customers,"
            " history_rows = :history, rows_total = coalesce(CAST(:total AS bigint), rows_total)"
            " WHERE merchant_id = :m AND id = :id AND status = 'running' AND attempts = :attempt"
        ),
        {
            "m": merchant_id,
            "id": export_id,
            "attempt": attempt,
            "now": now,
            "done": rows_done,
            "customers": customers,
            "history": history_rows,
            "total": rows_total,
        },
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def complete(
    session: AsyncSession,
    merchant_id: int,
    export_id: int,
    *,
    attempt: int,
    now: datetime,
    expires_at: datetime,
    rows_done: int,
    customers: int,
    history_rows: int,
    file_bytes: int,
    history_bytes: int | None,
) -> bool:
    result = await session.execute(
        text(
            "UPDATE customer_exports SET status = 'completed', finished_at = :now, heartbeat_at = :now,"
            " expires_at = :expires, rows_done = :done, customers = :customers, history_rows = :history,"
            " file_bytes = :bytes, history_bytes = :history_bytes"
            " WHERE merchant_id = :m AND id = :id AND status = 'running' AND attempts = :attempt"
        ),
        {
            "m": merchant_id,
            "id": export_id,
            "attempt": attempt,
            "now": now,
            "expires": expires_at,
            "done": rows_done,
            "customers": customers,
            "history": history_rows,
            "bytes": file_bytes,
            "history_bytes": history_bytes,
        },
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def fail(
    session: AsyncSession, merchant_id: int, export_id: int, *, attempt: int, now: datetime, last_error: str
) -> bool:
    result = await session.execute(
        text(
            "UPDATE customer_exports SET status = 'failed', finished_at = :now, last_error = :error"
            " WHERE merchant_id = :m AND id = :id AND status = 'running' AND attempts = :attempt"
        ),
        {"m": merchant_id, "id": export_id, "attempt": attempt, "now": now, "error": last_error[:500]},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def fail_abandoned(
    session: AsyncSession, *, stale: datetime, now: datetime, reason: str, merchant_id: int | None = None
) -> int:
    """Running exports whose worker went quiet before ``stale`` (it died and no
    message took the run over) fail, so they block no later export; one shop's, or
    every shop's (the sweep)."""
    result = await session.execute(
        text(
            "UPDATE customer_exports SET status = 'failed', finished_at = :now, last_error = :reason"
            " WHERE status = 'running' AND heartbeat_at < :stale"
            " AND (CAST(:m AS bigint) IS NULL OR merchant_id = :m)"
        ),
        {"m": merchant_id, "stale": stale, "now": now, "reason": reason},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def expire_due(session: AsyncSession, *, now: datetime) -> list[tuple[int, int]]:
    """Completed exports whose files expired, of every shop, now ``expired``:
    their (merchant id, export id)."""
    result = await session.execute(
        text(
            "UPDATE customer_exports SET status = 'expired'"
            " WHERE status = 'completed' AND expires_at <= :now RETURNING merchant_id, id"
        ),
        {"now": now},
    )
    return [(int(m), int(i)) for m, i in result.all()]


async def void_for_erasure(
    session: AsyncSession, merchant_id: int, *, now: datetime, reason: str
) -> list[int]:
    """A customer of the shop was erased: its completed exports expire now and its
    running one fails (either may hold the customer); the ids touched."""
    result = await session.execute(
        text(
            "UPDATE customer_exports SET"
            " status = CASE WHEN status = 'completed' THEN 'expired' ELSE 'failed' END,"
            " expires_at = CASE WHEN status = 'completed' THEN :now ELSE expires_at END,"
            " finished_at = CASE WHEN status = 'running' THEN :now ELSE finished_at END,"
            " last_error = CASE WHEN status = 'running' THEN :reason ELSE last_error END"
            " WHERE merchant_id = :m AND status IN ('completed', 'running') RETURNING id"
        ),
        {"m": merchant_id, "now": now, "reason": reason},
    )
    return [int(i) for (i,) in result.all()]


async def file_states(session: AsyncSession, merchant_id: int) -> dict[int, tuple[str, int]]:
    """{export id: (status, attempts)} of the shop's exports that may have files."""
    result = await session.execute(
        text(
            "SELECT id, status, attempts FROM customer_exports WHERE merchant_id = :m"
            " AND status IN ('running', 'completed')"
        ),
        {"m": merchant_id},
    )
    return {int(i): (str(s), int(a)) for i, s, a in result.all()}
