"""Live balance updates, fed by Redis pub/sub so a change made by a worker reaches a
subscriber connected to any API process."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.points import api as points
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.permissions import IsCustomer, IsStaff
from loyalnest.graphql.points.types import PointsBalanceEvent
from loyalnest.platform import pubsub


async def balance_events(merchant_id: int, customer_id: int) -> AsyncGenerator[PointsBalanceEvent, None]:
    async for payload in pubsub.subscribe(points.balance_channel(merchant_id, customer_id)):
        yield PointsBalanceEvent.from_event(points.PointsBalanceChanged.from_payload(payload))


@strawberry.type
class PointsSubscription:
    @strawberry.subscription(
        permission_classes=[IsStaff],
        description="Every balance change of one customer of this shop.",
    )
    async def points_balance_changed(
        self, info: Info, customer_id: strawberry.ID
    ) -> AsyncGenerator[PointsBalanceEvent, None]:
        merchant_id = info.context.merchant_id
        local_id = decode_id(customer_id, "Customer")
        if local_id is None or await customers.get_customer(merchant_id, local_id) is None:
            raise PublicError("customer not found", code="NOT_FOUND")
        async for event in balance_events(merchant_id, local_id):
            yield event

    @strawberry.subscription(
        permission_classes=[IsCustomer],
        description="The signed-in storefront customer's own balance changes.",
    )
    async def my_points_balance_changed(self, info: Info) -> AsyncGenerator[PointsBalanceEvent, None]:
        principal = info.context.customer
        if principal.customer_id is None:
            raise PublicError("this shop has no loyalty account for you yet", code="NOT_FOUND")
        async for event in balance_events(principal.merchant_id, principal.customer_id):
            yield event


SUBSCRIPTIONS = (PointsSubscription,)
