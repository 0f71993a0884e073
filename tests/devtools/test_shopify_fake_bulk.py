"""The Shopify fake's bulk query operations, over HTTP as a client sees them: the
mutation's payload, one running operation per shop (Shopify's userError), the status
moving with each read of ``currentBulkOperation``/``node``, the failure with its
``errorCode``, and the JSONL in Shopify's format (nested connections flattened with
``__parentId``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from loyalnest.devtools.shopify_fake import ShopifyFake
from loyalnest.devtools.shopify_fake.bulk import demo_history

SHOP = "bulk-fake.myshopify.com"
TOKEN = "shpat_bulk_fake"
RUN = """mutation ($q: String!) { bulkOperationRunQuery(query: $q) {
  bulkOperation { id status } userErrors { field message code } } }"""
NODE = """query ($id: ID!) { node(id: $id) { ... on BulkOperation {
  id status errorCode objectCount rootObjectCount url } } }"""
CURRENT = "{ currentBulkOperation { id status errorCode objectCount url } }"
ORDERS = """{ orders { edges { node { id name createdAt cancelledAt test customer { id }
  currentSubtotalPriceSet { shopMoney { amount currencyCode } }
  lineItems { edges { node { id quantity product { id }
    originalUnitPriceSet { shopMoney { amount } } } } } } } } }"""
CUSTOMERS = """{ customers { edges { node { id email firstName lastName phone createdAt updatedAt tags
  emailMarketingConsent { marketingState consentUpdatedAt } amountSpent { amount currencyCode }
  numberOfOrders } } } }"""


@pytest.fixture
def fake() -> Iterator[ShopifyFake]:
    with ShopifyFake() as running:
        running.add_shop(SHOP, token=TOKEN)
        running.seed_history(SHOP, customers=6, orders=20)
        yield running


def gql(fake: ShopifyFake, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = httpx.post(
        f"{fake.base_url}/{SHOP}/admin/api/2025-10/graphql.json",
        json={"query": query, "variables": variables or {}},
        headers={"X-Shopify-Access-Token": TOKEN},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


def start(fake: ShopifyFake, query: str) -> dict[str, Any]:
    payload: dict[str, Any] = gql(fake, RUN, {"q": query})["bulkOperationRunQuery"]
    return payload


def test_a_bulk_query_runs_one_at_a_time_and_completes_over_reads(fake: ShopifyFake) -> None:
    started = start(fake, ORDERS)
    assert started["userErrors"] == []
    gid = started["bulkOperation"]["id"]
    assert gid.startswith("gid://shopify/BulkOperation/")
    assert started["bulkOperation"]["status"] == "CREATED"
    # Shopify's refusal while one runs, word for word
    second = start(fake, CUSTOMERS)
    assert second["bulkOperation"] is None
    assert second["userErrors"] == [
        {
            "field": None,
            "message": f"A bulk query operation for this app and shop is already in progress: {gid}.",
            "code": "OPERATION_IN_PROGRESS",
        }
    ]
    running = gql(fake, CURRENT)["currentBulkOperation"]
    assert (running["id"], running["status"], running["url"], running["objectCount"]) == (
        gid,
        "RUNNING",
        None,
        "0",
    )
    done = gql(fake, NODE, {"id": gid})["node"]
    assert done["status"] == "COMPLETED"
    assert done["errorCode"] is None
    assert done["rootObjectCount"] == "20"
    assert done["url"].startswith(fake.base_url)
    # the file: no token needed (a signed storage URL at Shopify)
    lines = [orjson.loads(line) for line in httpx.get(done["url"]).text.splitlines()]
    assert done["objectCount"] == str(len(lines))
    roots = [line for line in lines if "__parentId" not in line]
    children = [line for line in lines if "__parentId" in line]
    assert len(roots) == 20
    assert children
    # each order's line items follow it, pointing at it, and are not inlined
    seen: set[str] = set()
    for line in lines:
        if "__parentId" in line:
            assert line["__parentId"] in seen
            assert line["id"].startswith("gid://shopify/LineItem/")
            assert set(line) == {"id", "quantity", "product", "originalUnitPriceSet", "__parentId"}
        else:
            seen = {line["id"]}
            assert "lineItems" not in line
            assert line["id"].startswith("gid://shopify/Order/")
            assert set(line["currentSubtotalPriceSet"]["shopMoney"]) == {"amount", "currencyCode"}
    # done: the next one may start
    assert start(fake, CUSTOMERS)["userErrors"] == []


def test_customers_come_with_shopifys_field_names(fake: ShopifyFake) -> None:
    gid = start(fake, CUSTOMERS)["bulkOperation"]["id"]
    gql(fake, NODE, {"id": gid})
    url = gql(fake, NODE, {"id": gid})["node"]["url"]
    lines = [orjson.loads(line) for line in httpx.get(url).text.splitlines()]
    assert len(lines) == 6
    first = lines[0]
    assert first["id"].startswith("gid://shopify/Customer/")
    assert first["emailMarketingConsent"]["marketingState"] in ("SUBSCRIBED", "NOT_SUBSCRIBED")
    assert isinstance(first["numberOfOrders"], str)  # UnsignedInt64
    assert first["amountSpent"]["currencyCode"] == "USD"
    assert set(first) == {
        "id", "email", "firstName", "lastName", "phone", "createdAt", "updatedAt", "tags",
        "emailMarketingConsent", "amountSpent", "numberOfOrders",
    }  # fmt: skip


def test_the_search_filter_and_an_empty_result(fake: ShopifyFake) -> None:
    dates = sorted(o["createdAt"] for o in demo_history(customers=6, orders=20)[1])
    since = dates[10]
    gid = start(fake, ORDERS.replace("orders {", f"orders(query: \"created_at:>='{since}'\") {{"))[
        "bulkOperation"
    ]["id"]
    gql(fake, NODE, {"id": gid})
    assert gql(fake, NODE, {"id": gid})["node"]["rootObjectCount"] == str(sum(1 for d in dates if d >= since))
    empty = start(fake, ORDERS.replace("orders {", 'orders(query: "created_at:>=2999-01-01") {'))
    gql(fake, NODE, {"id": empty["bulkOperation"]["id"]})
    done = gql(fake, NODE, {"id": empty["bulkOperation"]["id"]})["node"]
    # Shopify gives no file for nothing found
    assert (done["status"], done["objectCount"], done["url"]) == ("COMPLETED", "0", None)


def test_an_armed_failure_ends_failed_with_its_error_code(fake: ShopifyFake) -> None:
    fake.fail_next_bulk_operation(error_code="ACCESS_DENIED", shop=SHOP)
    gid = start(fake, ORDERS)["bulkOperation"]["id"]
    gql(fake, NODE, {"id": gid})
    failed = gql(fake, NODE, {"id": gid})["node"]
    assert (failed["status"], failed["errorCode"], failed["url"]) == ("FAILED", "ACCESS_DENIED", None)
    assert httpx.get(f"{fake.base_url}/__fake__/bulk/{SHOP}/{gid.rsplit('/', 1)[1]}.jsonl").status_code == 404


def test_a_query_shopify_would_refuse_is_a_user_error(fake: ShopifyFake) -> None:
    refused = start(fake, "{ shop { id } }")
    assert refused["bulkOperation"] is None
    assert refused["userErrors"][0]["field"] == ["query"]
    assert refused["userErrors"][0]["code"] == "INVALID"


def test_the_demo_history_is_the_same_every_time() -> None:
    first_people, first_orders = demo_history()
    again_people, again_orders = demo_history()
    assert [c["id"] for c in first_people] == [c["id"] for c in again_people]
    assert [o["id"] for o in first_orders] == [o["id"] for o in again_orders]
    assert len(first_people) == 40
    assert len(first_orders) == 160
    assert any(o["customer"] is None for o in first_orders)  # guest checkouts
    assert any(o["cancelledAt"] for o in first_orders)
    assert any(o["displayFinancialStatus"] == "PARTIALLY_REFUNDED" for o in first_orders)
