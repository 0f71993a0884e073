"""The wall between shops for every earning field: shop A's staff token reads and
changes only A's rules, secret, customers and birthdays; a storefront customer only
their own."""

from __future__ import annotations

import pytest

from loyalnest.contexts.audit import api as audit
from tests import payloads
from tests.graphql.conftest import balance_of, customer_gid
from tests.graphql.test_earning import AWARD, RULES, SET_BIRTHDAY, SET_MY_BIRTHDAY, update
from tests.graphql.test_tenancy import forged_ids


@pytest.fixture
async def two_shops(make_shop, drain):
    a, b = await make_shop(shipped_program=True), await make_shop(shipped_program=True)
    # the same Shopify customer id in both shops is two customers
    for shop, subtotal in ((a, "1.00"), (b, "2.00")):
        await shop.webhook(
            "orders/create", payloads.order(1, subtotal=subtotal, customer_body=payloads.customer(500))
        )
    await drain()
    return a, b, await customer_gid(b, 500)


async def _rule_points(shop) -> dict[str, int | None]:
    result = await shop.gql(RULES)
    return {r["trigger"]: r["points"] for r in result["data"]["earningRules"]}


async def test_rules_are_per_shop(two_shops):
    a, b, _ = two_shops
    await update(a, "SIGNUP", points=999)
    await update(a, "PURCHASE", purchase={"pointsPerCurrencyUnit": "3"})
    assert (await _rule_points(a))["SIGNUP"] == 999
    assert (await _rule_points(b))["SIGNUP"] == 200
    b_rules = (await b.gql(RULES))["data"]["earningRules"]
    assert b_rules[0]["purchase"]["pointsPerCurrencyUnit"] == "10.0000"
    assert await audit.list_recent(b.id) == []


async def test_review_webhook_secrets_are_per_shop(two_shops):
    a, b, _ = two_shops
    query = "{ reviewWebhook { secret endpoints { path } } }"
    seen_a = (await a.gql(query))["data"]["reviewWebhook"]
    seen_b = (await b.gql(query))["data"]["reviewWebhook"]
    assert seen_a["secret"] != seen_b["secret"]
    assert all(a.domain in e["path"] for e in seen_a["endpoints"])
    await a.gql("mutation { rotateReviewWebhookSecret { userErrors { code } } }")
    assert (await b.gql(query))["data"]["reviewWebhook"]["secret"] == seen_b["secret"]


async def test_award_points_cannot_reach_another_shops_customer(two_shops):
    a, b, b_customer = two_shops
    await update(a, "CUSTOM", enabled=True)
    for forged in forged_ids(b_customer):
        payload = (await a.gql(AWARD, {"c": forged, "p": 500, "r": "steal", "k": forged}))["data"][
            "awardPoints"
        ]
        assert payload["userErrors"] == [
            {"field": ["customerId"], "message": "customer not found", "code": "NOT_FOUND"}
        ]
    assert await balance_of(b, b_customer) == (20, 20, 1)


async def test_award_keys_of_two_shops_never_collide(two_shops):
    a, b, b_customer = two_shops
    a_customer = await customer_gid(a, 500)
    for shop, gid in ((a, a_customer), (b, b_customer)):
        await update(shop, "CUSTOM", enabled=True)
        payload = (await shop.gql(AWARD, {"c": gid, "p": 7, "r": "same", "k": "same-key"}))["data"][
            "awardPoints"
        ]
        assert payload["userErrors"] == []
    assert await balance_of(a, a_customer) == (17, 17, 2)
    assert await balance_of(b, b_customer) == (27, 27, 2)


async def test_set_customer_birthday_cannot_reach_another_shops_customer(two_shops):
    a, b, b_customer = two_shops
    for forged in forged_ids(b_customer):
        payload = (await a.gql(SET_BIRTHDAY, {"c": forged, "b": "1980-01-01"}))["data"]["setCustomerBirthday"]
        assert payload["userErrors"][0]["code"] == "NOT_FOUND"
    seen = await b.gql("query ($id: ID!) { customer(id: $id) { birthday } }", {"id": b_customer})
    assert seen["data"]["customer"]["birthday"] is None
    assert await audit.list_recent(a.id) == []


async def test_a_storefront_customer_sets_and_reads_only_their_own_birthday(two_shops, proxy):
    a, b, b_customer = two_shops
    payload = (await proxy(a, 500, SET_MY_BIRTHDAY, {"b": "1985-05-05"}))["data"]["setMyBirthday"]
    assert payload["userErrors"] == []
    assert (await proxy(a, 500, "{ me { birthday } }"))["data"]["me"]["birthday"] == "1985-05-05"
    # the same Shopify id in shop B is someone else
    assert (await proxy(b, 500, "{ me { birthday } }"))["data"]["me"]["birthday"] is None
    seen = await b.gql("query ($id: ID!) { customer(id: $id) { birthday } }", {"id": b_customer})
    assert seen["data"]["customer"]["birthday"] is None


async def test_ways_to_earn_are_the_shops_own(two_shops, proxy):
    a, b, _ = two_shops
    await update(a, "NEWSLETTER", enabled=False, points=5)
    query = "{ me { waysToEarn { trigger enabled points } } }"
    ways_a = {w["trigger"]: w for w in (await proxy(a, 500, query))["data"]["me"]["waysToEarn"]}
    ways_b = {w["trigger"]: w for w in (await proxy(b, 500, query))["data"]["me"]["waysToEarn"]}
    assert ways_a["NEWSLETTER"] == {"trigger": "NEWSLETTER", "enabled": False, "points": 5}
    assert ways_b["NEWSLETTER"] == {"trigger": "NEWSLETTER", "enabled": True, "points": 100}
