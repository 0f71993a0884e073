"""The audit context's reactions to other contexts' events."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.audit import repository
from loyalnest.platform.erasure import CustomerErased, json_fragment, searched_values
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork


@handles(CustomerErased)
async def erase_mentions(uow: UnitOfWork, events: Sequence[CustomerErased]) -> None:
    """An erased customer's email, phone, names or birthday quoted in audit details."""
    for event in events:
        fragments = [json_fragment(value) for value in searched_values(event)]
        await repository.erase_mentions(uow.session, event.merchant_id, fragments)
