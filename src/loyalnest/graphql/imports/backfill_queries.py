"""Staff query of the Shopify history backfill (admin:full)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.contexts.imports import backfill_api as backfill
from loyalnest.graphql.core.permissions import CanManageProgram, IsStaff
from loyalnest.graphql.imports.backfill_types import ShopifyBackfill


@strawberry.type
class ShopifyBackfillQuery:
    @strawberry.field(
        permission_classes=[IsStaff, CanManageProgram],
        description="The shop's latest Shopify history backfill with its progress (admin:full); null: "
        "never backfilled.",
    )
    async def shopify_backfill(self, info: Info) -> ShopifyBackfill | None:
        run = await backfill.latest_backfill(info.context.merchant_id)
        return None if run is None else ShopifyBackfill.from_dto(run)
