"""Staff queries over HTTP: the shop, customers (Relay pagination, exact search), one
customer by id or Shopify id, balances and ledger history, and the DataLoaders that keep
the number of SQL statements constant."""

from __future__ import annotations

import base64

import pytest

from tests import payloads
from tests.graphql.conftest import (
    adjust,
    count_statements,
    create_customers,
    customer_gid,
    only_error,
    refused_roots,
)

PAGE = """
query ($first: Int, $after: String, $search: String) {
  customers(first: $first, after: $after, search: $search) {
    edges { cursor node { shopifyId tags } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

FIVE = [
    {"id": 101, "email": "c1@example.com", "tags": "vip, gold"},
    {"id": 102, "email": "c2@example.com"},
    {"id": 103, "email": "c3@example.com", "tags": "vip"},
    {"id": 104, "email": "c4@example.com", "tags": "golden"},
    {"id": 105, "email": None, "phone": None},
]


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.fixture
async def five(shop, drain):
    await create_customers(shop, drain, FIVE)
    return shop


async def all_pages(shop, first: int, search: str | None = None) -> list[list[str]]:
    pages, after = [], None
    for _ in range(10):
        result = await shop.gql(PAGE, {"first": first, "after": after, "search": search})
        assert "errors" not in result, result
        connection = result["data"]["customers"]
        edges = connection["edges"]
        pages.append([e["node"]["shopifyId"] for e in edges])
        if edges:
            assert connection["pageInfo"]["endCursor"] == edges[-1]["cursor"]
        else:
            assert connection["pageInfo"]["endCursor"] is None
        if not connection["pageInfo"]["hasNextPage"]:
            return pages
        after = connection["pageInfo"]["endCursor"]
    raise AssertionError("pagination never ended")


async def test_shop_and_program_settings(make_shop):
    shop = await make_shop(currency="eur", plan="plus")
    result = await shop.gql(
        "{ shop { domain name currency plan ianaTimezone"
        " programSettings { pointsPerCurrencyUnit rounding earnOnShipping earnOnTax updatedAt } } }"
    )
    assert "errors" not in result, result
    data = result["data"]["shop"]
    settings = data.pop("programSettings")
    assert data == {
        "domain": shop.domain,
        "name": "Test Shop",
        "currency": "EUR",
        "plan": "plus",
        "ianaTimezone": "UTC",
    }
    assert settings.pop("updatedAt")
    assert settings == {
        "pointsPerCurrencyUnit": "1.0000",
        "rounding": "DOWN",
        "earnOnShipping": False,
        "earnOnTax": False,
    }


async def test_customers_pages_of_two_until_the_end(five):
    # oldest first; the worker may have stored the five webhooks in any order
    (everyone,) = await all_pages(five, 100)
    assert sorted(everyone) == ["101", "102", "103", "104", "105"]
    assert await all_pages(five, 2) == [everyone[0:2], everyone[2:4], everyone[4:]]
    assert await all_pages(five, 5) == [everyone]
    assert await all_pages(five, 4) == [everyone[:4], everyone[4:]]
    default = await five.gql("{ customers { nodes { shopifyId } pageInfo { hasNextPage } } }")
    assert len(default["data"]["customers"]["nodes"]) == 5
    assert default["data"]["customers"]["pageInfo"]["hasNextPage"] is False


async def test_customer_fields(five):
    result = await five.gql(
        '{ customers(first: 1, search: "101") { nodes { id shopifyId email firstName lastName phone birthday'
        " acceptsMarketing tags state createdAt pointsBalance lifetimePoints"
        " transactions { nodes { id } } } } }"
    )
    (node,) = result["data"]["customers"]["nodes"]
    assert base64.urlsafe_b64decode(node.pop("id") + "==").decode().startswith("Customer:")
    assert node.pop("createdAt")
    assert node == {
        "shopifyId": "101",
        "email": "c1@example.com",
        "firstName": "Jane",
        "lastName": "Doe",
        "phone": "+15555550100",
        "birthday": None,
        "acceptsMarketing": True,
        "tags": ["gold", "vip"],
        "state": "enabled",
        "pointsBalance": 0,
        "lifetimePoints": 0,
        "transactions": {"nodes": []},
    }


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("c3@example.com", ["103"]),
        ("  C3@Example.COM ", ["103"]),  # emails match however they are cased
        ("nobody@example.com", []),
        ("104", ["104"]),
        ("999", []),
        ("vip", ["101", "103"]),
        ("gold", ["101"]),  # whole tags only: "golden" is another tag
        ("old", []),
        ("", ["101", "102", "103", "104", "105"]),
    ],
)
async def test_customers_search_is_exact(five, search, expected):
    pages = await all_pages(five, 1, search)
    # one match per page, each exactly once, and the last page says there is no more
    assert all(len(page) == 1 for page in pages) if expected else pages == [[]]
    assert sorted(s for page in pages for s in page) == expected


@pytest.mark.parametrize(
    "search",
    [
        "99999999999999999999999",  # digits, but no Shopify id is that large
        "\u00b2\u00b3",  # digits to str.isdigit(), not to int()
        "\u0663",  # an Arabic-Indic digit
        "%",
        "_",
        "vip\\",
    ],
)
async def test_customers_search_oddities_find_nothing(five, search):
    result = await five.gql(PAGE, {"first": 10, "search": search})
    assert result == {
        "data": {"customers": {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}}
    }


@pytest.mark.parametrize("search", ["vip\x00", "a" * 256])
async def test_customers_search_refuses_unusable_input(five, search):
    result = await five.gql(PAGE, {"first": 10, "search": search})
    refused_roots(result)
    error = only_error(result)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "search" in error["message"]


@pytest.mark.parametrize("first", [0, -1, 101, 2**31 - 1])
async def test_page_size_out_of_range_is_a_clear_error(five, first):
    for query in (
        "query ($f: Int) { customers(first: $f) { nodes { id } } }",
        'query ($f: Int) { customers(first: 1, search: "101") {'
        " nodes { transactions(first: $f) { nodes { id } } } } }",
    ):
        result = await five.gql(query, {"f": first})
        error = only_error(result)
        assert error["message"] == "first must be between 1 and 100"
        assert error["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "",
        "!!!",
        b64("cursor:abc"),
        b64("Customer:1"),
        b64("cursor:\u00b2"),
        b64("cursor:-1"),
        "\x00",
    ],
)
async def test_bad_cursor_is_a_clear_error(five, cursor):
    gid = await customer_gid(five, 101)
    for query, variables in (
        ("query ($c: String) { customers(first: 2, after: $c) { nodes { id } } }", {"c": cursor}),
        (
            "query ($id: ID!, $c: String) { customer(id: $id) {"
            " transactions(first: 2, after: $c) { nodes { id } } } }",
            {"id": gid, "c": cursor},
        ),
    ):
        result = await five.gql(query, variables)
        error = only_error(result)
        assert error["message"] == "invalid cursor"
        assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_customer_by_id_and_by_shopify_id(five):
    gid = await customer_gid(five, 102)
    by_id = await five.gql("query ($id: ID!) { customer(id: $id) { id shopifyId email } }", {"id": gid})
    assert by_id == {"data": {"customer": {"id": gid, "shopifyId": "102", "email": "c2@example.com"}}}
    by_shopify = await five.gql('{ customerByShopifyId(shopifyId: "102") { id } }')
    assert by_shopify == {"data": {"customerByShopifyId": {"id": gid}}}


@pytest.mark.parametrize(
    "bad_id",
    [
        "",
        "!!!",
        "Q3VzdG9tZXI6",  # "Customer:"
        b64("PointsTransaction:1"),
        b64("Customer:abc"),
        b64("Customer:\u00b2"),
        b64("Customer:" + "9" * 30),
        b64("Customer:-1"),
        "\x00",
    ],
)
async def test_malformed_customer_ids_are_null(five, bad_id):
    result = await five.gql("query ($id: ID!) { customer(id: $id) { id } }", {"id": bad_id})
    assert result == {"data": {"customer": None}}


@pytest.mark.parametrize("shopify_id", ["", "abc", "-1", "1e3", "\u00b2", "\u0663", "9" * 30, " 102"])
async def test_malformed_shopify_ids_are_null(five, shopify_id):
    result = await five.gql(
        "query ($s: ID!) { customerByShopifyId(shopifyId: $s) { id } }", {"s": shopify_id}
    )
    assert result == {"data": {"customerByShopifyId": None}}


async def test_transactions_are_newest_first_and_page_with_after(shop, drain):
    await shop.webhook(
        "orders/create", payloads.order(70, subtotal="10.00", customer_body=payloads.customer(7))
    )
    await drain()
    gid = await customer_gid(shop, 7)
    for delta in (1, 2, 3, 4):
        assert (await adjust(shop, gid, delta))["data"]["adjustPoints"]["userErrors"] == []

    query = """
    query ($id: ID!, $after: String) { customer(id: $id) { pointsBalance lifetimePoints
      transactions(first: 2, after: $after) { edges { cursor node { id delta kind balanceAfter } }
        pageInfo { hasNextPage endCursor } } } }
    """
    pages, after = [], None
    while True:
        customer = (await shop.gql(query, {"id": gid, "after": after}))["data"]["customer"]
        assert (customer["pointsBalance"], customer["lifetimePoints"]) == (20, 20)
        connection = customer["transactions"]
        pages.append(
            [(e["node"]["delta"], e["node"]["kind"], e["node"]["balanceAfter"]) for e in connection["edges"]]
        )
        assert connection["pageInfo"]["endCursor"] == connection["edges"][-1]["cursor"]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
        assert len(pages) < 5
    assert pages == [
        [(4, "ADJUST", 20), (3, "ADJUST", 16)],
        [(2, "ADJUST", 13), (1, "ADJUST", 11)],
        [(10, "EARN", 10)],
    ]


DASHBOARD = """
{ customers(first: 20) { edges { node {
  pointsBalance lifetimePoints transactions(first: 10) { nodes { delta } } } } } }
