"""Per-request DataLoaders of analytics' segments."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.core.loaders import loader

# what the custom-segment loaders are keyed by: a create, update or delete forgets them
CUSTOM_SEGMENT = "analytics.custom_segment"


# keyed by customer; membership changes in the background, never within a request
@loader("analytics.custom_segments_of")
async def custom_segments_of(
    merchant_id: int, customer_ids: Sequence[int]
) -> list[list[analytics.CustomSegmentDTO]]:
    found = await analytics.custom_segments_of(merchant_id, list(customer_ids))
    return [found.get(i, []) for i in customer_ids]


@loader("analytics.custom_segment", invalidate_on=CUSTOM_SEGMENT)
async def custom_segments_by_id(
    merchant_id: int, ids: Sequence[int]
) -> list[analytics.CustomSegmentDTO | None]:
    found = await analytics.get_custom_segments(merchant_id, list(ids))
    return [found.get(i) for i in ids]
