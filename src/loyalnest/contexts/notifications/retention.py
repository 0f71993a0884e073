"""How long the delivery log keeps finished messages (sent, failed, skipped): the
privacy context's retention pass calls these, a bounded batch per transaction. Waiting
and held deliveries stay whatever their age."""

from __future__ import annotations

from datetime import datetime

from loyalnest.contexts.notifications import repository
from loyalnest.platform.retention import EVERY_SHOP, Shops
from loyalnest.platform.uow import UnitOfWork


async def purge_finished_before(
    uow: UnitOfWork, cutoff: datetime, *, limit: int, shops: Shops = EVERY_SHOP
) -> int:
    return await repository.delete_finished_before(uow.session, cutoff, limit=limit, shops=shops)


async def count_finished_before(uow: UnitOfWork, cutoff: datetime, *, shops: Shops = EVERY_SHOP) -> int:
    return await repository.count_finished_before(uow.session, cutoff, shops=shops)
