"""A customer's erasure (``platform.erasure.CustomerErased``) in analytics: scores,
segments and history name our customer id only and stay (the shop's results); the
exported files, which list customers' emails and names, are emptied."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.analytics.repository import exports
from loyalnest.platform.erasure import CustomerErased
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork


@handles(CustomerErased)
async def empty_exports(uow: UnitOfWork, events: Sequence[CustomerErased]) -> None:
    for merchant_id in sorted({event.merchant_id for event in events}):
        await exports.purge_shop_contents(uow.session, merchant_id)
