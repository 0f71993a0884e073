"""What the referrals context puts in the Customer (staff) and Me (storefront) types:
for staff, a customer's referrals as advocate and the referral that brought them (as
friend); for the storefront, the customer's own code, link, share links, offer and
progress."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.contexts.referrals import api as referrals
from loyalnest.graphql.core.pagination import After, Before, Connection, First, Last, page_request
from loyalnest.graphql.referrals.permissions import CanReadReferrals
from loyalnest.graphql.referrals.queries import referrals_page
from loyalnest.graphql.referrals.types import MyReferral, Referral


@strawberry.type
class CustomerReferrals:
    local_id: strawberry.Private[int]

    @strawberry.field(
        permission_classes=[CanReadReferrals],
        description="The friends this customer referred, newest first, paged forwards (first/after). "
        "admin:full, admin:points or admin:support; null with an error for anyone else. One indexed "
        "query per customer: ask for it on a customer, not across a customers list.",
    )
    async def referrals_as_advocate(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Referral] | None:
        request = page_request(first, after, last, before)
        return await referrals_page(info, request, advocate_customer_id=self.local_id)

    @strawberry.field(
        permission_classes=[CanReadReferrals],
        description="The referral that brought this customer, as the friend; null: none (admin:full, "
        "admin:points or admin:support). Batched across a customers list.",
    )
    async def referred_by(self, info: Info) -> Referral | None:
        dto = await info.context.loaders.get("referrals.referred_by").load(self.local_id)
        return None if dto is None else Referral.from_dto(dto)

    @strawberry.field(
        permission_classes=[CanReadReferrals],
        description="The customer's referral code; null until they first open their referral in the "
        "widget, which creates it (admin:full, admin:points or admin:support). Batched across a "
        "customers list.",
    )
    async def referral_code(self, info: Info) -> str | None:
        code: str | None = await info.context.loaders.get("referrals.code").load(self.local_id)
        return code


@strawberry.type
class MeReferrals:
    local_id: strawberry.Private[int | None]

    @strawberry.field(
        description="Your referral code, link, share links, what friends get, what you get, and your "
        "progress (live: myReferralProgress); null until the shop knows you as a customer."
    )
    async def referral(self, info: Info) -> MyReferral | None:
        if self.local_id is None:
            return None
        principal = info.context.customer
        dto = await referrals.get_my_referral(
            principal.merchant_id, self.local_id, shop_domain=principal.shop_domain
        )
        return MyReferral.from_dto(dto)


CUSTOMER_FIELDS = (CustomerReferrals,)
ME_FIELDS = (MeReferrals,)
