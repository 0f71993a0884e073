"""The wall between shops, for rewards: shop A's staff token cannot read, change,
archive or redeem shop B's rewards, nor read B's redemptions; a storefront customer
cannot redeem another shop's reward or for another customer."""

from __future__ import annotations

import pytest

from loyalnest.graphql.core.ids import encode_id
from tests.contexts.rewards import support

READ = """
query ($id: ID!) {
  reward(id: $id) { id pointsCost } rewards(first: 50, includeArchived: true) { nodes { id } }
}
"""
UPDATE = """
mutation ($id: ID!) {
  updateReward(id: $id, input: {pointsCost: 1}) { reward { id } userErrors { field code } }
}
"""
ARCHIVE = "mutation ($id: ID!) { archiveReward(id: $id) { reward { id } userErrors { field code } } }"
REDEEM = """
mutation ($reward: ID!, $customer: ID) {
  redeemReward(rewardId: $reward, customerId: $customer) { redemption { id code } userErrors { field code } }
}
"""
REDEMPTIONS = "query ($id: ID!) { customer(id: $id) { redemptions(first: 10) { nodes { id code } } } }"
ME = "{ me { rewards(first: 50) { nodes { id } } redemptions(first: 10) { nodes { id code } } } }"


@pytest.fixture
def fake(broker):
    with support.admin_fake() as fake:
        yield fake


@pytest.fixture
async def two_shops(make_shop, fake):
    a, b = await make_shop(), await make_shop()
    for shop in (a, b):
        await support.connect_shop(shop, fake)
    # the same Shopify customer id in both shops: two different customers
    a_customer = await support.customer_with_points(a.id, 8001, 1000)
    b_customer = await support.customer_with_points(b.id, 8001, 1000)
    a_reward = await support.make_reward(a.id, points_cost=100)
    b_reward = await support.make_reward(b.id, points_cost=100)
    b_redemption = await support.make_reward(b.id, points_cost=50)
    from loyalnest.contexts.rewards import api as rewards

    redeemed = await rewards.redeem_reward(
        merchant_id=b.id, customer_id=b_customer, reward_id=b_redemption, actor="customer:b"
    )
    return {
        "a": a,
        "b": b,
        "a_customer": encode_id("Customer", a_customer),
        "b_customer": encode_id("Customer", b_customer),
        "a_reward": encode_id("Reward", a_reward),
        "b_reward": encode_id("Reward", b_reward),
        "b_code": redeemed.redemption.code,
        "b_customer_local": b_customer,
    }


async def test_staff_of_a_cannot_read_or_change_bs_rewards(two_shops):
    a, b, theirs = two_shops["a"], two_shops["b"], two_shops["b_reward"]

    read = await a.gql(READ, {"id": theirs})
    assert read["data"]["reward"] is None
    assert [n["id"] for n in read["data"]["rewards"]["nodes"]] == [two_shops["a_reward"]]
    for mutation, name in ((UPDATE, "updateReward"), (ARCHIVE, "archiveReward")):
        result = await a.gql(mutation, {"id": theirs})
        assert result["data"][name] == {
            "reward": None,
            "userErrors": [{"field": ["id"], "code": "NOT_FOUND"}],
        }

    seen_by_b = await b.gql(READ, {"id": theirs})
    assert seen_by_b["data"]["reward"] == {"id": theirs, "pointsCost": 100}  # unchanged, not archived
    assert await support.audit_actions(a.id) == ["reward.created"]


async def test_staff_of_a_cannot_redeem_across_shops_or_read_bs_redemptions(two_shops, fake):
    a, b = two_shops["a"], two_shops["b"]
    cases = [
        # B's reward for A's customer, A's reward for B's customer, B's reward for B's customer
        ({"reward": two_shops["b_reward"], "customer": two_shops["a_customer"]}, "rewardId"),
        ({"reward": two_shops["a_reward"], "customer": two_shops["b_customer"]}, "customerId"),
        ({"reward": two_shops["b_reward"], "customer": two_shops["b_customer"]}, "customerId"),
    ]
    for variables, field in cases:
        result = await a.gql(REDEEM, variables)
        assert result["data"]["redeemReward"] == {
            "redemption": None,
            "userErrors": [{"field": [field], "code": "NOT_FOUND"}],
        }, variables

    assert (await a.gql(REDEMPTIONS, {"id": two_shops["b_customer"]}))["data"]["customer"] is None
    own = await b.gql(REDEMPTIONS, {"id": two_shops["b_customer"]})
    assert [n["code"] for n in own["data"]["customer"]["redemptions"]["nodes"]] == [two_shops["b_code"]]
    assert await support.balance(b.id, two_shops["b_customer_local"]) == 950
    assert len(await support.redemption_rows(a.id)) == 0
    assert len(fake.discounts(a.domain)) == 0


async def test_a_storefront_customer_stays_in_their_shop(two_shops, proxy):
    a, b = two_shops["a"], two_shops["b"]
    # the same Shopify customer 8001, signed in on A's storefront
    mine = (await proxy(a, 8001, ME))["data"]["me"]
    assert [n["id"] for n in mine["rewards"]["nodes"]] == [two_shops["a_reward"]]
    assert mine["redemptions"]["nodes"] == []  # B's redemption of "8001" is not theirs

    result = await proxy(a, 8001, REDEEM, {"reward": two_shops["b_reward"]})
    assert result["data"]["redeemReward"]["userErrors"] == [{"field": ["rewardId"], "code": "NOT_FOUND"}]
    for customer in (two_shops["b_customer"], two_shops["a_customer"]):
        forbidden = await proxy(a, 8001, REDEEM, {"reward": two_shops["a_reward"], "customer": customer})
        assert forbidden["data"]["redeemReward"]["userErrors"] == [
            {"field": ["customerId"], "code": "FORBIDDEN"}
        ]
    assert await support.redemption_rows(a.id) == []
    assert len(await support.redemption_rows(b.id)) == 1
