"""Staff queries over the shop's campaigns and their settings."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.permission import BasePermission
from strawberry.types import Info

from loyalnest.contexts.campaigns import api as campaigns
from loyalnest.graphql.campaigns.types import Campaign, CampaignSettings, CampaignStatus, campaign_connection
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.pagination import After, Before, Connection, First, Last, page_request
from loyalnest.graphql.core.permissions import IsStaff

# who may read campaigns: ``campaigns``, ``campaign``, ``campaignSettings`` and ``node``
CAMPAIGN_READ: list[type[BasePermission]] = [IsStaff]


@strawberry.type
class CampaignsQuery:
    @strawberry.field(
        permission_classes=CAMPAIGN_READ,
        description="The shop's campaigns, oldest first, in `status` (default: every status but "
        "ARCHIVED). Null (with an error) for a caller who is not staff.",
    )
    async def campaigns(
        self,
        info: Info,
        status: Annotated[
            list[CampaignStatus] | None,
            strawberry.argument(description="Only campaigns in these statuses; null: all but ARCHIVED."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Campaign] | None:
        request = page_request(first, after, last, before)
        merchant_id = info.context.merchant_id
        statuses = None if not status else [str(s.value) for s in status]
        page = await campaigns.list_campaigns(
            merchant_id,
            statuses=statuses,
            after_id=request.after_id,
            before_id=request.before_id,
            first=request.size,
            backward=request.backward,
        )

        async def count() -> int:
            return await campaigns.count_campaigns(merchant_id, statuses=statuses)

        return campaign_connection(page, count)

    @strawberry.field(permission_classes=CAMPAIGN_READ, description="A campaign of this shop, or null.")
    async def campaign(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The campaign's global id.")],
    ) -> Campaign | None:
        local_id = decode_id(id, "Campaign")
        if local_id is None:
            return None
        dto = await info.context.loaders.get("campaigns.campaign").load(local_id)
        return None if dto is None else Campaign.from_dto(dto)

    @strawberry.field(
        permission_classes=CAMPAIGN_READ,
        description="The shop's settings for every campaign (the multiplier cap).",
    )
    async def campaign_settings(self, info: Info) -> CampaignSettings | None:
        return CampaignSettings.from_dto(await campaigns.get_settings(info.context.merchant_id))


QUERIES = (CampaignsQuery,)
