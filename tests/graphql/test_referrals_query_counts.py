"""The staff referral list costs the same statements for 3 referrals as for 20: advocates,
friends, their codes, the referral that brought them and the catalog reward resolve through
per-request DataLoaders (counted on every
connection, as in ``test_query_counts``). A new statement here is a decision: change the
number."""

from __future__ import annotations

from typing import Any

from loyalnest.contexts.referrals import api as referrals
from loyalnest.platform.uow import unit_of_work
from tests.graphql.conftest import count_statements
from tests.graphql.referrals_support import claim, enable_program, make_customer

REFERRALS = """
{ referrals(first: 20) { totalCount pageInfo { hasNextPage endCursor } nodes {
  id status held source friendEmail reasons { check verdict detail } claimedAt expiresAt
  advocate { id shopifyId pointsBalance referralCode referredBy { id } } friend { id referredBy { id } }
} } }
"""


async def _referrals_list(make_shop: Any, http: Any, settings: Any, n: int) -> int:
    shop = await make_shop()
    await enable_program(shop)
    for i in range(n):
        local, _ = await make_customer(shop)
        async with unit_of_work() as uow:
            code = await referrals.ensure_code(uow, merchant_id=shop.id, customer_id=local)
        claimed = await claim(http, settings, shop, code, f"friend{i}@example.org")
        assert claimed["userErrors"] == [], claimed
    await shop.gql("{ shop { domain } }")  # the shop is now in the per-process cache
    with count_statements() as statements:
        result = await shop.gql(REFERRALS)
    assert "errors" not in result, result
    page = result["data"]["referrals"]
    assert page["totalCount"] == n
    assert len(page["nodes"]) == n
    assert all(node["advocate"]["pointsBalance"] == 0 for node in page["nodes"])
    assert len({node["advocate"]["id"] for node in page["nodes"]}) == n
    # codes and referred-by batch across the page (the advocates were not referred; the
    # friends of claims have no customer yet)
    assert all(node["advocate"]["referralCode"] for node in page["nodes"])
    assert all(node["advocate"]["referredBy"] is None for node in page["nodes"])
    return len(statements)


async def test_the_referrals_list_costs_the_same_for_3_and_20(make_shop, http, settings):
    few = await _referrals_list(make_shop, http, settings, 3)
    many = await _referrals_list(make_shop, http, settings, 20)
    assert few == many
