"""Customer.rfm and its history batch across a customers list: the same statements for
2 customers as for 6 (counted on every connection)."""

from __future__ import annotations

from typing import Any

from tests.contexts.points.helpers import new_id, order
from tests.graphql.conftest import count_statements

CUSTOMERS = """
{ customers(first: 20) { nodes { id rfm { score segment orderCount history(first: 3) { from to } } } } }
"""


async def _cost(make_shop: Any, drain: Any, n: int) -> int:
    shop = await make_shop()
    for _ in range(n):
        await order(shop, drain, new_id(), new_id(), "25.00")
    await shop.gql("{ shop { domain } }")  # the shop is now in the per-process cache
    with count_statements() as statements:
        result = await shop.gql(CUSTOMERS)
    assert "errors" not in result, result
    nodes = result["data"]["customers"]["nodes"]
    assert len(nodes) == n
    assert all(node["rfm"]["orderCount"] == 1 and node["rfm"]["history"] for node in nodes)
    return len(statements)


async def test_customer_rfm_costs_the_same_for_2_and_6_customers(make_shop, drain):
    assert await _cost(make_shop, drain, 2) == await _cost(make_shop, drain, 6)
