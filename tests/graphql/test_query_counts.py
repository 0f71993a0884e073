"""The statements a page of the dashboard or the widget costs do not grow with what it
shows: every relation resolves through a per-request DataLoader, one statement per
loader per request. Counted on every connection (ORM and raw asyncpg, the DataLoaders'
plain connections included), so an N+1 anywhere shows up here.

Each test builds the same page at N=3 and N=20 and pins the count: a new statement on
one of these pages is a decision, made by changing the number here."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from loyalnest.graphql.core.ids import encode_id
from loyalnest.platform.db import observe_statements
from tests.contexts.rewards import support
from tests.graphql.conftest import count_statements

REDEEM = """
mutation ($reward: ID!, $customer: ID) {
  redeemReward(rewardId: $reward, customerId: $customer) { redemption { status } userErrors { code } }
}
"""

CUSTOMERS = """
{ customers(first: 20) { nodes {
  id pointsBalance lifetimePoints pendingPoints expiringPoints(within: 30) { points nextExpiresAt }
  transactions(first: 5) { nodes { delta kind } pageInfo { hasNextPage } }
  redemptions(first: 5) { nodes { status pointsSpent reward { id title } } } } } }
"""

CUSTOMER_PAGE = """
query ($id: ID!) { customer(id: $id) {
  id email pointsBalance lifetimePoints pendingPoints expiringPoints(within: 30) { points nextExpiresAt }
  transactions(first: 20) { nodes { delta kind balanceAfter } pageInfo { hasNextPage endCursor } }
  redemptions(first: 20) { nodes { status code pointsSpent reward { id title } }
    pageInfo { hasNextPage } } } }
"""

ME = """
{ me { shopifyCustomerId enrolled pointsBalance lifetimePoints pendingPoints
  expiringPoints(within: 30) { points nextExpiresAt }
  transactions(first: 20) { nodes { delta kind } }
  rewards(first: 20) { nodes { id pointsCost affordable pointsShort remainingUses } }
  redemptions(first: 20) { nodes { status code pointsSpent reward { id } } }
  waysToEarn { trigger enabled } birthday subscriptionToken } }
