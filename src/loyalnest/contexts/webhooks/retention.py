"""How long the inbox keeps handled rows (the privacy context's retention pass calls
these, a bounded batch per transaction; their payloads went when they were handled)."""

from __future__ import annotations

from datetime import datetime

from loyalnest.contexts.webhooks import repository
from loyalnest.platform.retention import EVERY_SHOP, Shops
from loyalnest.platform.uow import UnitOfWork


async def purge_handled_before(
    uow: UnitOfWork, cutoff: datetime, *, limit: int, shops: Shops = EVERY_SHOP
) -> int:
    """Delete up to ``limit`` rows received before ``cutoff`` and handled; waiting rows stay."""
    return await repository.delete_handled_before(uow.session, cutoff, limit=limit, shops=shops)


async def count_handled_before(uow: UnitOfWork, cutoff: datetime, *, shops: Shops = EVERY_SHOP) -> int:
    return await repository.count_handled_before(uow.session, cutoff, shops=shops)
