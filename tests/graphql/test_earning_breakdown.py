"""Every point explained, over HTTP: staff's simulateEarning and the storefront's
me.estimateEarning give the breakdown a real order would post (base, tier, campaigns)
and write nothing; ledger rows carry their origin (origin, originId, label). Test steps
registered through the pipeline's public hook stand for a tier (x1.5 on orders) and a
campaign (+100); the tiers and campaigns contexts' own tests cover theirs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from decimal import Decimal

import pytest

from loyalnest.contexts.campaigns import api as campaigns
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.tiers import api as tiers
from loyalnest.graphql.core.ids import encode_id
from loyalnest.platform.uow import UnitOfWork, unit_of_work
from tests import payloads
from tests.contexts.support import rows
from tests.graphql.conftest import customer_gid, error_codes, refused_roots

# a real tier and campaign of the shop (their ids), made by the fixture; the test steps
# stand for their contexts' steps, so the numbers here are the test's own
ids: dict[str, int] = {}

SIMULATE = """
query ($o: SimulatedOrderInput!) {
  simulateEarning(order: $o) { basePoints totalPoints pendingDays parts { points origin originId label } }
}
"""
ESTIMATE = """
query ($s: Decimal!) {
  me { estimateEarning(subtotal: $s) { basePoints totalPoints parts { points origin label } } }
}
"""


async def _tier(
    uow: UnitOfWork, merchant_id: int, earnings: Sequence[earning.Earning], dry_run: bool
) -> None:
    for item in earnings:
        # a logged-out visitor (customer 0) has no tier
        if item.award.rule == "order" and item.award.customer_id:
            item.parts.append(
                earning.Part(
                    "tier",
                    item.award.points // 2,
                    "tier_bonus",
                    earning.ORIGIN_TIER,
                    ids["tier"],
                    "Gold x1.50",
                )
            )


async def _campaign(
    uow: UnitOfWork, merchant_id: int, earnings: Sequence[earning.Earning], dry_run: bool
) -> None:
    for item in earnings:
        order = item.award.order
        if order is not None and order.subtotal >= Decimal("50"):
            item.parts.append(
                earning.Part(
                    f"campaign:{ids['campaign']}",
                    100,
                    "campaign",
                    earning.ORIGIN_CAMPAIGN,
                    ids["campaign"],
                    "Black Friday",
                )
            )


@pytest.fixture
async def steps(shop) -> AsyncIterator[None]:
    from loyalnest.contexts.earning import pipeline

    async with unit_of_work() as uow:
        tier = await tiers.create_tier(
            uow,
            merchant_id=shop.id,
            actor="test",
            data=tiers.TierInput(names=[("en", "Gold")], default_locale="en", threshold=Decimal(10**9)),
        )
        campaign = await campaigns.create_campaign(
            uow,
            merchant_id=shop.id,
            actor="test",
            data=campaigns.CampaignInput(name="Black Friday", effect="order_bonus", bonus_points=100),
        )
    ids.update(tier=tier.id, campaign=campaign.id)

    saved = dict(pipeline._steps)
    pipeline._steps.clear()
    earning.pipeline_step("tests.tier", order=100)(_tier)
    earning.pipeline_step("tests.campaign", order=200)(_campaign)
    try:
        yield
    finally:
        pipeline._steps.clear()
        pipeline._steps.update(saved)


@pytest.fixture
async def customer(shop, drain) -> str:
    await shop.webhook(
        "orders/create", payloads.order(880001, subtotal="10.00", customer_body=payloads.customer(8801))
    )
    await drain()
    return await customer_gid(shop, 8801)


async def _ledger_count(shop) -> int:
    [row] = await rows("select count(*) as n from points_ledger where merchant_id = :m", m=shop.id)
    return int(row["n"])


async def test_simulate_earning_gives_the_breakdown_and_writes_nothing(shop, customer, steps):
    before = await _ledger_count(shop)
    order = {
        "customerId": customer,
        "subtotal": "80.00",
        "lines": [{"productId": "1", "quantity": 2, "price": "40"}],
    }
    result = await shop.gql(SIMULATE, {"o": order})
    assert "errors" not in result, result
    assert result["data"]["simulateEarning"] == {
        "basePoints": 80,
        "totalPoints": 80 + 40 + 100,
        "pendingDays": 0,
        "parts": [
            {
                "points": 40,
                "origin": "TIER",
                "originId": encode_id("Tier", ids["tier"]),
                "label": "Gold x1.50",
            },
            {
                "points": 100,
                "origin": "CAMPAIGN",
                "originId": encode_id("Campaign", ids["campaign"]),
                "label": "Black Friday",
            },
        ],
    }
    # a guest: no tier; under the campaign's minimum: no campaign
    guest = await shop.gql(SIMULATE, {"o": {"subtotal": "20.00"}})
    assert guest["data"]["simulateEarning"] == {
        "basePoints": 20,
        "totalPoints": 20,
        "pendingDays": 0,
        "parts": [],
    }
    assert await _ledger_count(shop) == before


@pytest.mark.parametrize(
    "order",
    [
        {"subtotal": "-1"},
        {"subtotal": "1000000000"},
        {"subtotal": "10", "lines": [{"quantity": 0, "price": "1"}]},
        {"subtotal": "10", "lines": [{"productId": "not-a-product", "price": "1"}]},
    ],
)
async def test_bad_input_is_refused(shop, customer, steps, order):
    result = await shop.gql(SIMULATE, {"o": order})
    assert result["data"]["simulateEarning"] is None
    assert error_codes(result) == ["BAD_USER_INPUT"]


async def test_another_shops_customer_is_not_found(shop, make_shop, customer, steps):
    other = await make_shop()
    result = await other.gql(SIMULATE, {"o": {"customerId": customer, "subtotal": "80.00"}})
    assert result["data"]["simulateEarning"] is None
    assert error_codes(result) == ["NOT_FOUND"]
    # nothing about the customer leaks: the same answer as an id that never existed
    missing = await other.gql(SIMULATE, {"o": {"customerId": encode_id("Customer", 10**12), "subtotal": "1"}})
    assert missing["errors"][0]["message"] == result["errors"][0]["message"]


async def test_simulate_earning_is_for_staff(shop, customer, steps, proxy):
    refused_roots(await proxy(shop, 8801, SIMULATE, {"o": {"subtotal": "10"}}))


async def test_a_customer_sees_what_a_cart_would_earn(shop, customer, steps, proxy):
    result = await proxy(shop, 8801, ESTIMATE, {"s": "60.00"})
    assert "errors" not in result, result
    assert result["data"]["me"]["estimateEarning"] == {
        "basePoints": 60,
        "totalPoints": 60 + 30 + 100,
        "parts": [
            {"points": 30, "origin": "TIER", "label": "Gold x1.50"},
            {"points": 100, "origin": "CAMPAIGN", "label": "Black Friday"},
        ],
    }
    bad = await proxy(shop, 8801, ESTIMATE, {"s": "-5"})
    assert error_codes(bad) == ["BAD_USER_INPUT"]


async def test_a_customer_we_have_not_seen_gets_the_estimate_without_a_tier(shop, steps, proxy):
    result = await proxy(shop, 8899, ESTIMATE, {"s": "60.00"})
    assert "errors" not in result, result
    assert result["data"]["me"]["estimateEarning"]["totalPoints"] == 160


async def test_ledger_rows_say_where_their_points_came_from(shop, drain, steps):
    await shop.webhook(
        "orders/create", payloads.order(880002, subtotal="60.00", customer_body=payloads.customer(8802))
    )
    await drain()
    gid = await customer_gid(shop, 8802)
    result = await shop.gql(
        "query ($id: ID!) { customer(id: $id) {"
        " transactions(first: 10) { nodes { delta kind origin originId label } } } }",
        {"id": gid},
    )
    assert "errors" not in result, result
    assert result["data"]["customer"]["transactions"]["nodes"] == [
        # newest first
        {
            "delta": 100,
            "kind": "CAMPAIGN",
            "origin": "CAMPAIGN",
            "originId": encode_id("Campaign", ids["campaign"]),
            "label": "Black Friday",
        },
        {
            "delta": 30,
            "kind": "TIER_BONUS",
            "origin": "TIER",
            "originId": encode_id("Tier", ids["tier"]),
            "label": "Gold x1.50",
        },
        {"delta": 60, "kind": "EARN", "origin": "RULE", "originId": None, "label": None},
    ]
