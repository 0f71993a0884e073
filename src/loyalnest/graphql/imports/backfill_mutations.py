"""Staff mutation of the Shopify history backfill (admin:full, audited)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.imports import backfill_api as backfill
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.mutations import Write, mutation
from loyalnest.graphql.core.permissions import CanManageProgram, IsStaff
from loyalnest.graphql.imports.backfill_types import ShopifyBackfill


@strawberry.type(description="The result of backfillShopifyHistory.")
class BackfillShopifyHistoryPayload:
    shopify_backfill: ShopifyBackfill | None = strawberry.field(
        description="The backfill, queued; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type
class ShopifyBackfillMutation:
    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Fetch the shop's customers and orders from Shopify (bulk operations) in the "
        "background, so RFM analytics and tiers count them; see shopifyBackfill for its progress. "
        "Running it again changes nothing twice. Refused (IN_PROGRESS) while one is queued or running.",
    )
    @mutation(BackfillShopifyHistoryPayload)
    async def backfill_shopify_history(
        self,
        info: Info,
        write: Write,
        since: Annotated[
            datetime | None,
            strawberry.argument(
                description="Only orders created since then (customers are all fetched); null: all the "
                "history the app may read."
            ),
        ] = None,
        award_points_days: Annotated[
            int,
            strawberry.argument(
                description="Orders of this many last days earn their points through the program, as if "
                "they had just been placed (0, the default: past orders earn nothing; at most 365). An "
                "order earns once, whether the backfill or its webhook brings it first."
            ),
        ] = 0,
    ) -> BackfillShopifyHistoryPayload:
        staff = info.context.staff
        run = await backfill.request_backfill(
            write.uow,
            staff.merchant_id,
            since=since,
            award_points_days=award_points_days,
            actor=staff.actor,
        )
        return BackfillShopifyHistoryPayload(shopify_backfill=ShopifyBackfill.from_dto(run), user_errors=[])
