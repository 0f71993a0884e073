"""What the earning context puts in the storefront's Me type: the shop's ways to earn,
and the birthday its birthday points are given on (set through setMyBirthday)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from loyalnest.contexts.earning import api as earning
from loyalnest.graphql.earning.types import WayToEarn


@strawberry.type
class MeEarning:
    local_id: strawberry.Private[int | None]

    @strawberry.field(description="The shop's ways to earn points, each on or off.")
    async def ways_to_earn(self, info: Info) -> list[WayToEarn]:
        return [WayToEarn.from_dto(rule) for rule in await earning.ways_to_earn(info.context.merchant_id)]

    @strawberry.field(description="Your birthday, if you (or the shop) set it: see setMyBirthday.")
    async def birthday(self, info: Info) -> date | None:
        if self.local_id is None:
            return None
        customer = await info.context.loaders.get("customers.customer").load(self.local_id)
        return None if customer is None else customer.birthday


ME_FIELDS = (MeEarning,)
