"""Live tier changes, fed by Redis pub/sub so a change made by a worker reaches a
subscriber connected to any API process. Pub/sub is at-most-once: clients refetch the
customer's tier on (re)subscribe."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.tiers import api as tiers
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.permissions import IsCustomer, IsStaff
from loyalnest.graphql.tiers.types import TierChangedEvent
from loyalnest.platform import pubsub


def _event(payload: dict[str, Any]) -> TierChangedEvent:
    return TierChangedEvent.from_event(tiers.TierChanged.from_payload(payload))


async def tier_events(merchant_id: int, customer_id: int) -> AsyncGenerator[TierChangedEvent, None]:
    try:
        async for event in pubsub.subscribe(tiers.tier_channel(merchant_id, customer_id), convert=_event):
            yield event
    except pubsub.SubscriberLagged:
        raise PublicError(
            "updates came faster than this connection read them: subscribe again and refetch",
            code="SUBSCRIPTION_LAGGED",
        ) from None


@strawberry.type
class TiersSubscription:
    @strawberry.subscription(
        permission_classes=[IsStaff], description="Every change of one customer's tier in this shop."
    )
    async def tier_changed(
        self,
        info: Info,
        customer_id: Annotated[strawberry.ID, strawberry.argument(description="The customer's global id.")],
    ) -> AsyncGenerator[TierChangedEvent, None]:
        merchant_id = info.context.merchant_id
        local_id = decode_id(customer_id, "Customer")
        if local_id is None or await customers.get_customer(merchant_id, local_id) is None:
            raise PublicError("customer not found", code="NOT_FOUND")
        async for event in tier_events(merchant_id, local_id):
            yield event

    @strawberry.subscription(
        permission_classes=[IsCustomer], description="The signed-in storefront customer's own tier changes."
    )
    async def my_tier_changed(self, info: Info) -> AsyncGenerator[TierChangedEvent, None]:
        principal = info.context.customer
        if principal.customer_id is None:
            raise PublicError("this shop has no loyalty account for you yet", code="NOT_FOUND")
        async for event in tier_events(principal.merchant_id, principal.customer_id):
            yield event


SUBSCRIPTIONS = (TiersSubscription,)
