"""Per-request DataLoaders of the tiers context."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.tiers import api as tiers
from loyalnest.graphql.core.loaders import CUSTOMER, loader

# what ``tiers.tier`` is keyed by: a mutation changing a tier forgets it
TIER = "tier"


@loader("tiers.tier", invalidate_on=TIER)
async def tiers_by_id(merchant_id: int, ids: Sequence[int]) -> list[tiers.TierDTO | None]:
    """Tiers by id, deleted ones included (history names them)."""
    found = await tiers.get_tiers(merchant_id, list(ids))
    return [found.get(i) for i in ids]


@loader("tiers.standing", invalidate_on=CUSTOMER)
async def standings(merchant_id: int, ids: Sequence[int]) -> list[tiers.CustomerTierDTO]:
    found = await tiers.get_customer_tiers(merchant_id, list(ids))
    return [found[i] for i in ids]


@loader("tiers.first_history", invalidate_on=CUSTOMER)
async def first_history(merchant_id: int, ids: Sequence[int], first: int) -> list[tiers.TierHistoryPage]:
    """The first page of each customer's tier history; one loader per page size."""
    pages = await tiers.first_history_pages(merchant_id, list(ids), first=first)
    return [pages[i] for i in ids]


@loader("tiers.history_count", invalidate_on=CUSTOMER)
async def history_counts(merchant_id: int, ids: Sequence[int]) -> list[int]:
    """How many changes of tier each customer has (``totalCount``)."""
    found = await tiers.count_histories(merchant_id, list(ids))
    return [found[i] for i in ids]


@loader("tiers.progress", invalidate_on=CUSTOMER)
async def progress(merchant_id: int, ids: Sequence[int]) -> list[tiers.TierProgressDTO]:
    found = await tiers.get_progress(merchant_id, list(ids))
    return [found[i] for i in ids]


# the shop's ladder, read once per request however many customers ask (key: 0); a
# mutation changing the ladder forgets it
LADDER = "tier_ladder"


@loader("tiers.ladder", invalidate_on=LADDER)
async def ladders(merchant_id: int, keys: Sequence[int]) -> list[list[tiers.TierDTO]]:
    ladder = await tiers.list_tiers(merchant_id)
    return [ladder for _ in keys]
