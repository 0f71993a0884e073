"""What a storefront customer (the widget) may read: only themselves."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.contexts.points import api as points
from loyalnest.graphql.customers.types import transactions_page
from loyalnest.graphql.pagination import Connection
from loyalnest.graphql.permissions import IsCustomer
from loyalnest.graphql.points.types import PointsTransaction, transaction_connection
from loyalnest.http.auth import mint_customer_token


@strawberry.type(description="The signed-in storefront customer's loyalty account.")
class Me:
    shopify_customer_id: strawberry.ID
    enrolled: bool = strawberry.field(description="False until the shop has told us about you.")
    local_id: strawberry.Private[int | None]

    @strawberry.field
    async def points_balance(self, info: Info) -> int:
        if self.local_id is None:
            return 0
        return (await info.context.loaders.account.load(self.local_id)).balance

    @strawberry.field
    async def lifetime_points(self, info: Info) -> int:
        if self.local_id is None:
            return 0
        return (await info.context.loaders.account.load(self.local_id)).lifetime_earned

    @strawberry.field
    async def transactions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PointsTransaction]:
        if self.local_id is None:
            return transaction_connection(points.LedgerPage(items=[], has_next_page=False))
        return await transactions_page(info, self.local_id, first, after)

    @strawberry.field(
        description="A 15-minute token for `connection_init` {customerToken} on the "
        "WebSocket endpoint, to subscribe to myPointsBalanceChanged."
    )
    def subscription_token(self, info: Info) -> str:
        return mint_customer_token(info.context.settings, info.context.customer)


@strawberry.type
class StorefrontQuery:
    @strawberry.field(permission_classes=[IsCustomer])
    async def me(self, info: Info) -> Me:
        principal = info.context.customer
        return Me(
            shopify_customer_id=strawberry.ID(str(principal.shopify_customer_id)),
            enrolled=principal.customer_id is not None,
            local_id=principal.customer_id,
        )
