"""App-proxy parameter re-splitting (issue 8, item 16).

Shopify's app-proxy signature is an HMAC of the parameters sorted by name and written
``name=value`` with nothing between them, so one signed string can be cut into different
parameters. /proxy/graphql accepts only what Shopify sends (shop, logged_in_customer_id,
path_prefix, timestamp, signature, plus the GraphQL-over-GET parameters of the route),
each once, and no value holding ``<known name>=``: a re-cut signed query is a 400 and
nothing runs."""

from __future__ import annotations

import time
from typing import Any

import pytest

from loyalnest.contexts.webhooks import api as webhooks
from tests import payloads
from tests.graphql.conftest import customer_gid, only_error, proxy_params

ME = "{ me { shopifyCustomerId pointsBalance } }"
SET_MY_BIRTHDAY = "mutation ($b: Date!) { setMyBirthday(birthday: $b) { birthday userErrors { code } } }"
PREFIX = "/apps/loyalnest"


def signature(settings: Any, params: dict[str, str]) -> str:
    return webhooks.app_proxy_signature(settings.shopify_api_secret, {k: [v] for k, v in params.items()})


def assert_same_signed_string(settings: Any, signed: dict[str, str], forged: dict[str, str]) -> str:
    """The forged cut really is the signed string cut differently: same HMAC."""
    assert forged != signed
    sig = signature(settings, signed)
    assert signature(settings, forged) == sig
    return sig


async def birthday_of(shop: Any, shopify_id: int) -> str | None:
    gid = await customer_gid(shop, shopify_id)
    seen = await shop.gql("query ($id: ID!) { customer(id: $id) { birthday } }", {"id": gid})
    return seen["data"]["customer"]["birthday"]


def assert_refused_400(response: Any, message: str) -> None:
    assert response.status_code == 400, response.text
    result = response.json()
    assert "data" not in result, result
    error = only_error(result)
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert message in error["message"], error


@pytest.fixture
async def customers(shop, drain):
    for shopify_id, subtotal in ((21, "11.00"), (22, "99.00")):
        await shop.webhook(
            "orders/create",
            payloads.order(shopify_id, subtotal=subtotal, customer_body=payloads.customer(shopify_id)),
        )
    await drain()


async def test_a_resplit_signed_query_cannot_become_another_customer(shop, customers, http, settings):
    """Customer 21 gets Shopify to sign a query with one extra parameter, then re-cuts it
    so the signed string reads logged_in_customer_id=22."""
    ts = str(int(time.time()))
    tail = f"logged_in_customer_id=21path_prefix={PREFIX}shop={shop.domain}timestamp={ts}"
    signed = {  # what Shopify signs for customer 21 (it adds its parameters to the extra one)
        "a": f"1logged_in_customer_id=22path_prefix={PREFIX}shop={shop.domain}timestamp={ts}z=",
        "logged_in_customer_id": "21",
        "path_prefix": PREFIX,
        "shop": shop.domain,
        "timestamp": ts,
    }
    forged = {
        "a": "1",
        "logged_in_customer_id": "22",
        "path_prefix": PREFIX,
        "shop": shop.domain,
        "timestamp": ts,
        "z": tail,
    }
    sig = assert_same_signed_string(settings, signed, forged)

    read = await http.post("/proxy/graphql", params={**forged, "signature": sig}, json={"query": ME})
    assert_refused_400(read, "app proxy request has a parameter Shopify does not send: 'a'")

    write = await http.post(
        "/proxy/graphql",
        params={**forged, "signature": sig},
        json={"query": SET_MY_BIRTHDAY, "variables": {"b": "1980-01-02"}},
    )
    assert_refused_400(write, "Shopify does not send")
    assert await birthday_of(shop, 22) is None


