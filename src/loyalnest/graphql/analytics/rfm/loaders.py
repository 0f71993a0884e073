"""Per-request DataLoaders of the RFM concern: scores and segment history, batched
across a customers list."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.core.loaders import loader

# what the RFM loaders are keyed by: setRfmTracking forgets the customer's
RFM = "analytics.rfm"


@loader("analytics.rfm", invalidate_on=RFM)
async def rfm_by_customer(
    merchant_id: int, customer_ids: Sequence[int]
) -> list[analytics.CustomerRfmDTO | None]:
    found = await analytics.get_customer_rfm(merchant_id, list(customer_ids))
    return [found.get(i) for i in customer_ids]


@loader("analytics.rfm_history", invalidate_on=RFM)
async def history_by_customer(
    merchant_id: int, customer_ids: Sequence[int], first: int
) -> list[list[analytics.SegmentChangeDTO]]:
    found = await analytics.segment_history(merchant_id, list(customer_ids), first)
    return [found.get(i, []) for i in customer_ids]
