"""The wall between shops: a staff token of shop A never reads or changes shop B's
customers, whatever id, search or cursor it sends."""

from __future__ import annotations

import base64

import pytest

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.points import api as points
from tests import payloads
from tests.graphql.conftest import (
    adjust,
    balance_of,
    customer_gid,
    ws_session,
)

FULL_CUSTOMER = """
query ($id: ID!) { customer(id: $id) {
  id shopifyId email pointsBalance lifetimePoints transactions(first: 10) { nodes { id delta } } } }
"""


def local_id(gid: str) -> int:
    raw = base64.urlsafe_b64decode(gid + "=" * (-len(gid) % 4)).decode()
    type_name, _, number = raw.partition(":")
    assert type_name == "Customer"
    return int(number)


@pytest.fixture
async def two_shops(make_shop, drain):
    a, b = await make_shop(), await make_shop()
    await a.webhook(
        "orders/create", payloads.order(1, subtotal="10.00", customer_body=payloads.customer(800))
    )
    await b.webhook(
        "orders/create",
        payloads.order(
            2, subtotal="100.00", customer_body=payloads.customer(900, email="bob@example.com", tags="vip")
        ),
    )
    # the same Shopify customer id in both shops is two different customers
    await a.webhook("orders/create", payloads.order(3, subtotal="3.00", customer_body=payloads.customer(555)))
    await b.webhook("orders/create", payloads.order(4, subtotal="5.00", customer_body=payloads.customer(555)))
    await drain()
    return a, b, await customer_gid(b, 900)


def forged_ids(gid: str) -> list[str]:
    n = local_id(gid)
    return [
        gid,
        base64.b64encode(f"Customer:{n}".encode()).decode(),  # padded, standard alphabet
        base64.urlsafe_b64encode(f"Customer:0{n}".encode()).decode().rstrip("="),  # leading zero
    ]


async def test_customer_by_id_of_another_shop_is_null(two_shops):
    a, b, b_customer = two_shops
    own = await customer_gid(a, 800)
    for forged in forged_ids(b_customer):
        result = await a.gql(FULL_CUSTOMER, {"id": forged})
        assert result == {"data": {"customer": None}}, forged
    # batched in one DataLoader call with A's own customer: still only A's comes back
    both = await a.gql(
        "query ($a: ID!, $b: ID!) {"
        " mine: customer(id: $a) { shopifyId } theirs: customer(id: $b) { shopifyId } }",
        {"a": own, "b": b_customer},
    )
    assert both == {"data": {"mine": {"shopifyId": "800"}, "theirs": None}}
    # B's staff does see it (the id is real)
    seen = await b.gql(FULL_CUSTOMER, {"id": b_customer})
    assert seen["data"]["customer"]["pointsBalance"] == 100


async def test_customer_by_shopify_id_stays_in_the_shop(two_shops):
    a, b, _ = two_shops
    query = "query ($s: ID!) { customerByShopifyId(shopifyId: $s) { id pointsBalance } }"
    assert await a.gql(query, {"s": "900"}) == {"data": {"customerByShopifyId": None}}
    mine = (await a.gql(query, {"s": "555"}))["data"]["customerByShopifyId"]
    theirs = (await b.gql(query, {"s": "555"}))["data"]["customerByShopifyId"]
    assert mine["pointsBalance"] == 3
    assert theirs["pointsBalance"] == 5
    assert mine["id"] != theirs["id"]


