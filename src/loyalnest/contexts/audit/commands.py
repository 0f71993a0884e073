"""Recording an action: in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from loyalnest.contexts.audit import repository
from loyalnest.contexts.audit.models import AuditEntry
from loyalnest.platform import retention
from loyalnest.platform.uow import UnitOfWork


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


async def purge_before(
    uow: UnitOfWork, cutoff: datetime, *, limit: int, shops: retention.Shops = retention.EVERY_SHOP
) -> int:
    """Retention: delete up to ``limit`` entries created before ``cutoff``."""
    return await repository.delete_before(uow.session, cutoff, limit=limit, shops=shops)


async def count_before(
    uow: UnitOfWork, cutoff: datetime, *, shops: retention.Shops = retention.EVERY_SHOP
) -> int:
    return await repository.count_before(uow.session, cutoff, shops=shops)
