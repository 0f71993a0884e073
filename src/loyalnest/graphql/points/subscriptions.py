"""Live balance updates, fed by Redis pub/sub so a change made by a worker reaches a
subscriber connected to any API process."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.points import api as points
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.permissions import IsCustomer, IsStaff
from loyalnest.graphql.points.types import PointsBalanceEvent
from loyalnest.platform import pubsub


def _balance_event(payload: dict[str, Any]) -> PointsBalanceEvent:
    return PointsBalanceEvent.from_event(points.PointsBalanceChanged.from_payload(payload))


async def balance_events(merchant_id: int, customer_id: int) -> AsyncGenerator[PointsBalanceEvent, None]:
    try:
        # one event object per message for all of the process's sockets: each event is
        # then executed once per audience (graphql/core/subscription_events.py)
        channel = points.balance_channel(merchant_id, customer_id)
        # direct: each event is yielded as is, so a socket whose result is shared gets
        # its frame written without this generator running (graphql/core/ws_fanout.py)
        async for event in pubsub.subscribe(channel, convert=_balance_event, direct=True):
            yield event
    except pubsub.SubscriberLagged:
        raise PublicError(
            "updates came faster than this connection read them: subscribe again and refetch",
            code="SUBSCRIPTION_LAGGED",
        ) from None


@strawberry.type
class PointsSubscription:
    @strawberry.subscription(
        permission_classes=[IsStaff],
        description="Every balance change of one customer of this shop.",
    )
    async def points_balance_changed(
        self,
        info: Info,
        customer_id: Annotated[strawberry.ID, strawberry.argument(description="The customer's global id.")],
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
