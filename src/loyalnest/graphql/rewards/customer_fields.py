"""What the rewards context puts in the Customer (staff) and Me (storefront) types: the
customer's redemptions, and for the storefront the rewards they can redeem now."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.contexts.rewards import api as rewards
from loyalnest.graphql.core.pagination import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection,
    empty_connection,
    page_request,
)
from loyalnest.graphql.rewards.types import AvailableReward, Redemption, redemption_connection


async def redemptions_page(
    info: Info, customer_id: int, first: int | None, after: str | None, last: int | None, before: str | None
) -> Connection[Redemption]:
    """A customer's redemptions, newest first; the first page through the DataLoader, and
    the count (when selected) through another, so a list of customers costs one query each."""
    request = page_request(first, after, last, before)
    loaders = info.context.loaders
    if request.is_first_page:
        page = await loaders.get("rewards.first_redemptions", request.size).load(customer_id)
    else:
        page = await rewards.list_redemptions(
            info.context.merchant_id,
            customer_id,
            after_id=request.after_id,
            before_id=request.before_id,
            first=request.size,
            backward=request.backward,
        )

    async def count() -> int:
        return await loaders.get("rewards.redemption_count").load(customer_id)

    return redemption_connection(page, count)


async def available_rewards_page(
    info: Info,
    customer_id: int | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[AvailableReward]:
    """The rewards a customer can redeem now, against their balance and usage."""
    request = page_request(first, after, last, before)
    merchant_id = info.context.merchant_id
    page = await rewards.list_available_rewards(
        merchant_id,
        after_id=request.after_id,
        before_id=request.before_id,
        first=request.size,
        backward=request.backward,
    )
    balance = 0
    used: dict[int, int] = {}
    if customer_id is not None:
        # the balance through the points context's loader, shared with Me.pointsBalance
        balance = (await info.context.loaders.get("points.account").load(customer_id)).balance
        limited = [dto.id for dto in page.items if dto.usage_limit_per_customer is not None]
        if limited:
            used = await rewards.redemption_counts(merchant_id, customer_id, limited)

    async def count() -> int:
        return await rewards.count_available_rewards(merchant_id)

    return connection(
        [AvailableReward.from_dto(dto, balance=balance, used=used.get(dto.id, 0)) for dto in page.items],
        ids=[dto.id for dto in page.items],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        count=count,
    )


@strawberry.type
class CustomerRewards:
    local_id: strawberry.Private[int]

    @strawberry.field(description="Rewards redeemed, newest first, with their discount codes.")
    async def redemptions(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Redemption]:
        return await redemptions_page(info, self.local_id, first, after, last, before)


@strawberry.type
class MeRewards:
    local_id: strawberry.Private[int | None]

    @strawberry.field(
        description="The rewards you can redeem now (redeemReward), oldest first, with whether your "
        "balance covers each and how many points you are short."
    )
    async def rewards(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[AvailableReward]:
        return await available_rewards_page(info, self.local_id, first, after, last, before)

    @strawberry.field(description="Your redemptions, newest first, with their discount codes.")
    async def redemptions(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[Redemption]:
        if self.local_id is None:
            page_request(first, after, last, before)  # the same refusals as for anyone else
            return empty_connection()
        return await redemptions_page(info, self.local_id, first, after, last, before)


CUSTOMER_FIELDS = (CustomerRewards,)
ME_FIELDS = (MeRewards,)
