"""Per-request DataLoaders of the rewards context."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from loyalnest.contexts.rewards import api as rewards


def reward_loader(merchant_id: int) -> DataLoader[int, rewards.RewardDTO | None]:
    async def load(ids: Sequence[int]) -> list[rewards.RewardDTO | None]:
        found = await rewards.get_rewards(merchant_id, list(ids))
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def first_redemptions_loader(merchant_id: int, first: int) -> DataLoader[int, rewards.RedemptionPage]:
    """The first page of each customer's redemptions; one loader per page size."""

    async def load(ids: Sequence[int]) -> list[rewards.RedemptionPage]:
        pages = await rewards.recent_redemptions_for_customers(merchant_id, list(ids), first=first)
        return [pages[i] for i in ids]

    return DataLoader(load_fn=load)
