"""Relay conventions over HTTP: full PageInfo, paging backwards with last/before on every
connection, totalCount counted only when selected (and batched across customers), the
Node interface with node(id)/nodes(ids) scoped to the caller's shop, and userError codes
as an enum."""

from __future__ import annotations

from typing import Any

import pytest

from loyalnest.graphql.core.ids import encode_id
from tests.contexts.rewards import support
from tests.graphql.conftest import adjust, count_statements, error_codes, only_error

CUSTOMERS = """
query ($first: Int, $after: String, $last: Int, $before: String, $search: String) {
  customers(first: $first, after: $after, last: $last, before: $before, search: $search) {
    edges { cursor node { shopifyId } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

TRANSACTIONS = """
query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  customer(id: $id) {
    transactions(first: $first, after: $after, last: $last, before: $before) {
      edges { cursor node { delta } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}
"""


def _page(connection: dict[str, Any], key: str) -> tuple[list[Any], dict[str, Any]]:
    """The page's values of ``key`` and its pageInfo, checking the cursors agree."""
    edges = connection["edges"]
    info = connection["pageInfo"]
    assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
    assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)
    return [e["node"][key] for e in edges], info


def _flags(info: dict[str, Any]) -> tuple[bool, bool]:
    return info["hasPreviousPage"], info["hasNextPage"]


@pytest.fixture
async def five(shop):
    """Five customers, oldest first: Shopify ids 201..205."""
    for shopify_id in range(201, 206):
        await support.customer_with_points(shop.id, shopify_id, 0)
    return shop


async def _customers(shop: Any, **variables: Any) -> tuple[list[str], dict[str, Any]]:
    result = await shop.gql(CUSTOMERS, variables)
    assert "errors" not in result, result
    return _page(result["data"]["customers"], "shopifyId")


async def test_customers_page_backwards_from_the_end_to_the_start(five):
    ids, info = await _customers(five, last=2)
    assert (ids, _flags(info)) == (["204", "205"], (True, False))
    ids, info = await _customers(five, last=2, before=info["startCursor"])
    assert (ids, _flags(info)) == (["202", "203"], (True, True))
    ids, info = await _customers(five, last=2, before=info["startCursor"])
    assert (ids, _flags(info)) == (["201"], (False, True))
    # and forwards again from where paging backwards ended
    ids, info = await _customers(five, first=2, after=info["endCursor"])
    assert (ids, _flags(info)) == (["202", "203"], (True, True))
    ids, info = await _customers(five, first=10, after=info["endCursor"])
    assert (ids, _flags(info)) == (["204", "205"], (True, False))


async def test_customers_first_page_has_no_previous_page_and_a_range_between_cursors(five):
    ids, info = await _customers(five, first=1)
    assert (ids, _flags(info)) == (["201"], (False, True))
    everyone, _ = await _customers(five, first=5)
    all_edges = (await five.gql(CUSTOMERS, {"first": 5}))["data"]["customers"]["edges"]
    # after the first and before the last: the three in between, from either end
    between = {"after": all_edges[0]["cursor"], "before": all_edges[4]["cursor"]}
    assert (await _customers(five, first=2, **between))[0] == everyone[1:3]
    assert (await _customers(five, last=2, **between))[0] == everyone[2:4]
    # search applies backwards too
    assert (await _customers(five, last=3, search="203"))[0] == ["203"]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 2, "last": 2}, "first and last cannot be used together"),
        ({"last": 0}, "last must be between 1 and 100"),
        ({"last": 101}, "last must be between 1 and 100"),
        ({"last": 1, "before": "not-a-cursor"}, "invalid cursor"),
    ],
)
async def test_paging_arguments_are_refused_clearly(five, variables, message):
    result = await five.gql(CUSTOMERS, variables)
    assert result["data"] == {"customers": None}
    error = only_error(result)
    assert error["message"].startswith(message), error
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_customers_ledger_pages_backwards_newest_first_within_each_page(shop):
    customer_id = await support.customer_with_points(shop.id, 301, 0)
    gid = encode_id("Customer", customer_id)
    for delta in (1, 2, 3, 4, 5):  # ledger newest first: 5, 4, 3, 2, 1
        assert (await adjust(shop, gid, delta))["data"]["adjustPoints"]["userErrors"] == []

    async def page(**variables: Any) -> tuple[list[int], dict[str, Any]]:
        result = await shop.gql(TRANSACTIONS, {"id": gid, **variables})
        assert "errors" not in result, result
        return _page(result["data"]["customer"]["transactions"], "delta")

    deltas, info = await page(last=2)  # the end of the list: the oldest two
    assert (deltas, _flags(info)) == ([2, 1], (True, False))
    deltas, info = await page(last=2, before=info["startCursor"])
    assert (deltas, _flags(info)) == ([4, 3], (True, True))
    deltas, info = await page(last=2, before=info["startCursor"])
    assert (deltas, _flags(info)) == ([5], (False, True))
    deltas, info = await page(first=2, after=info["endCursor"])
    assert (deltas, _flags(info)) == ([4, 3], (True, True))
    # the first page (through the DataLoader) says there is nothing before it
    deltas, info = await page(first=2)
    assert (deltas, _flags(info)) == ([5, 4], (False, True))
    refused = await shop.gql(TRANSACTIONS, {"id": gid, "first": 1, "last": 1})
    assert refused["data"] == {"customer": None}
    assert error_codes(refused) == ["BAD_USER_INPUT"]


