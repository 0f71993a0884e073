"""The customers context's reactions to other contexts' events."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.customers import repository
from loyalnest.platform.erasure import CustomerErased
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork


@handles(CustomerErased)
async def erase_profile(uow: UnitOfWork, events: Sequence[CustomerErased]) -> None:
    """The profile's personal data (email, names, phone, birthday, their blind indexes,
    tags, locale, the Shopify id); the row stays, naming nobody."""
    for event in events:
        await repository.erase(uow.session, event.merchant_id, event.customer_id)
