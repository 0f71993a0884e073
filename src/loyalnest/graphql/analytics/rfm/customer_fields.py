"""What the RFM concern adds to the staff Customer type: ``rfm``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.analytics.rfm.types import CustomerRfm


@strawberry.type
class CustomerRfmField:
    local_id: strawberry.Private[int]

    @strawberry.field(
        permission_classes=[CanUseAnalytics],
        description="The customer's RFM scores, segment and segment history (admin:full or "
        "admin:analytics). Null: no counted order in the lookback window, or RFM tracking withdrawn "
        "(the customer counts as OTHER). Batched across a customers list.",
    )
    async def rfm(self, info: Info) -> CustomerRfm | None:
        dto = await info.context.loaders.get("analytics.rfm").load(self.local_id)
        return None if dto is None else CustomerRfm.from_dto(dto)