"""


async def _dashboard_statements(shop, drain, customers: int) -> tuple[int, list]:
    for i in range(customers):
        order = payloads.order(5000 + i, subtotal=f"{i + 1}.00", customer_body=payloads.customer(3000 + i))
        assert (await shop.webhook("orders/create", order)).status_code == 200
    await drain()
    await shop.gql("{ shop { domain } }")  # the shop is now in the per-process cache
    with count_statements() as statements:
        result = await shop.gql(DASHBOARD)
    nodes = [e["node"] for e in result["data"]["customers"]["edges"]]
    assert "errors" not in result, result
    assert len(nodes) == customers
    assert sorted(n["pointsBalance"] for n in nodes) == list(range(1, customers + 1))
    assert all(n["transactions"]["nodes"] == [{"delta": n["pointsBalance"]}] for n in nodes)
    return len(statements), statements


async def test_dashboard_query_count_is_constant(make_shop, drain):
    many, statements = await _dashboard_statements(await make_shop(), drain, 20)
    few, _ = await _dashboard_statements(await make_shop(), drain, 3)
    # customers page, points accounts, first ledger page: one statement each (every
    # statement counted, the DataLoaders' raw asyncpg ones included)
    assert many == 3, statements
    assert many == few, statements


async def test_a_pii_value_under_a_retired_key_fails_only_its_own_field(shop, drain):
    from sqlalchemy import text

    from loyalnest.platform.crypto import Keyring
    from loyalnest.platform.db import read_session

    await shop.webhook(
        "orders/create", payloads.order(9, subtotal="30.00", customer_body=payloads.customer(909))
    )
    await drain()
    gone = Keyring.from_config("gone1:" + base64.b64encode(b"g" * 32).decode(), shop.settings.blind_index_key)
    async with read_session() as session, session.begin():
        await session.execute(
            text("UPDATE customers SET phone_enc = :p WHERE merchant_id = :m"),
            {"p": gone.encrypt("+15550000000", context=b"customers.phone"), "m": shop.id},
        )
    result = await shop.gql(
        '{ customerByShopifyId(shopifyId: "909") { shopifyId email phone pointsBalance } }'
    )
    customer = result["data"]["customerByShopifyId"]
    assert customer["shopifyId"] == "909"
    assert customer["email"] is not None
    assert customer["phone"] is None
    assert customer["pointsBalance"] == 30
    assert [e["path"] for e in result["errors"]] == [["customerByShopifyId", "phone"]]
    # a query that does not ask for the broken value never touches it
    quiet = await shop.gql('{ customerByShopifyId(shopifyId: "909") { shopifyId pointsBalance } }')
    assert "errors" not in quiet
