"""A segment's customers with their custom segments cost the same statements for 3
customers as for 20: the profiles load in one batch and Customer.customSegments through
a per-request DataLoader (counted on every connection, as in ``test_query_counts``). A
new statement here is a decision: change the number."""

from __future__ import annotations

from typing import Any

from loyalnest.contexts.analytics import api as analytics
from loyalnest.platform.uow import unit_of_work
from tests.contexts.analytics.segments_support import make_customer, score
from tests.graphql.conftest import count_statements

PAGE = """
{ segmentCustomers(segment: LOYAL, first: 50) {
    totalCount nodes { id tags customSegments { id name members canonicalRule } } } }
"""

STATEMENTS = 5


async def _page(make_shop: Any, n: int) -> int:
    shop = await make_shop()
    for _ in range(n):
        cid = await make_customer(shop, tags=("vip",))
        await score(shop, cid, 4, 4, 4, "loyal")
    async with unit_of_work() as uow:
        for name, rule in (("Loyal", "segment = loyal"), ("VIP", 'tags has "vip"')):
            await analytics.create_custom_segment(
                uow, shop.id, analytics.CustomSegmentInput(name=name, rule=rule), actor="staff:test"
            )
    async with unit_of_work() as uow:
        await analytics.refresh_custom_segment_members(uow, shop.id)
    token = shop.token(roles=["admin:analytics"])
    await shop.gql("{ shop { domain } }", token=token)  # the shop is now in the per-process cache
    with count_statements() as statements:
        result = await shop.gql(PAGE, token=token)
    assert "errors" not in result, result
    page = result["data"]["segmentCustomers"]
    assert page["totalCount"] == n
    assert len(page["nodes"]) == n
    assert all([s["name"] for s in node["customSegments"]] == ["Loyal", "VIP"] for node in page["nodes"])
    return len(statements)


async def test_segment_customers_cost_the_same_for_3_and_20(make_shop: Any, broker: Any) -> None:
    few = await _page(make_shop, 3)
    many = await _page(make_shop, 20)
    assert few == many == STATEMENTS
