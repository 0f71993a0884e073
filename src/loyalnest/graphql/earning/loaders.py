"""Per-request DataLoaders of the earning context."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.earning import api as earning
from loyalnest.graphql.core.loaders import CUSTOMER, loader


@loader("earning.pending_points", invalidate_on=CUSTOMER)
async def pending_points(merchant_id: int, ids: Sequence[int]) -> list[int]:
    """Points of each customer's orders still in the shop's pending period."""
    found = await earning.get_pending_points(merchant_id, list(ids))
    return [found[i] for i in ids]