async def test_the_reward_catalog_pages_backwards(shop):
    ids = [await support.make_reward(shop.id, points_cost=10 + i) for i in range(3)]
    query = """query ($last: Int, $before: String) { rewards(last: $last, before: $before) {
      totalCount nodes { pointsCost } pageInfo { hasNextPage hasPreviousPage startCursor } } }"""
    result = await shop.gql(query, {"last": 2})
    rewards = result["data"]["rewards"]
    assert [n["pointsCost"] for n in rewards["nodes"]] == [11, 12]
    assert (rewards["totalCount"], _flags(rewards["pageInfo"])) == (3, (True, False))
    result = await shop.gql(query, {"last": 2, "before": rewards["pageInfo"]["startCursor"]})
    rewards = result["data"]["rewards"]
    assert [n["pointsCost"] for n in rewards["nodes"]] == [10]
    assert _flags(rewards["pageInfo"]) == (False, True)
    assert len(ids) == 3


@pytest.fixture
def fake(broker: Any) -> Any:
    with support.admin_fake() as fake:
        yield fake


REDEEM = """
mutation ($r: ID!, $c: ID) { redeemReward(rewardId: $r, customerId: $c) { userErrors { code } } }
"""


async def test_redemptions_page_backwards_and_count(shop, fake):
    await support.connect_shop(shop, fake)
    customer_id = await support.customer_with_points(shop.id, 401, 1000)
    for cost in (10, 20, 30):
        reward = encode_id("Reward", await support.make_reward(shop.id, points_cost=cost))
        result = await shop.gql(REDEEM, {"r": reward, "c": encode_id("Customer", customer_id)})
        assert result["data"]["redeemReward"]["userErrors"] == [], result
    query = """query ($id: ID!, $last: Int, $before: String) { customer(id: $id) {
      redemptions(last: $last, before: $before) { totalCount nodes { pointsSpent }
        pageInfo { hasNextPage hasPreviousPage startCursor } } } }"""
    gid = encode_id("Customer", customer_id)
    page = (await shop.gql(query, {"id": gid, "last": 2}))["data"]["customer"]["redemptions"]
    # newest first: 30, 20, 10; the last two are the oldest
    assert [n["pointsSpent"] for n in page["nodes"]] == [20, 10]
    assert (page["totalCount"], _flags(page["pageInfo"])) == (3, (True, False))
    before = page["pageInfo"]["startCursor"]
    page = (await shop.gql(query, {"id": gid, "last": 2, "before": before}))["data"]["customer"][
        "redemptions"
    ]
    assert [n["pointsSpent"] for n in page["nodes"]] == [30]
    assert _flags(page["pageInfo"]) == (False, True)


# --- totalCount ------------------------------------------------------------------------


async def test_total_count_of_customers_counts_every_page_and_the_search(five):
    query = "query ($s: String) { customers(first: 2, search: $s) { totalCount nodes { id } } }"
    assert (await five.gql(query))["data"]["customers"]["totalCount"] == 5
    assert (await five.gql(query, {"s": "204"}))["data"]["customers"]["totalCount"] == 1
    assert (await five.gql(query, {"s": "999"}))["data"]["customers"]["totalCount"] == 0


