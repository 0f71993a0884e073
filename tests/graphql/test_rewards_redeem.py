"""Redemption through the API: the storefront customer (app proxy) redeems for
themself, staff redeem for a customer (/graphql); codes are shown to their owner and to
staff who serve customers; concurrent requests never spend what is not there."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from loyalnest.graphql.core.ids import encode_id
from loyalnest.platform.timeutil import utcnow
from tests import payloads
from tests.contexts.rewards import support
from tests.graphql.conftest import only_error, post_proxy, proxy_params, refused_roots

REDEEM = """
mutation ($reward: ID!, $customer: ID) {
  redeemReward(rewardId: $reward, customerId: $customer) {
    redemption { id status code pointsSpent title kind value expiresAt pointsReturned redeemedByStaff
                 shopifyDiscountId reward { id title } }
    pointsBalance
    userErrors { field message code }
  }
}
"""
ME = """
{ me { pointsBalance
  rewards(first: 20) { nodes { id title(locale: "fr") pointsCost affordable pointsShort remainingUses } }
  redemptions(first: 10) { nodes { id status code pointsSpent shopifyOrderId } } } }
"""
CUSTOMER_REDEMPTIONS = """
query ($id: ID!) { customer(id: $id) { pointsBalance redemptions(first: 10) {
  nodes { id status code pointsSpent redeemedByStaff } pageInfo { hasNextPage endCursor } } } }
