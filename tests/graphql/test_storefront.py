"""The storefront widget's endpoint /proxy/graphql: requests Shopify's app proxy signed
for the logged-in customer, who may read only their own account."""

from __future__ import annotations

import time

import pytest

from loyalnest.contexts.audit import api as audit
from loyalnest.http.auth import mint_session_token
from tests import payloads
from tests.graphql.conftest import (
    balance_of,
    customer_gid,
    only_error,
    post_proxy,
    proxy_params,
    refused_roots,
)

ME = """
{ me { shopifyCustomerId enrolled pointsBalance lifetimePoints
  transactions(first: 5) { nodes { delta kind } pageInfo { hasNextPage endCursor } } subscriptionToken } }
"""


@pytest.fixture
async def customer(shop, drain):
    await shop.webhook(
        "orders/create", payloads.order(1, subtotal="30.00", customer_body=payloads.customer(21))
    )
    await drain()
    return await customer_gid(shop, 21)


async def test_me_shows_the_logged_in_customers_account(shop, customer, proxy):
    for delta in range(1, 7):
        await shop.gql(
            "mutation ($id: ID!, $d: Int!) {"
            ' adjustPoints(customerId: $id, delta: $d, reason: "r") { userErrors { code } } }',
            {"id": customer, "d": delta},
        )
    result = await proxy(shop, 21, ME)
    assert "errors" not in result, result
    me = result["data"]["me"]
    assert me.pop("subscriptionToken")
    page = me.pop("transactions")
    assert me == {"shopifyCustomerId": "21", "enrolled": True, "pointsBalance": 51, "lifetimePoints": 51}
    assert page["nodes"] == [{"delta": d, "kind": "ADJUST"} for d in (6, 5, 4, 3, 2)]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await proxy(
        shop,
        21,
        "query ($c: String) { me { transactions(first: 5, after: $c) {"
        " nodes { delta kind } pageInfo { hasNextPage } } } }",
        {"c": page["pageInfo"]["endCursor"]},
    )
    assert rest["data"]["me"]["transactions"] == {
        "nodes": [{"delta": 1, "kind": "ADJUST"}, {"delta": 30, "kind": "EARN"}],
        "pageInfo": {"hasNextPage": False},
    }


async def test_get_queries_work_on_the_proxy(shop, customer, http, settings):
    params = proxy_params(settings, shop.domain, 21, extra={"query": "{ me { pointsBalance } }"})
    response = await http.get("/proxy/graphql", params=params)
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"me": {"pointsBalance": 30}}}
    # the query is part of what Shopify signed: swapping it breaks the signature
    params["query"] = "{ me { lifetimePoints } }"
    swapped = await http.get("/proxy/graphql", params=params)
    assert swapped.json()["errors"][0]["message"] == "app proxy signature is invalid"


async def test_customer_unknown_to_the_shop_is_not_enrolled(shop, proxy):
    result = await proxy(shop, 404, ME)
    me = result["data"]["me"]
    assert me.pop("subscriptionToken")
    assert me == {
        "shopifyCustomerId": "404",
        "enrolled": False,
        "pointsBalance": 0,
        "lifetimePoints": 0,
        "transactions": {"nodes": [], "pageInfo": {"hasNextPage": False, "endCursor": None}},
    }


async def test_signature_made_with_the_previous_secret_is_accepted(shop, customer, proxy, settings):
    result = await proxy(shop, 21, "{ me { pointsBalance } }", secret=settings.shopify_api_secret_previous)
    assert result == {"data": {"me": {"pointsBalance": 30}}}


def _tampered(settings, domain):
    params = proxy_params(settings, domain, 21)
    params["logged_in_customer_id"] = "22"  # signed for 21
    return params


