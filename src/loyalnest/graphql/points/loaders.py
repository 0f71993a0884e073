"""Per-request DataLoaders of the points context."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from loyalnest.contexts.points import api as points


def account_loader(merchant_id: int) -> DataLoader[int, points.AccountDTO]:
    async def load(ids: Sequence[int]) -> list[points.AccountDTO]:
        found = await points.get_accounts(merchant_id, list(ids))
        return [found[i] for i in ids]

    return DataLoader(load_fn=load)


def first_transactions_loader(merchant_id: int, first: int) -> DataLoader[int, points.LedgerPage]:
    """The first page of each customer's history; one loader per page size."""

    async def load(ids: Sequence[int]) -> list[points.LedgerPage]:
        pages = await points.recent_transactions_for_customers(merchant_id, list(ids), first=first)
        return [pages[i] for i in ids]

    return DataLoader(load_fn=load)


def pending_points_loader(merchant_id: int) -> DataLoader[int, int]:
    async def load(ids: Sequence[int]) -> list[int]:
        found = await points.get_pending_points(merchant_id, list(ids))
        return [found[i] for i in ids]

    return DataLoader(load_fn=load)


def expiring_points_loader(merchant_id: int, within_days: int) -> DataLoader[int, points.ExpiringPointsDTO]:
    """Points expiring within ``within_days``; one loader per window."""

    async def load(ids: Sequence[int]) -> list[points.ExpiringPointsDTO]:
        found = await points.get_expiring_points(merchant_id, list(ids), within_days=within_days)
        return [found[i] for i in ids]

    return DataLoader(load_fn=load)
