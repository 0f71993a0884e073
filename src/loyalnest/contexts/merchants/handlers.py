"""The merchants context's reactions to other contexts' events."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.merchants import commands
from loyalnest.contexts.webhooks.events import ShopUninstalled, ShopUpdated
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork


@handles(ShopUninstalled)
async def record_uninstall(uow: UnitOfWork, events: Sequence[ShopUninstalled]) -> None:
    """app/uninstalled: a merchant referral of the shop that has not qualified yet is
    cancelled."""
    for event in events:
        await commands.record_uninstall(uow, merchant_id=event.merchant_id)


@handles(ShopUpdated)
async def record_shop_update(uow: UnitOfWork, events: Sequence[ShopUpdated]) -> None:
    """shop/update: the shop's name, contact email, currency, timezone and language."""
    for event in events:
        await commands.record_shop_update(
            uow,
            merchant_id=event.merchant_id,
            name=event.name,
            email=event.email,
            currency=event.currency,
            iana_timezone=event.iana_timezone,
            updated_at=event.updated_at,
            primary_locale=event.primary_locale,
        )
