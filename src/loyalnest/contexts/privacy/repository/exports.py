"""The data request archives (``privacy_exports``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class StoredExport:
    request_id: int
    content_enc: str
    bytes: int
    tables: int
    rows: int
    created_at: datetime
    expires_at: datetime


async def save(
    session: AsyncSession,
    *,
    merchant_id: int,
    request_id: int,
    content_enc: str,
    size: int,
    tables: int,
    rows: int,
    now: datetime,
    expires_at: datetime,
) -> None:
    """The request's archive (a rerun of the request replaces it)."""
    await session.execute(
        text(
            "INSERT INTO privacy_exports (merchant_id, request_id, content_enc, bytes, tables, rows,"
            " created_at, expires_at) VALUES (:m, :r, :content, :size, :tables, :rows, :now, :expires)"
            " ON CONFLICT (merchant_id, request_id) DO UPDATE SET content_enc = EXCLUDED.content_enc,"
            " bytes = EXCLUDED.bytes, tables = EXCLUDED.tables, rows = EXCLUDED.rows,"
            " created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at"
        ),
        {
            "m": merchant_id,
            "r": request_id,
            "content": content_enc,
            "size": size,
            "tables": tables,
            "rows": rows,
            "now": now,
            "expires": expires_at,
        },
    )


async def get(session: AsyncSession, merchant_id: int, request_id: int) -> StoredExport | None:
    record = (
        await session.execute(
            text(
                "SELECT request_id, content_enc, bytes, tables, rows, created_at, expires_at"
                " FROM privacy_exports WHERE merchant_id = :m AND request_id = :r"
            ),
            {"m": merchant_id, "r": request_id},
        )
    ).one_or_none()
    return None if record is None else StoredExport(*record)


async def expiries(
    session: AsyncSession, merchant_id: int, request_ids: list[int]
) -> dict[int, tuple[datetime, int]]:
    """{request id: (expires_at, bytes)} of the requests' archives (no content read)."""
    if not request_ids:
        return {}
    records = await session.execute(
        text(
            "SELECT request_id, expires_at, bytes FROM privacy_exports"
            " WHERE merchant_id = :m AND request_id = ANY(:ids)"
        ),
        {"m": merchant_id, "ids": request_ids},
    )
    return {int(r[0]): (r[1], int(r[2])) for r in records.all()}


async def delete_expired(session: AsyncSession, *, now: datetime, limit: int) -> int:
    result = await session.execute(
        text(
            "DELETE FROM privacy_exports WHERE ctid = ANY(ARRAY("
            "SELECT ctid FROM privacy_exports WHERE expires_at <= :now LIMIT :limit))"
        ),
        {"now": now, "limit": limit},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def count_expired(session: AsyncSession, *, now: datetime) -> int:
    return int(
        (
            await session.execute(
                text("SELECT count(*) FROM privacy_exports WHERE expires_at <= :now"), {"now": now}
            )
        ).scalar_one()
    )


async def delete_for_customer(session: AsyncSession, merchant_id: int, shopify_customer_id: int) -> int:
    """The archives of the shop's data requests about this customer."""
    result = await session.execute(
        text(
            "DELETE FROM privacy_exports e USING privacy_requests r"
            " WHERE e.merchant_id = :m AND r.merchant_id = :m AND r.id = e.request_id"
            " AND r.customer_ref = :s"
        ),
        {"m": merchant_id, "s": shopify_customer_id},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
