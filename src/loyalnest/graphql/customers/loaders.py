"""Per-request DataLoaders of the customers context."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.customers import api as customers
from loyalnest.graphql.core.loaders import CUSTOMER, loader


@loader("customers.customer", invalidate_on=CUSTOMER)
async def customers_by_id(merchant_id: int, ids: Sequence[int]) -> list[customers.CustomerDTO | None]:
    found = await customers.get_customers(merchant_id, list(ids))
    return [found.get(i) for i in ids]
