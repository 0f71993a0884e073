"""The merchants context's reactions to other contexts' events."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.merchants import commands
from loyalnest.contexts.webhooks.events import ShopUninstalled
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork


@handles(ShopUninstalled)
async def record_uninstall(uow: UnitOfWork, events: Sequence[ShopUninstalled]) -> None:
    """app/uninstalled: a merchant referral of the shop that has not qualified yet is
    cancelled."""
    for event in events:
        await commands.record_uninstall(uow, merchant_id=event.merchant_id)
