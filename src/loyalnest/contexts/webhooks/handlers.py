"""The webhooks context's reactions to other contexts' events."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.webhooks import erasure
from loyalnest.platform.erasure import CustomerErased
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork


@handles(CustomerErased)
async def drop_customer_payloads(uow: UnitOfWork, events: Sequence[CustomerErased]) -> None:
    """The payloads still held that are about the erased customer."""
    for event in events:
        await erasure.drop_payloads_of(uow, event)
