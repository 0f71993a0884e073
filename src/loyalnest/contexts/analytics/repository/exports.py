"""SQL of segment exports (``analytics_exports``), and the segment reads an export
needs: membership of a built-in segment (``analytics_customer_rfm.segment``) or a custom
one (``analytics_custom_segment_members``), and the members' scores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.analytics.dto.products import SegmentExportDTO
from loyalnest.platform.db import driver_connection

_COLUMNS = (
    "id, merchant_id, segment, status, rows_done, rows_total, created_at, completed_at, expires_at, error"
)


@dataclass(frozen=True, slots=True)
class ScoreRow:
    customer_id: int
    r: int | None
    f: int | None
    m: int | None
    segment: str
    last_order_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoredContent:
    segment: str
    status: str
    created_at: datetime
    expires_at: datetime | None
    content_enc: str | None


def _dto(row: Any) -> SegmentExportDTO:
    return SegmentExportDTO(
        id=int(row["id"]),
        merchant_id=int(row["merchant_id"]),
        segment=str(row["segment"]),
        status=str(row["status"]),
        rows_done=int(row["rows_done"]),
        rows_total=None if row["rows_total"] is None else int(row["rows_total"]),
        created_at=row["created_at"],
        completed_at=row["completed_at"],
        expires_at=row["expires_at"],
        error=row["error"],
    )


async def insert_export(
    session: AsyncSession, merchant_id: int, segment: str, requested_by: str | None
) -> SegmentExportDTO:
    conn = await driver_connection(session)
    row = await conn.fetchrow(
        f"INSERT INTO analytics_exports (merchant_id, segment, requested_by) VALUES ($1, $2, $3)"
        f" RETURNING {_COLUMNS}",
        merchant_id,
        segment,
        requested_by,
    )
    return _dto(row)


async def get_exports(
    session: AsyncSession, merchant_id: int, export_ids: Sequence[int]
) -> dict[int, SegmentExportDTO]:
    conn = await driver_connection(session, transactional=False)
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM analytics_exports WHERE merchant_id = $1 AND id = ANY($2::bigint[])",
        merchant_id,
        list(export_ids),
    )
    return {int(r["id"]): _dto(r) for r in rows}


async def start_export(
    session: AsyncSession, merchant_id: int, export_id: int, rows_total: int
) -> SegmentExportDTO | None:
    """Mark the export running from row 0 (a queued one, or a running one whose worker
    died: the actor may run twice); None when it is already completed or failed."""
    conn = await driver_connection(session)
    row = await conn.fetchrow(
        f"UPDATE analytics_exports SET status = 'running', rows_done = 0, rows_total = $3, error = NULL"
        f" WHERE merchant_id = $1 AND id = $2 AND status IN ('queued', 'running') RETURNING {_COLUMNS}",
        merchant_id,
        export_id,
        rows_total,
    )
    return None if row is None else _dto(row)


async def set_progress(session: AsyncSession, merchant_id: int, export_id: int, rows_done: int) -> None:
    conn = await driver_connection(session)
    await conn.execute(
        "UPDATE analytics_exports SET rows_done = $3, rows_total = greatest(rows_total, $3)"
        " WHERE merchant_id = $1 AND id = $2 AND status = 'running'",
        merchant_id,
        export_id,
        rows_done,
    )


async def complete_export(
    session: AsyncSession,
    merchant_id: int,
    export_id: int,
    *,
    rows_done: int,
    content_enc: str,
    completed_at: datetime,
    expires_at: datetime,
) -> bool:
    conn = await driver_connection(session)
    status = await conn.execute(
        "UPDATE analytics_exports SET status = 'completed', rows_done = $3, rows_total = $3,"
        " content_enc = $4, completed_at = $5, expires_at = $6"
        " WHERE merchant_id = $1 AND id = $2 AND status = 'running'",
        merchant_id,
        export_id,
        rows_done,
        content_enc,
        completed_at,
        expires_at,
    )
    return bool(status.endswith(" 1"))


async def fail_export(session: AsyncSession, merchant_id: int, export_id: int, error: str) -> None:
    conn = await driver_connection(session)
    await conn.execute(
        "UPDATE analytics_exports SET status = 'failed', error = $3, content_enc = NULL"
        " WHERE merchant_id = $1 AND id = $2 AND status IN ('queued', 'running')",
        merchant_id,
        export_id,
        error,
    )


async def stored_content(session: AsyncSession, merchant_id: int, export_id: int) -> StoredContent | None:
    conn = await driver_connection(session, transactional=False)
    row = await conn.fetchrow(
        "SELECT segment, status, created_at, expires_at, content_enc FROM analytics_exports"
        " WHERE merchant_id = $1 AND id = $2",
        merchant_id,
        export_id,
    )
    return None if row is None else StoredContent(row[0], row[1], row[2], row[3], row[4])


async def purge_expired(session: AsyncSession, now: datetime) -> int:
    """Drop the content of every expired export (all shops: housekeeping, not a tenant
    read; the exports table is small and the partial index holds only live contents)."""
    conn = await driver_connection(session)
    status = await conn.execute(
        "UPDATE analytics_exports SET content_enc = NULL WHERE content_enc IS NOT NULL AND expires_at <= $1",
        now,
    )
    return int(status.rsplit(" ", 1)[-1])


async def purge_shop_contents(session: AsyncSession, merchant_id: int) -> int:
    """Drop the content of every export of the shop (a customer it lists was erased:
    which files name them is not worth opening each to know; an export is made again
    in seconds)."""
    conn = await driver_connection(session)
    status = await conn.execute(
        "UPDATE analytics_exports SET content_enc = NULL WHERE merchant_id = $1 AND content_enc IS NOT NULL",
        merchant_id,
    )
    return int(status.rsplit(" ", 1)[-1])


# --- segment membership and scores (H-rfm's and H-segments' tables, read only) -----------


async def custom_segment_exists(session: AsyncSession, merchant_id: int, segment_id: int) -> bool:
    conn = await driver_connection(session, transactional=False)
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM analytics_custom_segments WHERE merchant_id = $1 AND id = $2)",
            merchant_id,
            segment_id,
        )
    )


async def count_members(
    session: AsyncSession, merchant_id: int, *, segment: str | None, custom_id: int | None
) -> int:
    conn = await driver_connection(session, transactional=False)
    if custom_id is not None:
        value = await conn.fetchval(
            "SELECT count(*) FROM analytics_custom_segment_members"
            " WHERE merchant_id = $1 AND segment_id = $2",
            merchant_id,
            custom_id,
        )
    else:
        value = await conn.fetchval(
            "SELECT count(*) FROM analytics_customer_rfm WHERE merchant_id = $1 AND segment = $2",
            merchant_id,
            segment,
        )
    return int(value or 0)


async def scores_of(
    session: AsyncSession, merchant_id: int, customer_ids: Sequence[int]
) -> dict[int, ScoreRow]:
    conn = await driver_connection(session, transactional=False)
    rows = await conn.fetch(
        "SELECT customer_id, r, f, m, segment, last_order_at FROM analytics_customer_rfm"
        " WHERE merchant_id = $1 AND customer_id = ANY($2::bigint[])",
        merchant_id,
        list(customer_ids),
    )
    return {
        int(r[0]): ScoreRow(
            int(r[0]),
            None if r[1] is None else int(r[1]),
            None if r[2] is None else int(r[2]),
            None if r[3] is None else int(r[3]),
            str(r[4] or "other"),
            r[5],
        )
        for r in rows
    }