def _resigned_for_other_shop(settings, domain):
    params = proxy_params(settings, domain, 21)
    params["shop"] = "other-shop.myshopify.com"
    return params


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda s, d: proxy_params(s, d, 21, secret="not-the-app-secret-but-long-enough-too"),
            "signature is invalid",
        ),
        (
            lambda s, d: {k: v for k, v in proxy_params(s, d, 21).items() if k != "signature"},
            "signature is invalid",
        ),
        (lambda s, d: proxy_params(s, d, 21) | {"signature": "00" * 32}, "signature is invalid"),
        (lambda s, d: proxy_params(s, d, 21) | {"signature": ""}, "signature is invalid"),
        (_tampered, "signature is invalid"),
        (_resigned_for_other_shop, "signature is invalid"),
        (lambda s, d: proxy_params(s, d, 21, timestamp=time.time() - 3600), "app proxy request is too old"),
        (lambda s, d: proxy_params(s, d, 21, timestamp=time.time() + 3600), "app proxy request is too old"),
        (lambda s, d: proxy_params(s, d, None), "no customer is logged in to the storefront"),
        (lambda s, d: proxy_params(s, "nobody-here.myshopify.com", 21), "unknown shop"),
        (lambda s, d: {}, "signature is invalid"),
    ],
)
async def test_refused_proxy_requests(shop, customer, http, settings, build, message):
    params = build(settings, shop.domain)
    response = await http.post("/proxy/graphql", params=params, json={"query": "{ me { pointsBalance } }"})
    if "signature" in message or "too old" in message:
        # not sent by Shopify's proxy: refused before the document is parsed
        assert response.status_code == 401, response.text
        result = response.json()
        assert "data" not in result
    else:
        # Shopify's, for a visitor we cannot serve: a GraphQL answer saying why
        assert response.status_code == 200, response.text
        result = response.json()
        refused_roots(result)
    error = only_error(result)
    assert message in error["message"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    "query",
    [
        "{ shop { domain } }",
        "{ customers(first: 5) { nodes { id email } } }",
        '{ customerByShopifyId(shopifyId: "21") { email } }',
        "query ($id: ID!) { customer(id: $id) { email pointsBalance } }",
        "mutation ($id: ID!) {"
        ' adjustPoints(customerId: $id, delta: 500, reason: "me") { userErrors { code } } }',
        'mutation { updateProgramSettings(pointsPerCurrencyUnit: "100") { userErrors { code } } }',
    ],
)
async def test_customer_principal_gets_no_staff_fields(shop, customer, http, settings, proxy, query):
    # another client's refused staff token just before must not colour this answer
    expired = mint_session_token(settings, shop.domain, ttl_seconds=60, now=time.time() - 300)
    refused = await http.post(
        "/graphql",
        json={"query": query, "variables": {"id": customer}},
        headers={"Authorization": f"Bearer {expired}"},
    )
    assert refused.status_code == 401  # refused at once since issue 8 (was a 200 with errors)

    result = await proxy(shop, 21, query, {"id": customer})
    assert not (result["data"] or {}).get("customer")
    messages = [(e["message"], e["extensions"]["code"]) for e in result["errors"]]
    assert messages == [("staff session token required", "UNAUTHENTICATED")]
    assert await balance_of(shop, customer) == (30, 30, 1)
    assert await audit.list_recent(shop.id) == []


async def test_staff_token_on_the_proxy_gives_no_staff_access(shop, customer, http, settings):
    """A staff Bearer token means nothing on /proxy/graphql: only the app-proxy signature."""
    headers = {"Authorization": f"Bearer {shop.token()}"}
    unsigned = await http.post("/proxy/graphql", json={"query": "{ shop { domain } }"}, headers=headers)
    assert unsigned.status_code == 401
    assert "data" not in unsigned.json()
    assert only_error(unsigned.json())["message"] == "app proxy signature is invalid"

    signed = await post_proxy(
        http,
        proxy_params(settings, shop.domain, 21),
        "{ shop { domain } me { pointsBalance } }",
        headers=headers,
    )
    # the refused root is null on its own path; the customer's own fields still answer
    assert signed["data"] == {"shop": None, "me": {"pointsBalance": 30}}
    assert [e["path"] for e in signed["errors"]] == [["shop"]]


async def test_me_is_not_for_staff(shop, customer):
    result = await shop.gql("{ me { pointsBalance } }")
    refused_roots(result)
    error = only_error(result)
    assert (error["message"], error["extensions"]["code"]) == (
        "storefront customer session required",
        "UNAUTHENTICATED",
    )


async def test_customers_of_two_shops_with_the_same_shopify_id_see_their_own(make_shop, drain, proxy):
    a, b = await make_shop(), await make_shop()
    await a.webhook("orders/create", payloads.order(1, subtotal="11.00", customer_body=payloads.customer(5)))
    await b.webhook("orders/create", payloads.order(1, subtotal="22.00", customer_body=payloads.customer(5)))
    await drain()
    assert (await proxy(a, 5, "{ me { pointsBalance } }"))["data"]["me"]["pointsBalance"] == 11
    assert (await proxy(b, 5, "{ me { pointsBalance } }"))["data"]["me"]["pointsBalance"] == 22