"""
CREATE = """
mutation ($input: RewardInput!) { createReward(input: $input) { reward { id } userErrors { code } } }
"""


@pytest.fixture
def fake(broker):
    with support.admin_fake() as fake:
        yield fake


@pytest.fixture
async def shop(make_shop, fake):
    shop = await make_shop()
    await support.connect_shop(shop, fake)
    return shop


async def reward(shop, cost: int, **fields) -> str:
    data = {
        "kind": "FIXED_AMOUNT",
        "value": "5",
        "pointsCost": cost,
        "titles": [{"locale": "en", "title": f"{cost} points off"}, {"locale": "fr", "title": f"{cost} pts"}],
        "defaultLocale": "en",
        **fields,
    }
    result = await shop.gql(CREATE, {"input": data})
    assert result["data"]["createReward"]["userErrors"] == [], result
    return result["data"]["createReward"]["reward"]["id"]


async def test_a_storefront_customer_sees_what_they_can_afford_and_redeems(shop, fake, proxy):
    await support.customer_with_points(shop.id, 7001, 250)
    cheap = await reward(shop, 100, usageLimitPerCustomer=2)
    dear = await reward(shop, 400)
    archived = await reward(shop, 10)
    await shop.gql("mutation ($id: ID!) { archiveReward(id: $id) { userErrors { code } } }", {"id": archived})
    await reward(shop, 20, startsAt=(utcnow() + timedelta(days=1)).isoformat())  # not yet

    before = (await proxy(shop, 7001, ME))["data"]["me"]
    assert before["rewards"]["nodes"] == [
        {
            "id": cheap,
            "title": "100 pts",
            "pointsCost": 100,
            "affordable": True,
            "pointsShort": 0,
            "remainingUses": 2,
        },
        {
            "id": dear,
            "title": "400 pts",
            "pointsCost": 400,
            "affordable": False,
            "pointsShort": 150,
            "remainingUses": None,
        },
    ]

    result = await proxy(shop, 7001, REDEEM, {"reward": cheap})
    payload = result["data"]["redeemReward"]
    assert payload["userErrors"] == []
    redemption = payload["redemption"]
    assert (redemption["status"], redemption["pointsSpent"], payload["pointsBalance"]) == ("ISSUED", 100, 150)
    assert (redemption["kind"], redemption["value"], redemption["title"]) == (
        "FIXED_AMOUNT",
        "5.00",
        "100 points off",
    )
    assert redemption["redeemedByStaff"] is False
    assert redemption["reward"] == {"id": cheap, "title": "100 points off"}
    assert fake.discount(shop.domain, redemption["code"]).gid == redemption["shopifyDiscountId"]

    after = (await proxy(shop, 7001, ME))["data"]["me"]
    assert after["pointsBalance"] == 150
    assert [
        (n["id"], n["affordable"], n["pointsShort"], n["remainingUses"]) for n in after["rewards"]["nodes"]
    ] == [
        (cheap, True, 0, 1),
        (dear, False, 250, None),
    ]
    assert after["redemptions"]["nodes"] == [
        {
            "id": redemption["id"],
            "status": "ISSUED",
            "code": redemption["code"],
            "pointsSpent": 100,
            "shopifyOrderId": None,
        }
    ]


async def test_refusals_are_user_errors_that_change_nothing(shop, fake, proxy):
    own = await support.customer_with_points(shop.id, 7002, 50)
    other = await support.customer_with_points(shop.id, 7003, 5000)
    dear = await reward(shop, 100)
    cases = [
        (7002, {"reward": dear}, ["rewardId"], "INSUFFICIENT_POINTS"),
        (7002, {"reward": encode_id("Reward", 999_999_999)}, ["rewardId"], "NOT_FOUND"),
        (7002, {"reward": "garbage"}, ["rewardId"], "NOT_FOUND"),
        # a storefront customer cannot redeem for anyone else, not even by naming themself
        (7002, {"reward": dear, "customer": encode_id("Customer", other)}, ["customerId"], "FORBIDDEN"),
        (7002, {"reward": dear, "customer": encode_id("Customer", own)}, ["customerId"], "FORBIDDEN"),
        (7999, {"reward": dear}, None, "NOT_FOUND"),  # not enrolled
    ]
    for shopify_id, variables, field, code in cases:
        result = await proxy(shop, shopify_id, REDEEM, variables)
        payload = result["data"]["redeemReward"]
        assert (payload["redemption"], payload["pointsBalance"]) == (None, None)
        [error] = payload["userErrors"]
        assert (error["field"], error["code"]) == (field, code), (variables, error)
    assert await support.balance(shop.id, own) == 50
    assert await support.balance(shop.id, other) == 5000
    assert await support.redemption_rows(shop.id) == []
    assert fake.requests(shop.domain) == []


async def test_staff_redeem_for_a_customer_and_see_the_code(shop, fake):
    customer = await support.customer_with_points(shop.id, 7004, 300)
    gid = encode_id("Customer", customer)
    offer = await reward(shop, 120)

    missing = await shop.gql(REDEEM, {"reward": offer})
    assert missing["data"]["redeemReward"]["userErrors"] == [
        {"field": ["customerId"], "message": "staff must name the customer (customerId)", "code": "INVALID"}
    ]
    unknown = await shop.gql(REDEEM, {"reward": offer, "customer": encode_id("Customer", 999_999_999)})
    assert unknown["data"]["redeemReward"]["userErrors"][0]["code"] == "NOT_FOUND"

    done = (await shop.gql(REDEEM, {"reward": offer, "customer": gid}))["data"]["redeemReward"]
    assert done["userErrors"] == []
    assert (done["redemption"]["status"], done["redemption"]["redeemedByStaff"], done["pointsBalance"]) == (
        "ISSUED",
        True,
        180,
    )
    assert "reward.redeemed" in await support.audit_actions(shop.id)

    listed = (await shop.gql(CUSTOMER_REDEMPTIONS, {"id": gid}))["data"]["customer"]
    assert listed["pointsBalance"] == 180
    assert listed["redemptions"]["nodes"] == [
        {
            "id": done["redemption"]["id"],
            "status": "ISSUED",
            "code": done["redemption"]["code"],
            "pointsSpent": 120,
            "redeemedByStaff": True,
        }
    ]


async def test_redeeming_needs_a_principal(shop, http):
    anonymous = await http.post("/graphql", json={"query": REDEEM, "variables": {"reward": "x"}})
    assert anonymous.status_code == 401  # refused before the document is parsed
    assert only_error(anonymous.json())["extensions"]["code"] == "UNAUTHENTICATED"
    expired = shop.token(ttl_seconds=60, now=0)
    refused = await http.post(
        "/graphql",
        json={"query": REDEEM, "variables": {"reward": "x"}},
        headers={"Authorization": f"Bearer {expired}"},
    )
    assert refused.status_code == 401  # App Bridge retries with a fresh token
    assert only_error(refused.json())["message"] == "session token expired"


async def test_codes_are_pii_for_staff_roles(shop, fake):
    customer = await support.customer_with_points(shop.id, 7005, 300)
    gid = encode_id("Customer", customer)
    offer = await reward(shop, 100)
    support_token = shop.token(roles=["admin:support"])
    analyst = shop.token(roles=["admin:analytics"])

    by_support = await shop.gql(REDEEM, {"reward": offer, "customer": gid}, token=support_token)
    code = by_support["data"]["redeemReward"]["redemption"]["code"]
    assert code.startswith("LN-")

    refused = await shop.gql(REDEEM, {"reward": offer, "customer": gid}, token=analyst)
    refused_roots(refused)
    assert only_error(refused)["extensions"]["code"] == "FORBIDDEN"

    seen = await shop.gql(CUSTOMER_REDEMPTIONS, {"id": gid}, token=analyst)
    assert seen["data"]["customer"]["redemptions"]["nodes"][0]["code"] is None
    assert {e["extensions"]["code"] for e in seen["errors"]} == {"FORBIDDEN"}
    assert seen["errors"][0]["path"][-1] == "code"
    with_points_role = await shop.gql(
        CUSTOMER_REDEMPTIONS, {"id": gid}, token=shop.token(roles=["admin:points"])
    )
    assert with_points_role["data"]["customer"]["redemptions"]["nodes"][0]["code"] == code
    assert await support.balance(shop.id, customer) == 200


async def test_a_refused_code_comes_back_failed_with_the_points(shop, fake, proxy):
    await support.customer_with_points(shop.id, 7006, 300)
    offer = await reward(shop, 100)
    fake.fail_next_mutation(message="Discount limit reached for this shop", shop=shop.domain)

    payload = (await proxy(shop, 7006, REDEEM, {"reward": offer}))["data"]["redeemReward"]

    assert payload["pointsBalance"] == 300
    assert (payload["redemption"]["status"], payload["redemption"]["pointsReturned"]) == ("FAILED", True)
    assert payload["redemption"]["code"] is None  # no code exists
    [error] = payload["userErrors"]
    assert error["code"] == "DISCOUNT_CODE_FAILED"
    assert "Discount limit reached" in error["message"]


async def test_concurrent_requests_spend_exactly_the_balance(shop, fake, http, settings):
    customer = await support.customer_with_points(shop.id, 7007, 500)
    offer = await reward(shop, 45)  # 11 fit, 5 points left

    async def redeem() -> dict:
        params = proxy_params(settings, shop.domain, 7007)
        return (await post_proxy(http, params, REDEEM, {"reward": offer}))["data"]["redeemReward"]

    results = await asyncio.gather(*(redeem() for _ in range(40)))

    issued = [r for r in results if not r["userErrors"]]
    assert len(issued) == 11
    assert Counter(e["code"] for r in results for e in r["userErrors"]) == {"INSUFFICIENT_POINTS": 29}
    assert len({r["redemption"]["code"] for r in issued}) == 11
    assert min(r["pointsBalance"] for r in issued) == 5
    assert await support.balance(shop.id, customer) == 5
    assert len(fake.discounts(shop.domain)) == 11


async def test_an_order_using_the_code_shows_it_fulfilled(shop, fake, proxy, drain):
    await support.customer_with_points(shop.id, 7008, 300)
    offer = await reward(shop, 100)
    code = (await proxy(shop, 7008, REDEEM, {"reward": offer}))["data"]["redeemReward"]["redemption"]["code"]
    fake.mark_code_used(shop.domain, code)  # the checkout
    order = payloads.order(
        990001, subtotal="40.00", customer_body=payloads.customer(7008), discount_codes=[code]
    )
    assert (await shop.webhook("orders/create", order)).status_code == 200
    await drain()

    me = (await proxy(shop, 7008, ME))["data"]["me"]
    [node] = me["redemptions"]["nodes"]
    assert (node["status"], node["code"], node["shopifyOrderId"]) == ("FULFILLED", code, "990001")
    assert me["pointsBalance"] == 200 + 40


@pytest.mark.parametrize(
    ("fields", "typename"),
    [
        ({"kind": "FIXED_AMOUNT", "value": "7.5"}, "DiscountCodeBasic"),
        ({"kind": "PERCENTAGE", "value": "20"}, "DiscountCodeBasic"),
        ({"kind": "FREE_SHIPPING", "value": None}, "DiscountCodeFreeShipping"),
        (
            {"kind": "FREE_PRODUCT", "value": None, "productVariantId": "gid://shopify/ProductVariant/31"},
            "DiscountCodeBasic",
        ),
    ],
)
async def test_every_kind_of_reward_gets_a_working_code(shop, fake, proxy, fields, typename):
    await support.customer_with_points(shop.id, 7009, 100)
    offer = await reward(shop, 100, **fields)

    payload = (await proxy(shop, 7009, REDEEM, {"reward": offer}))["data"]["redeemReward"]

    assert payload["userErrors"] == []
    redemption = payload["redemption"]
    assert (redemption["status"], redemption["kind"], payload["pointsBalance"]) == (
        "ISSUED",
        fields["kind"],
        0,
    )
    discount = fake.discount(shop.domain, redemption["code"])
    assert (discount.typename, discount.gid) == (typename, redemption["shopifyDiscountId"])
    assert discount.input["context"] == {"customers": {"add": ["gid://shopify/Customer/7009"]}}
    # the checkout works: the fake counts a use of the code
    assert fake.mark_code_used(shop.domain, redemption["code"]).usage_count == 1
