"""Per-request DataLoaders of nudges."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.core.loaders import loader

# what ``analytics.nudge`` is keyed by: a mutation of a nudge forgets it
NUDGE_CHANGED = "nudge"


@loader("analytics.nudge", invalidate_on=NUDGE_CHANGED)
async def nudges_by_id(merchant_id: int, ids: Sequence[int]) -> list[analytics.NudgeDTO | None]:
    found = await analytics.get_nudges(merchant_id, list(ids))
    return [found.get(i) for i in ids]
