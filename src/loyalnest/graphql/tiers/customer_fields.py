"""What the tiers context puts in the Customer (staff) and Me (storefront) types: the
tier held, where the customer stands, progress toward the next tier, the history of
changes, and for the storefront the ladder with its perks."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.contexts.tiers import api as tiers
from loyalnest.graphql.core.pagination import After, Before, Connection, First, Last, page_request
from loyalnest.graphql.tiers.types import (
    CustomerTier,
    Tier,
    TierHistoryEntry,
    TierProgress,
    history_connection,
)


async def _held(info: Info, customer_id: int) -> Tier | None:
    standing = await info.context.loaders.get("tiers.standing").load(customer_id)
    if standing.tier_id is None:
        return None
    dto = await info.context.loaders.get("tiers.tier").load(standing.tier_id)
    return None if dto is None else Tier.from_dto(dto)


async def _progress(info: Info, customer_id: int) -> TierProgress | None:
    if not await info.context.loaders.get("tiers.ladder").load(0):
        return None
    return TierProgress.from_dto(await info.context.loaders.get("tiers.progress").load(customer_id))


@strawberry.type
class CustomerTiers:
    local_id: strawberry.Private[int]

    @strawberry.field(description="The VIP tier the customer holds; null: none.")
    async def tier(self, info: Info) -> Tier | None:
        return await _held(info, self.local_id)

    @strawberry.field(description="Where the customer stands: metric, manual assignment, retention date.")
    async def tier_status(self, info: Info) -> CustomerTier:
        return CustomerTier.from_dto(await info.context.loaders.get("tiers.standing").load(self.local_id))

    @strawberry.field(
        description="What reaching the next tier and keeping the current one take; null when the shop "
        "has no tiers."
    )
    async def tier_progress(self, info: Info) -> TierProgress | None:
        return await _progress(info, self.local_id)

    @strawberry.field(description="Every change of the customer's tier, newest first.")
    async def tier_history(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[TierHistoryEntry]:
        request = page_request(first, after, last, before)
        merchant_id = info.context.merchant_id
        loaders = info.context.loaders
        if request.is_first_page:
            # a customers list asks every customer's first page: one statement for all
            page = await loaders.get("tiers.first_history", request.size).load(self.local_id)
        else:
            page = await tiers.list_history(
                merchant_id,
                self.local_id,
                first=request.size,
                after_id=request.after_id,
                before_id=request.before_id,
                backward=request.backward,
            )

        async def count() -> int:
            return await loaders.get("tiers.history_count").load(self.local_id)

        return history_connection(page, count)


@strawberry.type
class MeTiers:
    local_id: strawberry.Private[int | None]

    @strawberry.field(description="Your VIP tier; null: none yet.")
    async def tier(self, info: Info) -> Tier | None:
        return None if self.local_id is None else await _held(info, self.local_id)

    @strawberry.field(
        description="What reaching the next tier and keeping yours take; null when the shop has no tiers."
    )
    async def tier_progress(self, info: Info) -> TierProgress | None:
        if self.local_id is None:
            return None
        return await _progress(info, self.local_id)

    @strawberry.field(
        description="The shop's VIP ladder, lowest first: names and perks (read them with "
        "`name(locale:)` and `perks(locale:)` in your language)."
    )
    async def tiers(self, info: Info) -> list[Tier]:
        return [Tier.from_dto(dto) for dto in await info.context.loaders.get("tiers.ladder").load(0)]


CUSTOMER_FIELDS = (CustomerTiers,)
ME_FIELDS = (MeTiers,)
