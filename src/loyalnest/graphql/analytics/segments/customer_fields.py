"""What analytics' segments add to the staff Customer type: the custom segments the
customer is in (batched across a customers list)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.analytics.segments.types import CustomSegment


@strawberry.type
class CustomerCustomSegments:
    local_id: strawberry.Private[int]

    @strawberry.field(
        permission_classes=[CanUseAnalytics],
        description="The shop's custom segments this customer is in, oldest segment first (as of each "
        "segment's last refresh). admin:full or admin:analytics; null with an error for anyone else. "
        "Batched across a customers list.",
    )
    async def custom_segments(self, info: Info) -> list[CustomSegment] | None:
        found = await info.context.loaders.get("analytics.custom_segments_of").load(self.local_id)
        return [CustomSegment.from_dto(dto) for dto in found]
