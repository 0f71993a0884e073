"""Per-request DataLoaders of the customers context."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from loyalnest.contexts.customers import api as customers


def customer_loader(merchant_id: int) -> DataLoader[int, customers.CustomerDTO | None]:
    async def load(ids: Sequence[int]) -> list[customers.CustomerDTO | None]:
        found = await customers.get_customers(merchant_id, list(ids))
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)
