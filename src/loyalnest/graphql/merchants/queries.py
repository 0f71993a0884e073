"""Staff queries about the shop itself."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.contexts.merchants import api as merchants
from loyalnest.graphql.core.permissions import IsStaff
from loyalnest.graphql.merchants.types import Shop


@strawberry.type
class MerchantsQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="The shop of the session; null (with an error) for a caller who is not staff.",
    )
    async def shop(self, info: Info) -> Shop | None:
        merchant = await merchants.get_merchant(info.context.merchant_id)
        assert merchant is not None  # the principal was built from this merchant
        return Shop.from_dto(merchant)


QUERIES = (MerchantsQuery,)
