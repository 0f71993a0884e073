"""Per-request DataLoaders of the points context (all keyed by customer id)."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.points import api as points
from loyalnest.graphql.core.loaders import CUSTOMER, loader


@loader("points.account", invalidate_on=CUSTOMER)
async def accounts(merchant_id: int, ids: Sequence[int]) -> list[points.AccountDTO]:
    found = await points.get_accounts(merchant_id, list(ids))
    return [found[i] for i in ids]


@loader("points.first_transactions", invalidate_on=CUSTOMER)
async def first_transactions(merchant_id: int, ids: Sequence[int], first: int) -> list[points.LedgerPage]:
    """The first page of each customer's history; one loader per page size."""
    pages = await points.recent_transactions_for_customers(merchant_id, list(ids), first=first)
    return [pages[i] for i in ids]


@loader("points.expiring", invalidate_on=CUSTOMER)
async def expiring_points(
    merchant_id: int, ids: Sequence[int], within_days: int
) -> list[points.ExpiringPointsDTO]:
    """Points expiring within ``within_days``; one loader per window."""
    found = await points.get_expiring_points(merchant_id, list(ids), within_days=within_days)
    return [found[i] for i in ids]


@loader("points.transaction_count", invalidate_on=CUSTOMER)
async def transaction_counts(merchant_id: int, ids: Sequence[int]) -> list[int]:
    """How many ledger rows each customer has (``totalCount``)."""
    found = await points.count_transactions(merchant_id, list(ids))
    return [found[i] for i in ids]


# ledger rows never change once written: nothing to forget
@loader("points.transaction")
async def transactions_by_id(merchant_id: int, ids: Sequence[int]) -> list[points.LedgerEntryDTO | None]:
    found = await points.get_transactions(merchant_id, list(ids))
    return [found.get(i) for i in ids]
