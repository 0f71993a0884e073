"""Staff queries of the tiers context: the ladder, the settings, the re-tier's progress."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.permission import BasePermission
from strawberry.types import Info

from loyalnest.contexts.tiers import api as tiers
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.permissions import IsStaff
from loyalnest.graphql.tiers.types import Tier, TierRetier, TierSettings

# who may read the ladder and the settings: every staff role, as the reward catalog
TIER_READ: list[type[BasePermission]] = [IsStaff]


@strawberry.type
class TiersQuery:
    @strawberry.field(
        permission_classes=TIER_READ,
        description="The shop's VIP ladder, lowest rank first (at most 10 tiers). Null (with an "
        "error) for a caller who is not staff.",
    )
    async def tiers(self, info: Info) -> list[Tier] | None:
        return [Tier.from_dto(dto) for dto in await tiers.list_tiers(info.context.merchant_id)]

    @strawberry.field(permission_classes=TIER_READ, description="A tier of this shop (deleted too), or null.")
    async def tier(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The tier's global id.")],
    ) -> Tier | None:
        local_id = decode_id(id, "Tier")
        if local_id is None:
            return None
        dto = await info.context.loaders.get("tiers.tier").load(local_id)
        return None if dto is None else Tier.from_dto(dto)

    @strawberry.field(
        permission_classes=TIER_READ,
        description="What the shop's tiers qualify on, over which period, and "
        "what happens when a customer's metric falls below their tier.",
    )
    async def tier_settings(self, info: Info) -> TierSettings | None:
        return TierSettings.from_dto(await tiers.get_settings(info.context.merchant_id))

    @strawberry.field(
        permission_classes=TIER_READ,
        description="The latest re-evaluation of every customer (after the tiers or the settings "
        "changed), with its progress; null: never.",
    )
    async def tier_retier(self, info: Info) -> TierRetier | None:
        run = await tiers.latest_retier(info.context.merchant_id)
        return None if run is None else TierRetier.from_dto(run)


QUERIES = (TiersQuery,)
