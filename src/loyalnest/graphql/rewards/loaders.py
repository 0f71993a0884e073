"""Per-request DataLoaders of the rewards context."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.rewards import api as rewards
from loyalnest.graphql.core.loaders import CUSTOMER, loader

# what ``rewards.reward`` is keyed by: a mutation changing a reward forgets it
REWARD = "reward"


@loader("rewards.reward", invalidate_on=REWARD)
async def rewards_by_id(merchant_id: int, ids: Sequence[int]) -> list[rewards.RewardDTO | None]:
    found = await rewards.get_rewards(merchant_id, list(ids))
    return [found.get(i) for i in ids]


@loader("rewards.first_redemptions", invalidate_on=CUSTOMER)
async def first_redemptions(merchant_id: int, ids: Sequence[int], first: int) -> list[rewards.RedemptionPage]:
    """The first page of each customer's redemptions; one loader per page size."""
    pages = await rewards.recent_redemptions_for_customers(merchant_id, list(ids), first=first)
    return [pages[i] for i in ids]


@loader("rewards.redemption_count", invalidate_on=CUSTOMER)
async def redemption_counts(merchant_id: int, ids: Sequence[int]) -> list[int]:
    """How many redemptions each customer has (``totalCount``)."""
    found = await rewards.count_customers_redemptions(merchant_id, list(ids))
    return [found[i] for i in ids]


# keyed by redemption id, read by queries only (``node``): a mutation's payload builds
# the redemption it changed itself
@loader("rewards.redemption")
async def redemptions_by_id(merchant_id: int, ids: Sequence[int]) -> list[rewards.RedemptionDTO | None]:
    found = await rewards.get_redemptions(merchant_id, list(ids))
    return [found.get(i) for i in ids]
