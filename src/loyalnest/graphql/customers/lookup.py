"""A customer named by a mutation's ``customerId``, for staff mutations of any context."""

from __future__ import annotations

from loyalnest.contexts.customers import api as customers
from loyalnest.graphql.core.mutations import not_found


async def customer_of_shop(merchant_id: int, customer_id: int) -> customers.CustomerDTO:
    """The customer, or ``NOT_FOUND`` on ``customerId``: a customer of another shop is
    simply not found (tenancy)."""
    dto = await customers.get_customer(merchant_id, customer_id)
    if dto is None:
        raise not_found("Customer", "customerId")
    return dto
