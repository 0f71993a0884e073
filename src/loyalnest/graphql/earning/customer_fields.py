"""What the earning context puts in the storefront's Me type: the shop's ways to earn,
and the birthday its birthday points are given on (set through setMyBirthday)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.earning import api as earning
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.earning.types import EarningBreakdown, WayToEarn
from loyalnest.platform.errors import DomainError


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

    @strawberry.field(
        description="The points an order of this subtotal would earn you now, part by part (base, "
        "your tier's multiplier, campaigns that apply to you): what the widget shows before "
        "purchase. For a customer the shop has not told us about yet: without tier or targeted "
        "campaigns."
    )
    async def estimate_earning(
        self,
        info: Info,
        subtotal: Annotated[
            Decimal,
            strawberry.argument(description="The cart's subtotal after discounts, in the shop's currency."),
        ],
    ) -> EarningBreakdown:
        try:
            breakdown = await earning.estimate_order(
                info.context.merchant_id, customer_id=self.local_id, subtotal=subtotal
            )
        except DomainError as exc:
            raise PublicError(str(exc), code="BAD_USER_INPUT") from exc
        return EarningBreakdown.from_dto(breakdown)


ME_FIELDS = (MeEarning,)
