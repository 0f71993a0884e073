"""Per-request DataLoaders of product RFM: a page's buyer segments in one read."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.core.loaders import loader


@loader("analytics.product_segments")
async def product_segments(
    merchant_id: int, product_ids: Sequence[int]
) -> list[list[analytics.ProductSegmentCountDTO]]:
    found = await analytics.product_segment_counts(merchant_id, list(product_ids))
    return [found.get(i, []) for i in product_ids]