"""


@pytest.fixture
def fake(broker: Any) -> Any:
    with support.admin_fake() as fake:
        yield fake


async def _connected_shop(make_shop: Any, fake: Any) -> Any:
    shop = await make_shop()
    await support.connect_shop(shop, fake)
    return shop


async def _redeem(shop: Any, reward_id: int, customer_id: int) -> None:
    result = await shop.gql(
        REDEEM, {"reward": encode_id("Reward", reward_id), "customer": encode_id("Customer", customer_id)}
    )
    assert result["data"]["redeemReward"] == {"redemption": {"status": "ISSUED"}, "userErrors": []}, result


async def _count(shop: Any, query: str, variables: dict[str, Any] | None = None) -> tuple[int, Any]:
    await shop.gql("{ shop { domain } }")  # the shop is now in the per-process cache
    with count_statements() as statements:
        result = await shop.gql(query, variables)
    assert "errors" not in result, result
    return len(statements), result["data"]


async def _customers_list(make_shop: Any, fake: Any, n: int) -> int:
    """n customers, each with points, a redemption of their own reward."""
    shop = await _connected_shop(make_shop, fake)
    for i in range(n):
        customer_id = await support.customer_with_points(shop.id, 9000 + i, 100 + i)
        await _redeem(shop, await support.make_reward(shop.id, points_cost=10), customer_id)
    count, data = await _count(shop, CUSTOMERS)
    nodes = data["customers"]["nodes"]
    assert sorted(node["pointsBalance"] for node in nodes) == [90 + i for i in range(n)]
    assert all(len(node["transactions"]["nodes"]) == 2 for node in nodes)
    assert all(len(node["redemptions"]["nodes"]) == 1 for node in nodes)
    return count


async def test_the_customers_list_costs_the_same_for_3_and_20_customers(make_shop, fake):
    few = await _customers_list(make_shop, fake, 3)
    many = await _customers_list(make_shop, fake, 20)
    # customers page, accounts, pending points, expiring points, first ledger pages,
    # first redemption pages, the redeemed rewards: one statement each
    assert (few, many) == (7, 7)


async def _customer_page(make_shop: Any, fake: Any, n: int) -> int:
    """One customer with n redemptions (so n + 1 ledger rows) of n rewards."""
    shop = await _connected_shop(make_shop, fake)
    customer_id = await support.customer_with_points(shop.id, 9100, 1000)
    for _ in range(n):
        await _redeem(shop, await support.make_reward(shop.id, points_cost=10), customer_id)
    count, data = await _count(shop, CUSTOMER_PAGE, {"id": encode_id("Customer", customer_id)})
    customer = data["customer"]
    assert customer["pointsBalance"] == 1000 - 10 * n
    assert len(customer["transactions"]["nodes"]) == min(n + 1, 20)
    assert len(customer["redemptions"]["nodes"]) == n
    assert len({node["reward"]["id"] for node in customer["redemptions"]["nodes"]}) == n
    return count


async def test_a_customers_page_costs_the_same_for_3_and_20_redemptions(make_shop, fake):
    few = await _customer_page(make_shop, fake, 3)
    many = await _customer_page(make_shop, fake, 20)
    # the customer, account, pending points, expiring points, ledger page, redemption
    # page, the redeemed rewards: one statement each
    assert (few, many) == (7, 7)


async def _me(make_shop: Any, fake: Any, proxy: Any, n: int) -> int:
    """The widget of a customer with n redemptions, among n rewards limited per customer."""
    shop = await _connected_shop(make_shop, fake)
    customer_id = await support.customer_with_points(shop.id, 9200, 1000)
    for _ in range(n):
        reward_id = await support.make_reward(shop.id, points_cost=10, usage_limit_per_customer=5)
        await _redeem(shop, reward_id, customer_id)
    await proxy(shop, 9200, "{ me { enrolled } }")  # the shop is now in the per-process cache
    with count_statements() as statements:
        result = await proxy(shop, 9200, ME)
    assert "errors" not in result, result
    me = result["data"]["me"]
    assert (me["enrolled"], me["pointsBalance"]) == (True, 1000 - 10 * n)
    assert len(me["rewards"]["nodes"]) == n
    assert all(node["remainingUses"] == 4 for node in me["rewards"]["nodes"])
    assert len(me["redemptions"]["nodes"]) == n
    return len(statements)


async def test_me_costs_the_same_for_3_and_20_redemptions(make_shop, fake, proxy):
    few = await _me(make_shop, fake, proxy, 3)
    many = await _me(make_shop, fake, proxy, 20)
    # the customer of the signed request; account, pending points, expiring points,
    # ledger page; available rewards and their redemption counts; redemption page and
    # the redeemed rewards; the ways to earn (rules, purchase settings); the profile
    # for the birthday: one statement each
    assert (few, many) == (12, 12)


# The dashboard's three queries as `loyalnest bench graphql` sends them.
_HISTORY = " pointsBalance transactions(first: 10) { nodes { id delta kind balanceAfter } }"
BY_ID = "query ($id: ID!) { customer(id: $id) {" + _HISTORY + " } }"
BY_SHOPIFY_ID = "query ($sid: ID!) { customerByShopifyId(shopifyId: $sid) {" + _HISTORY + " } }"
LIST_PAGE = (
    "{ customers(first: 20) { nodes { id shopifyId pointsBalance pendingPoints lifetimePoints }"
    " pageInfo { hasNextPage endCursor } } }"
)


@contextmanager
def _round_trips() -> Iterator[list[str]]:
    """Every statement of this thread, transaction control included: a read through an
    ORM session costs a BEGIN and a ROLLBACK around its one SELECT, each a round trip."""
    statements: list[str] = []
    thread = threading.get_ident()

    def record(statement: str) -> None:
        if threading.get_ident() == thread:
            statements.append(statement.strip().split(None, 1)[0].rstrip(";").upper())

    with observe_statements(record):
        yield statements


async def test_the_dashboards_queries_cost_one_round_trip_per_statement(make_shop):
    """The customer lookups and the list page read on plain connections, one prepared
    statement each, no transaction around them: the ORM session they used to go through
    (checkout, BEGIN, the statement, ROLLBACK) cost customerByShopifyId half its
    throughput and the list page a third of its CPU."""
    shop = await make_shop()
    customer_id = await support.customer_with_points(shop.id, 9300, 100)
    await shop.gql("{ shop { domain } }")  # the shop is now in the per-process cache
    pages = (
        (BY_ID, {"id": encode_id("Customer", customer_id)}, "customer"),
        (BY_SHOPIFY_ID, {"sid": "9300"}, "customerByShopifyId"),
        (LIST_PAGE, None, "customers"),
    )
    for query, variables, root in pages:
        with _round_trips() as statements:
            result = await shop.gql(query, variables)
        assert "errors" not in result, (root, result)
        assert [s for s in statements if s in ("BEGIN", "COMMIT", "ROLLBACK")] == [], (root, statements)
        # the customer, account and ledger page; or the page, accounts and pending points
        assert len(statements) == 3, (root, statements)
        data = result["data"][root]
        assert (data["nodes"][0] if root == "customers" else data)["pointsBalance"] == 100
