"""Staff queries about the shop itself."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.contexts.merchants import api as merchants
from loyalnest.graphql.core.permissions import CanManageProgram, IsStaff
from loyalnest.graphql.merchants.types import MerchantReferralProgram, Shop


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

    @strawberry.field(
        permission_classes=[IsStaff, CanManageProgram],
        description="The shop's merchant referral program: its code and link, the shops it "
        "referred and the months of credit they earned it. Requires admin:full; null (with an "
        "error) otherwise.",
    )
    async def merchant_referral(self, info: Info) -> MerchantReferralProgram | None:
        program = await merchants.get_referral_program(info.context.merchant_id)
        assert program is not None  # the principal was built from this merchant
        return MerchantReferralProgram.from_dto(program)


QUERIES = (MerchantsQuery,)
