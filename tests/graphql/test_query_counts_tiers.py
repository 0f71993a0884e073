"""The tier and campaign fields cost the same statements for 3 customers as for 20: each
relation goes through a per-request DataLoader (counted on every connection, as in
``test_query_counts``). A new statement here is a decision: change the number."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loyalnest.contexts.campaigns import api as campaigns
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.graphql.conftest import count_statements

CUSTOMERS = """
{ customers(first: 20) { nodes {
  id tier { id name multiplier } tierProgress { value toNextTier percent nextTier { id name } }
  tierHistory(first: 5) { nodes { reason at toTier { name } } totalCount } } } }
"""

ME = """
{ me { tier { name perks } tierProgress { value toNextTier nextTierSummary }
  tiers { name threshold } activeCampaigns(first: 10) { nodes { name description } }
  estimateEarning(subtotal: "50.00") { totalPoints parts { label points } } } }
"""


async def _program(shop: Any) -> None:
    async with unit_of_work() as uow:
        for name, threshold in (("Silver", 20), ("Gold", 500)):
            await tiers.create_tier(
                uow,
                merchant_id=shop.id,
                actor="staff:test",
                data=tiers.TierInput(
                    names=[("en", name)],
                    default_locale="en",
                    threshold=Decimal(threshold),
                    multiplier=Decimal("1.5"),
                    perks=[("en", f"{name} perks")],
                ),
            )
        await tiers.update_settings(
            uow, merchant_id=shop.id, actor="staff:test", update=tiers.TierSettingsUpdate(metric="money")
        )
        for n in range(3):
            await campaigns.create_campaign(
                uow,
                merchant_id=shop.id,
                actor="staff:test",
                data=campaigns.CampaignInput(
                    name=f"Bonus {n}", effect="order_bonus", bonus_points=10 * (n + 1)
                ),
            )


async def _shop_with_customers(make_shop: Any, drain: Any, n: int, base: int) -> Any:
    shop = await make_shop()
    await _program(shop)
    await drain()
    for i in range(n):
        body = payloads.order(base + i, subtotal="40.00", customer_body=payloads.customer(base + 1000 + i))
        await shop.webhook("orders/create", body)
    await drain()
    await shop.gql("{ shop { domain } }")  # the shop is now in the per-process cache
    return shop


async def _customers_list(make_shop: Any, drain: Any, n: int, base: int) -> int:
    shop = await _shop_with_customers(make_shop, drain, n, base)
    with count_statements() as statements:
        result = await shop.gql(CUSTOMERS)
    assert "errors" not in result, result
    nodes = result["data"]["customers"]["nodes"]
    assert len(nodes) == n
    assert {node["tier"]["name"] for node in nodes} == {"Silver"}
    assert all(node["tierProgress"]["nextTier"]["name"] == "Gold" for node in nodes)
    assert all(node["tierHistory"]["totalCount"] == 1 for node in nodes)
    return len(statements)


async def test_the_customers_list_with_tiers_costs_the_same_for_3_and_20(make_shop, drain):
    few = await _customers_list(make_shop, drain, 3, 7_100_000)
    many = await _customers_list(make_shop, drain, 20, 7_200_000)
    assert few == many


async def _me(make_shop: Any, drain: Any, proxy: Any, n: int, base: int) -> int:
    shop = await _shop_with_customers(make_shop, drain, n, base)
    await proxy(shop, base + 1000, "{ me { enrolled } }")
    with count_statements() as statements:
        result = await proxy(shop, base + 1000, ME)
    assert "errors" not in result, result
    me = result["data"]["me"]
    assert me["tier"]["name"] == "Silver"
    assert [t["name"] for t in me["tiers"]] == ["Silver", "Gold"]
    assert len(me["activeCampaigns"]["nodes"]) == 3
    # 50.00 at the test shop's 1 point per unit: 50, Silver x1.5 adds 25, the bonuses 60
    assert me["estimateEarning"]["totalPoints"] == 50 + 25 + 60
    return len(statements)


async def test_me_with_tiers_and_campaigns_costs_the_same_whatever_the_shop_holds(make_shop, drain, proxy):
    few = await _me(make_shop, drain, proxy, 3, 7_300_000)
    many = await _me(make_shop, drain, proxy, 20, 7_400_000)
    assert few == many


CAMPAIGNS = """
{ campaigns(first: 50) { totalCount nodes { id name status effect
  results { ordersAffected pointsIssued customersReached revenue discountUses } } } }
"""


async def _campaigns_list(make_shop: Any, n: int) -> int:
    shop = await make_shop()
    async with unit_of_work() as uow:
        for i in range(n):
            await campaigns.create_campaign(
                uow,
                merchant_id=shop.id,
                actor="staff:test",
                data=campaigns.CampaignInput(name=f"Bonus {i}", effect="order_bonus", bonus_points=10),
            )
    await shop.gql("{ shop { domain } }")
    with count_statements() as statements:
        result = await shop.gql(CAMPAIGNS)
    assert "errors" not in result, result
    assert result["data"]["campaigns"]["totalCount"] == n
    assert all(node["results"]["ordersAffected"] == 0 for node in result["data"]["campaigns"]["nodes"])
    return len(statements)


async def test_the_campaigns_list_with_results_costs_the_same_for_3_and_20(make_shop):
    assert await _campaigns_list(make_shop, 3) == await _campaigns_list(make_shop, 20)
