"""Reading the trail."""

from __future__ import annotations

from loyalnest.contexts.audit import repository
from loyalnest.contexts.audit.dto import AuditEntryDTO
from loyalnest.platform.db import read_session


async def list_recent(
    merchant_id: int, *, limit: int = 50, target_type: str | None = None
) -> list[AuditEntryDTO]:
    async with read_session() as session:
        rows = await repository.list_recent(session, merchant_id, limit=limit, target_type=target_type)
    return [
        AuditEntryDTO(
            id=row.id,  # type: ignore[arg-type]
            merchant_id=row.merchant_id,
            actor=row.actor,
            action=row.action,
            target_type=row.target_type,
            target_id=row.target_id,
            details=row.details,
            created_at=row.created_at,
        )
        for row in rows
    ]