LIST_WITH_COUNTS = """
{ customers(first: 20) { totalCount nodes { transactions(first: 1) { totalCount }
  redemptions(first: 1) { totalCount } } } }
"""
LIST_WITHOUT_COUNTS = """
{ customers(first: 20) { nodes { transactions(first: 1) { nodes { id } }
  redemptions(first: 1) { nodes { id } } } } }
"""


async def _counted(make_shop: Any, n: int) -> tuple[int, int, list[int]]:
    shop = await make_shop()
    for i in range(n):
        await support.customer_with_points(shop.id, 500 + i, 10)  # one ledger row each
    await shop.gql("{ shop { domain } }")  # the shop is now in the per-process cache
    with count_statements() as without:
        plain = await shop.gql(LIST_WITHOUT_COUNTS)
    assert "errors" not in plain, plain
    with count_statements() as counted:
        result = await shop.gql(LIST_WITH_COUNTS)
    assert "errors" not in result, result
    data = result["data"]["customers"]
    assert data["totalCount"] == n
    assert all(node["redemptions"]["totalCount"] == 0 for node in data["nodes"])
    return len(without), len(counted), [node["transactions"]["totalCount"] for node in data["nodes"]]


async def test_total_counts_are_batched_and_cost_nothing_unless_selected(make_shop):
    few = await _counted(make_shop, 3)
    many = await _counted(make_shop, 15)
    assert few[2] == [1] * 3
    assert many[2] == [1] * 15
    # customers, ledger pages, redemption pages; with the counts one more statement for
    # each connection's count, whatever the number of customers
    assert (few[0], few[1]) == (many[0], many[1])
    assert few[1] == few[0] + 3


# --- Node ------------------------------------------------------------------------------

NODE = """
query ($id: ID!) { node(id: $id) { __typename id
  ... on Customer { shopifyId } ... on Reward { pointsCost } ... on PointsTransaction { delta }
  ... on Redemption { pointsSpent } } }
"""
NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"


async def test_node_refetches_each_type_by_its_global_id(shop, fake):
    await support.connect_shop(shop, fake)
    customer_id = await support.customer_with_points(shop.id, 601, 500)
    customer = encode_id("Customer", customer_id)
    reward = encode_id("Reward", await support.make_reward(shop.id, points_cost=40))
    redeemed = await shop.gql(
        "mutation ($r: ID!, $c: ID) { redeemReward(rewardId: $r, customerId: $c) {"
        " redemption { id } userErrors { code } } }",
        {"r": reward, "c": customer},
    )
    redemption = redeemed["data"]["redeemReward"]["redemption"]["id"]
    transaction = (await adjust(shop, customer, 7))["data"]["adjustPoints"]["transaction"]["id"]
    expected = {
        customer: {"__typename": "Customer", "shopifyId": "601"},
        reward: {"__typename": "Reward", "pointsCost": 40},
        transaction: {"__typename": "PointsTransaction", "delta": 7},
        redemption: {"__typename": "Redemption", "pointsSpent": 40},
    }
    for global_id, fields in expected.items():
        result = await shop.gql(NODE, {"id": global_id})
        assert result == {"data": {"node": {"id": global_id, **fields}}}, result
    ids = [*expected, encode_id("Customer", 10**15), "not-an-id", encode_id("Nothing", 1)]
    result = await shop.gql(NODES, {"ids": ids})
    assert "errors" not in result, result
    assert result["data"]["nodes"] == [
        {"__typename": fields["__typename"], "id": global_id} for global_id, fields in expected.items()
    ] + [None, None, None]


async def test_node_and_nodes_answer_null_for_another_shops_ids(make_shop):
    shop_a, shop_b = await make_shop(), await make_shop()
    customer = encode_id("Customer", await support.customer_with_points(shop_a.id, 701, 5))
    reward = encode_id("Reward", await support.make_reward(shop_a.id))
    transaction = (await adjust(shop_a, customer, 3))["data"]["adjustPoints"]["transaction"]["id"]
    # shop A sees its own
    assert (await shop_a.gql(NODE, {"id": customer}))["data"]["node"]["shopifyId"] == "701"
    for global_id in (customer, reward, transaction):
        assert await shop_b.gql(NODE, {"id": global_id}) == {"data": {"node": None}}
    result = await shop_b.gql(NODES, {"ids": [customer, reward, transaction]})
    assert result == {"data": {"nodes": [None, None, None]}}


