"""How long the inbox keeps handled rows (the privacy context's retention pass calls
these, a bounded batch per transaction; their payloads went when they were handled)."""

from __future__ import annotations

from datetime import datetime

from loyalnest.contexts.webhooks import repository
from loyalnest.platform.uow import UnitOfWork


async def purge_handled_before(uow: UnitOfWork, cutoff: datetime, *, limit: int) -> int:
    """Delete up to ``limit`` rows received before ``cutoff`` and handled; waiting rows stay."""
    return await repository.delete_handled_before(uow.session, cutoff, limit=limit)


async def count_handled_before(uow: UnitOfWork, cutoff: datetime) -> int:
    return await repository.count_handled_before(uow.session, cutoff)
