"""Points' reactions to other contexts' events."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.merchants.events import ShopInstalled
from loyalnest.contexts.points import repository
from loyalnest.contexts.points.ledger import policy
from loyalnest.platform.erasure import CustomerErased, searched_values
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork


@handles(ShopInstalled)
async def install_expiry_policy(uow: UnitOfWork, events: Sequence[ShopInstalled]) -> None:
    """A new shop's points never expire until it says otherwise (a reinstall keeps its
    policy)."""
    for event in events:
        await policy.install_policy(uow, event.merchant_id)


@handles(CustomerErased)
async def erase_reason_mentions(uow: UnitOfWork, events: Sequence[CustomerErased]) -> None:
    """An erased customer named in their ledger rows' reasons (a staff note): the
    amounts, kinds and dates stay, so balances, totals and ``verify-ledger`` hold."""
    for event in events:
        await repository.erase_reason_mentions(
            uow.session, event.merchant_id, event.customer_id, searched_values(event)
        )
