"""What a storefront customer (the widget) may read: only themselves."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from loyalnest.contexts.points import api as points
from loyalnest.contexts.rewards import api as rewards
from loyalnest.graphql.customers.types import transactions_page
from loyalnest.graphql.earning.storefront import my_birthday, ways_to_earn
from loyalnest.graphql.earning.types import WayToEarn
from loyalnest.graphql.pagination import Connection
from loyalnest.graphql.permissions import IsCustomer
from loyalnest.graphql.points.fields import expiring_points_of, pending_points_of
from loyalnest.graphql.points.types import ExpiringPoints, PointsTransaction, transaction_connection
from loyalnest.graphql.rewards.types import (
    AvailableReward,
    Redemption,
    available_rewards_page,
    redemption_connection,
    redemptions_page,
)
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

    @strawberry.field(description="Points of your orders still in the shop's pending period.")
    async def pending_points(self, info: Info) -> int:
        return await pending_points_of(info, self.local_id)

    @strawberry.field(
        description="Your points expiring within `within` days (0 to 3660), and the next expiry."
    )
    async def expiring_points(self, info: Info, within: int) -> ExpiringPoints:
        return await expiring_points_of(info, self.local_id, within)

    @strawberry.field
    async def transactions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PointsTransaction]:
        if self.local_id is None:
            return transaction_connection(points.LedgerPage(items=[], has_next_page=False))
        return await transactions_page(info, self.local_id, first, after)

    @strawberry.field(
        description="The rewards you can redeem now (redeemReward), with whether your balance "
        "covers each and how many points you are short."
    )
    async def rewards(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AvailableReward]:
        return await available_rewards_page(info, self.local_id, first, after)

    @strawberry.field(description="Your redemptions, newest first, with their discount codes.")
    async def redemptions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Redemption]:
        if self.local_id is None:
            return redemption_connection(rewards.RedemptionPage(items=[], has_next_page=False))
        return await redemptions_page(info, self.local_id, first, after)

    @strawberry.field(description="The shop's ways to earn points, each on or off.")
    async def ways_to_earn(self, info: Info) -> list[WayToEarn]:
        return await ways_to_earn(info)

    @strawberry.field(description="Your birthday, if you (or the shop) set it: see setMyBirthday.")
    async def birthday(self, info: Info) -> date | None:
        return await my_birthday(info, self.local_id)

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
