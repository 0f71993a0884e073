"""What the campaigns context puts in the storefront's Me: the campaigns running now
that apply to the signed-in customer (their tier and tags), to show beside their points."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.campaigns import api as campaigns
from loyalnest.graphql.campaigns.types import ActiveCampaign
from loyalnest.graphql.core.pagination import After, Before, Connection, First, Last, connection, page_request


@strawberry.type
class MeCampaigns:
    local_id: strawberry.Private[int | None]

    @strawberry.field(
        description="The campaigns running now that apply to you (your tier and tags; order conditions "
        "such as a minimum amount are shown on each), highest priority first, with their description "
        "in `locale`."
    )
    async def active_campaigns(
        self,
        info: Info,
        locale: Annotated[
            str | None, strawberry.argument(description="A BCP 47 tag for descriptions; null: the default.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ActiveCampaign]:
        request = page_request(first, after, last, before)
        found = await campaigns.active_campaigns_for(info.context.merchant_id, self.local_id)
        # a handful of campaigns at most: paged in memory, in their own order (by position)
        positions = list(range(1, len(found) + 1))
        start = 0 if request.after_id is None else request.after_id
        end = len(found) if request.before_id is None else request.before_id - 1
        window = list(zip(positions, found, strict=True))[start:end]
        if request.backward:
            items = window[-request.size :]
            has_next, has_previous = request.before_id is not None, len(window) > request.size
        else:
            items = window[: request.size]
            has_next, has_previous = len(window) > request.size, request.after_id is not None
        total = len(found)

        async def count() -> int:
            return total

        return connection(
            [ActiveCampaign.from_dto(dto, locale) for _, dto in items],
            ids=[position for position, _ in items],
            has_next_page=has_next,
            has_previous_page=has_previous,
            count=count,
        )


ME_FIELDS = (MeCampaigns,)