async def test_a_resplit_get_query_cannot_move_to_another_shop(make_shop, drain, http, settings):
    """Only the route's own names: the query and variables of a GET absorb the shop and
    timestamp of another cut. A customer of the attacker's shop would read the customer
    with the same id in the victim's shop (one app secret signs for every shop)."""
    attacker, victim = await make_shop(), await make_shop()
    for shop, subtotal in ((attacker, "11.00"), (victim, "99.00")):
        await shop.webhook(
            "orders/create", payloads.order(1, subtotal=subtotal, customer_body=payloads.customer(5))
        )
    await drain()
    ts = str(int(time.time()))
    signed = {  # Shopify signs this for customer 5 of the attacker's shop
        "logged_in_customer_id": "5",
        "path_prefix": PREFIX,
        "query": f'{ME}shop={victim.domain}timestamp={ts}variables={{"a":"',
        "shop": attacker.domain,
        "timestamp": ts,
        "variables": '"}',
    }
    forged = {
        "logged_in_customer_id": "5",
        "path_prefix": PREFIX,
        "query": ME,
        "shop": victim.domain,
        "timestamp": ts,
        "variables": f'{{"a":"shop={attacker.domain}timestamp={ts}variables="}}',
    }
    sig = assert_same_signed_string(settings, signed, forged)

    response = await http.get("/proxy/graphql", params={**forged, "signature": sig})
    assert_refused_400(response, "app proxy parameter 'variables' contains another parameter's name")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param(
            [("logged_in_customer_id", "21"), ("logged_in_customer_id", "22")],
            "app proxy request repeats the parameter 'logged_in_customer_id'",
            id="duplicated",
        ),
        pytest.param(
            [("logged_in_customer_id", "21"), ("utm_source", "mail")],
            "app proxy request has a parameter Shopify does not send: 'utm_source'",
            id="unknown",
        ),
        pytest.param(
            [("logged_in_customer_id", "21"), ("path_prefix", f"{PREFIX}=x")],
            "app proxy parameter 'path_prefix' is not as Shopify sends it",
            id="equals-in-a-shopify-value",
        ),
        pytest.param(
            [("logged_in_customer_id", "21=22")],
            "app proxy parameter 'logged_in_customer_id' is not as Shopify sends it",
            id="equals-in-the-customer-id",
        ),
        pytest.param(
            [("logged_in_customer_id", "21"), ("query", "{ me { pointsBalance } }timestamp=1")],
            "app proxy parameter 'query' contains another parameter's name",
            id="name-in-the-query",
        ),
    ],
)
async def test_signed_queries_shopify_would_never_send_are_refused(
    shop, customers, http, settings, params, message
):
    """Each is correctly signed (repeated values joined by commas, as Shopify does): the
    signature is not what refuses them."""
    ts = str(int(time.time()))
    sent = [("shop", shop.domain), ("timestamp", ts), *params]
    grouped: dict[str, list[str]] = {}
    for name, value in sent:
        grouped.setdefault(name, []).append(value)
    sig = webhooks.app_proxy_signature(settings.shopify_api_secret, grouped)

    response = await http.post(
        "/proxy/graphql",
        params=[*sent, ("signature", sig)],
        json={"query": SET_MY_BIRTHDAY, "variables": {"b": "1980-01-02"}},
    )
    assert_refused_400(response, message)
    assert await birthday_of(shop, 21) is None
    assert await birthday_of(shop, 22) is None


async def test_get_queries_may_still_hold_equals_signs(shop, customers, http, settings):
    """A default value and a padded base64 string: '=' in the route's own values is fine
    as long as no parameter name stands before it."""
    query = (
        "query Mine($first: Int = 5, $c: String) {"
        " me { pointsBalance transactions(first: $first, after: $c) { nodes { delta } } } }"
    )
    params = proxy_params(
        settings,
        shop.domain,
        21,
        extra={
            "query": query,
            "variables": '{"first": 1, "c": null, "note": "YWJjZA=="}',
            "operationName": "Mine",
        },
    )
    response = await http.get("/proxy/graphql", params=params)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "data": {"me": {"pointsBalance": 11, "transactions": {"nodes": [{"delta": 11}]}}}
    }
