"""What the rewards context puts in the Customer (staff) and Me (storefront) types: the
customer's redemptions, and for the storefront the rewards they can redeem now."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.contexts.rewards import api as rewards
from loyalnest.graphql.core.ids import decode_cursor, encode_cursor
from loyalnest.graphql.core.pagination import Connection, Edge, PageInfo, page_size
from loyalnest.graphql.rewards.types import AvailableReward, Redemption, redemption_connection


async def redemptions_page(
    info: Info, customer_id: int, first: int | None, after: str | None
) -> Connection[Redemption]:
    """A customer's redemptions, newest first; the first page through the DataLoader."""
    size = page_size(first)
    before_id = decode_cursor(after)
    if before_id is None:
        page = await info.context.loaders.get("rewards.first_redemptions", size).load(customer_id)
    else:
        page = await rewards.list_redemptions(
            info.context.merchant_id, customer_id, before_id=before_id, first=size
        )
    return redemption_connection(page)


async def available_rewards_page(
    info: Info, customer_id: int | None, first: int | None, after: str | None
) -> Connection[AvailableReward]:
    """The rewards a customer can redeem now, against their balance and usage."""
    size = page_size(first)
    merchant_id = info.context.merchant_id
    page = await rewards.list_available_rewards(merchant_id, after_id=decode_cursor(after), first=size)
    balance = 0
    used: dict[int, int] = {}
    if customer_id is not None:
        # the balance through the points context's loader, shared with Me.pointsBalance
        balance = (await info.context.loaders.get("points.account").load(customer_id)).balance
        limited = [dto.id for dto in page.items if dto.usage_limit_per_customer is not None]
        if limited:
            used = await rewards.redemption_counts(merchant_id, customer_id, limited)
    edges = [
        Edge(
            cursor=encode_cursor(dto.id),
            node=AvailableReward.from_dto(dto, balance=balance, used=used.get(dto.id, 0)),
        )
        for dto in page.items
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=edges[-1].cursor if edges else None),
    )


@strawberry.type
class CustomerRewards:
    local_id: strawberry.Private[int]

    @strawberry.field(description="Rewards redeemed, newest first, with their discount codes.")
    async def redemptions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Redemption]:
        return await redemptions_page(info, self.local_id, first, after)


@strawberry.type
class MeRewards:
    local_id: strawberry.Private[int | None]

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


CUSTOMER_FIELDS = (CustomerRewards,)
ME_FIELDS = (MeRewards,)