async def test_node_keeps_field_permissions_and_refuses_non_staff(shop, proxy):
    customer_id = await support.customer_with_points(shop.id, 801, 5)
    query = "query ($id: ID!) { node(id: $id) { id ... on Customer { email } } }"
    gid = encode_id("Customer", customer_id)
    analyst = await shop.gql(query, {"id": gid}, token=shop.token(roles=["admin:analytics"]))
    assert analyst["data"] == {"node": {"id": gid, "email": None}}
    assert error_codes(analyst) == ["FORBIDDEN"]
    storefront = await proxy(
        shop, 801, "query ($ids: [ID!]!) { shop { domain } nodes(ids: $ids) { id } }", {"ids": [gid]}
    )
    assert storefront["data"] == {"shop": None, "nodes": None}
    assert error_codes(storefront) == ["UNAUTHENTICATED", "UNAUTHENTICATED"]


async def test_nodes_takes_at_most_100_ids(shop):
    ids = [encode_id("Customer", i) for i in range(1, 102)]
    result = await shop.gql("query ($ids: [ID!]!) { shop { domain } nodes(ids: $ids) { id } }", {"ids": ids})
    assert result["data"] == {"shop": {"domain": shop.domain}, "nodes": None}
    error = only_error(result)
    assert (error["message"], error["extensions"]["code"]) == ("ids is limited to 100", "BAD_USER_INPUT")
    assert (await shop.gql(NODES, {"ids": ids[:100]}))["data"]["nodes"] == [None] * 100


def test_node_refuses_exactly_what_each_types_own_field_refuses():
    from loyalnest.graphql.analytics.nudges.queries import NudgesQuery
    from loyalnest.graphql.analytics.segments.queries import SegmentsQuery
    from loyalnest.graphql.campaigns.queries import CampaignsQuery
    from loyalnest.graphql.core.node import node_kinds
    from loyalnest.graphql.customers.queries import CustomersQuery
    from loyalnest.graphql.referrals.queries import ReferralsQuery
    from loyalnest.graphql.rewards.queries import RewardsQuery
    from loyalnest.graphql.tiers.queries import TiersQuery

    def permissions(query: type, field: str) -> list[type]:
        (found,) = [f for f in query.__strawberry_definition__.fields if f.python_name == field]  # type: ignore[attr-defined]
        return list(found.permission_classes)

    kinds = node_kinds()
    assert sorted(kinds) == [
        "Campaign",
        "CustomSegment",
        "Customer",
        "Nudge",
        "PointsTransaction",
        "Redemption",
        "Referral",
        "Reward",
        "Tier",
    ]
    assert list(kinds["Customer"].permission_classes) == permissions(CustomersQuery, "customer")
    assert list(kinds["Reward"].permission_classes) == permissions(RewardsQuery, "reward")
    assert list(kinds["Tier"].permission_classes) == permissions(TiersQuery, "tier")
    assert list(kinds["Campaign"].permission_classes) == permissions(CampaignsQuery, "campaign")
    assert list(kinds["Referral"].permission_classes) == permissions(ReferralsQuery, "referral")
    assert list(kinds["Nudge"].permission_classes) == permissions(NudgesQuery, "nudge")
    assert list(kinds["CustomSegment"].permission_classes) == permissions(SegmentsQuery, "custom_segment")
    # ledger rows and redemptions are read where their customer is
    for name in ("PointsTransaction", "Redemption"):
        assert list(kinds[name].permission_classes) == permissions(CustomersQuery, "customer")


# --- userErrors ------------------------------------------------------------------------


async def test_user_error_codes_are_an_enum_sent_as_the_same_strings(shop):
    customer = encode_id("Customer", await support.customer_with_points(shop.id, 901, 5))
    result = await adjust(shop, customer, -50)
    assert result["data"]["adjustPoints"]["userErrors"][0]["code"] == "INSUFFICIENT_POINTS"
    typed = await shop.gql(
        '{ __type(name: "UserError") { fields { name type { kind ofType { kind name } } } } }'
    )
    fields = {f["name"]: f["type"] for f in typed["data"]["__type"]["fields"]}
    assert fields["code"] == {"kind": "NON_NULL", "ofType": {"kind": "ENUM", "name": "UserErrorCode"}}
