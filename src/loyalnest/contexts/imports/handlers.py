"""The imports context's reactions to other contexts' events: a shop's first install
(with an Admin API token) queues its history backfill, sent to the worker after commit;
a customer's erasure removes what staged imports hold about them and voids the shop's exports."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.imports import backfill_commands as commands
from loyalnest.contexts.imports import export_commands, repository
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.merchants.events import ShopInstalled
from loyalnest.platform.erasure import CustomerErased
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork
from loyalnest.settings import get_settings


@handles(ShopInstalled)
async def backfill_installed_shop(uow: UnitOfWork, events: Sequence[ShopInstalled]) -> None:
    """Only where the setting is on (``LOYALNEST_SHOPIFY_BACKFILL_ON_INSTALL``) and the
    shop can be asked (an access token), once per shop (a shop that has had a backfill
    asks for the next one itself)."""
    if not get_settings().shopify_backfill_on_install:
        return
    for event in events:
        if not await merchants.has_access_token_in(uow, event.merchant_id):
            continue
        await commands.backfill_on_install(uow, event.merchant_id)


@handles(CustomerErased)
async def forget_the_erased(uow: UnitOfWork, events: Sequence[CustomerErased]) -> None:
    """The staged rows naming an erased customer keep what a revert needs (the customer
    id, the points) and lose their email and names."""
    for event in events:
        await repository.forget_customer(uow.session, event.merchant_id, event.customer_id)


@handles(CustomerErased)
async def void_exports_of_the_erased(uow: UnitOfWork, events: Sequence[CustomerErased]) -> None:
    """The shop's exports may hold the erased customer: completed ones stop being
    downloadable and their files go after commit; a running one fails."""
    for merchant_id in sorted({event.merchant_id for event in events}):
        await export_commands.void_for_erasure(uow, merchant_id)
