"""Public door of the audit context: record an action, list the trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalnest.contexts.audit import repository
from loyalnest.contexts.audit.models import AuditEntry
from loyalnest.platform.db import read_session
from loyalnest.platform.uow import UnitOfWork


@dataclass(frozen=True)
class AuditEntryDTO:
    id: int
    merchant_id: int
    actor: str
    action: str
    target_type: str
    target_id: str
    details: dict[str, Any]
    created_at: datetime


async def record(
    uow: UnitOfWork,
    *,
    merchant_id: int,
    actor: str,
    action: str,
    target_type: str,
    target_id: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Write the audit row in the caller's transaction: the action and its record
    commit or roll back together."""
    repository.add(
        uow.session,
        AuditEntry(
            merchant_id=merchant_id,
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=details or {},
        ),
    )


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
