"""All SQL of the audit context."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.audit.models import AuditEntry
from loyalnest.platform import retention


def add(session: AsyncSession, entry: AuditEntry) -> None:
    session.add(entry)


async def list_recent(
    session: AsyncSession, merchant_id: int, *, limit: int, target_type: str | None = None
) -> Sequence[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.merchant_id == merchant_id)  # type: ignore[arg-type]
    if target_type is not None:
        query = query.where(AuditEntry.target_type == target_type)  # type: ignore[arg-type]
    query = query.order_by(AuditEntry.id.desc()).limit(limit)  # type: ignore[union-attr]
    return (await session.execute(query)).scalars().all()


async def erase_mentions(session: AsyncSession, merchant_id: int, fragments: Sequence[str]) -> None:
    """Replace each JSON-escaped fragment in the shop's audit details with "[erased]"
    (who did what stays; the person it was about is no longer named)."""
    for fragment in fragments:
        await session.execute(
            text(
                "UPDATE audit_entries SET details = replace(details::text, :f, '[erased]')::jsonb"
                " WHERE merchant_id = :m AND strpos(details::text, :f) > 0"
            ),
            {"m": merchant_id, "f": fragment},
        )


async def delete_before(
    session: AsyncSession, cutoff: datetime, *, limit: int, shops: retention.Shops = retention.EVERY_SHOP
) -> int:
    """Up to ``limit`` entries created before ``cutoff`` (retention)."""
    return await retention.delete_older(
        session, "audit_entries", "created_at < $1", cutoff, limit=limit, shops=shops
    )


async def count_before(
    session: AsyncSession, cutoff: datetime, *, shops: retention.Shops = retention.EVERY_SHOP
) -> int:
    return await retention.count_older(session, "audit_entries", "created_at < $1", cutoff, shops=shops)