@pytest.mark.parametrize("search", [None, "bob@example.com", "900", "vip", "555"])
async def test_customer_listing_and_search_stay_in_the_shop(two_shops, search):
    a, b, _ = two_shops
    query = "query ($s: String) { customers(first: 100, search: $s) { nodes { shopifyId pointsBalance } } }"
    seen_by_a = (await a.gql(query, {"s": search}))["data"]["customers"]["nodes"]
    seen_by_b = (await b.gql(query, {"s": search}))["data"]["customers"]["nodes"]
    expected_a = {None: [("800", 10), ("555", 3)], "555": [("555", 3)]}.get(search, [])
    expected_b = {
        None: [("900", 100), ("555", 5)],
        "bob@example.com": [("900", 100)],
        "900": [("900", 100)],
        "vip": [("900", 100)],
        "555": [("555", 5)],
    }[search]
    # the worker may have stored the customers in any order
    assert sorted((n["shopifyId"], n["pointsBalance"]) for n in seen_by_a) == sorted(expected_a)
    assert sorted((n["shopifyId"], n["pointsBalance"]) for n in seen_by_b) == sorted(expected_b)


async def test_cursor_from_another_shop_reveals_nothing(two_shops):
    a, b, b_customer = two_shops
    b_page = (await b.gql("{ customers(first: 1) { pageInfo { endCursor } } }"))["data"]["customers"]
    result = await a.gql(
        "query ($c: String) { customers(first: 100, after: $c) { nodes { shopifyId } } }",
        {"c": b_page["pageInfo"]["endCursor"]},
    )
    assert {n["shopifyId"] for n in result["data"]["customers"]["nodes"]} <= {"800", "555"}

    # a ledger cursor of B's customer used on A's customer pages A's ledger only
    b_tx = await b.gql(
        "query ($id: ID!) { customer(id: $id) { transactions(first: 1) { pageInfo { endCursor } } } }",
        {"id": b_customer},
    )
    cursor = b_tx["data"]["customer"]["transactions"]["pageInfo"]["endCursor"]
    own = await customer_gid(a, 800)
    mine = await a.gql(
        "query ($id: ID!, $c: String) { customer(id: $id) {"
        " transactions(first: 10, after: $c) { nodes { delta } } } }",
        {"id": own, "c": cursor},
    )
    assert all(n["delta"] == 10 for n in mine["data"]["customer"]["transactions"]["nodes"])


async def test_adjust_points_on_another_shops_customer_is_not_found(two_shops):
    a, b, b_customer = two_shops
    for forged in forged_ids(b_customer):
        for delta in (500, -50):
            result = await adjust(a, forged, delta, key=f"k{delta}")
            payload = result["data"]["adjustPoints"]
            assert payload["transaction"] is None
            assert payload["customer"] is None
            assert payload["userErrors"] == [
                {"field": ["customerId"], "message": "customer not found", "code": "NOT_FOUND"}
            ]
    assert await balance_of(b, b_customer) == (100, 100, 1)
    assert await audit.list_recent(a.id) == []
    assert await audit.list_recent(b.id) == []


async def test_subscription_to_another_shops_customer_is_refused(two_shops, server):
    a, _, b_customer = two_shops
    async with ws_session(server, {"Authorization": f"Bearer {a.token()}"}) as ws:
        op = await ws.subscribe(
            "subscription ($id: ID!) { pointsBalanceChanged(customerId: $id) { pointsBalance } }",
            {"id": b_customer},
        )
        errors = await ws.errors_of(op)
        assert [e["message"] for e in errors] == ["customer not found"]
        assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    # nobody listens on B's channel
    from loyalnest.platform.redis import get_async_redis, key

    channel = key(points.balance_channel(two_shops[1].id, local_id(b_customer)))
    assert dict(await get_async_redis().pubsub_numsub(channel)) == {channel.encode(): 0}


async def test_transactions_of_another_shops_customer_are_unreachable(two_shops):
    a, _, b_customer = two_shops
    result = await a.gql(
        "query ($id: ID!) { customer(id: $id) { transactions(first: 10) { nodes { delta } } } }",
        {"id": b_customer},
    )
    assert result == {"data": {"customer": None}}


async def test_shop_is_the_tokens_shop(two_shops):
    a, b, _ = two_shops
    assert (await a.gql("{ shop { domain } }"))["data"]["shop"]["domain"] == a.domain
    assert (await b.gql("{ shop { domain } }"))["data"]["shop"]["domain"] == b.domain
