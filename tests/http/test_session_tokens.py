"""Shopify session tokens as Shopify's own clients write them (issue 8, item 6).

App Bridge writes ``iss``/``dest`` with ``https://``; Shopify's test helper (getJwt in
shopify-app-js) writes them bare. Checkout and customer-account extensions send tokens
with neither ``iss`` nor ``sid``, and ``sub`` only for a logged-in customer (as
``gid://shopify/Customer/<id>``): such a token is that customer, never staff. An admin
token without ``sub`` is staff whose user is unidentified."""

from __future__ import annotations

import base64
import time
import uuid
from typing import Any

import jwt
import pytest
import websockets

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.points import api as points
from tests import payloads
from tests.graphql.conftest import (
    ADJUST,
    balance_of,
    customer_gid,
    only_error,
    wait_for_subscribers,
    ws_connection,
    ws_session,
)

RETRY_HEADER = "X-Shopify-Retry-Invalid-Session-Request"
UPDATE_SETTINGS = """
mutation { updateProgramSettings(pointsPerCurrencyUnit: "7") { userErrors { code } } }
"""
SETTINGS = "{ shop { programSettings { pointsPerCurrencyUnit } } }"


def sign(settings: Any, claims: dict[str, Any]) -> str:
    return jwt.encode(claims, settings.shopify_api_secret, algorithm="HS256")


def times(ttl: int = 300) -> dict[str, Any]:
    now = int(time.time())
    return {"exp": now + ttl, "nbf": now, "iat": now, "jti": uuid.uuid4().hex}


def shopify_test_helper_token(settings: Any, shop: str) -> str:
    """The claims of getJwt in Shopify's shopify-app-js test helpers."""
    return sign(
        settings,
        {
            "iss": f"{shop}/admin",
            "dest": shop,
            "aud": settings.shopify_api_key,
            "sub": "12345",
            "sid": "0987654321",
            **times(),
        },
    )


def extension_token(settings: Any, shop: str, customer: int | None) -> str:
    """A checkout / customer-account extension's token, as Shopify documents its claims."""
    claims: dict[str, Any] = {"dest": shop, "aud": settings.shopify_api_key, **times()}
    if customer is not None:
        claims["sub"] = f"gid://shopify/Customer/{customer}"
    return sign(settings, claims)


def admin_token_without_sub(settings: Any, shop: str) -> str:
    return sign(
        settings,
        {
            "iss": f"https://{shop}/admin",
            "dest": f"https://{shop}",
            "aud": settings.shopify_api_key,
            **times(),
        },
    )


async def post(http: Any, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    return await http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
async def customer(shop, drain):
    await shop.webhook(
        "orders/create", payloads.order(1, subtotal="30.00", customer_body=payloads.customer(21))
    )
    await drain()
    return await customer_gid(shop, 21)


async def test_a_token_shaped_like_shopifys_test_helper_is_staff_of_its_shop(shop, http, settings):
    response = await post(http, shopify_test_helper_token(settings, shop.domain), "{ shop { domain } }")
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"shop": {"domain": shop.domain}}}


async def test_an_extension_token_is_its_logged_in_customer_and_never_staff(shop, customer, http, settings):
    token = extension_token(settings, shop.domain, 21)

    mine = await post(http, token, "{ me { shopifyCustomerId pointsBalance } }")
    assert mine.status_code == 200, mine.text
    assert mine.json() == {"data": {"me": {"shopifyCustomerId": "21", "pointsBalance": 30}}}

    before = await shop.gql(SETTINGS)
    for query, variables in (
        ("{ shop { domain } }", {}),
        (UPDATE_SETTINGS, {}),
        (ADJUST, {"id": customer, "delta": 500, "reason": "me"}),
    ):
        refused = await post(http, token, query, variables)
        assert refused.status_code == 200, refused.text
        result = refused.json()
        assert not any((result["data"] or {}).values()), result
        error = only_error(result)
        assert (error["message"], error["extensions"]["code"]) == (
            "staff session token required",
            "UNAUTHENTICATED",
        )
    assert await shop.gql(SETTINGS) == before
    assert await balance_of(shop, customer) == (30, 30, 1)
    assert await audit.list_recent(shop.id) == []


@pytest.mark.parametrize("dest", ["{shop}", "https://{shop}"])
async def test_an_extension_token_without_a_customer_is_403_and_changes_nothing(shop, http, settings, dest):
    """A buyer who is not logged in: the token is genuine but names nobody. It must not
    fall back to staff (a checkout page would hand every visitor full rights)."""
    claims = {"dest": dest.format(shop=shop.domain), "aud": settings.shopify_api_key, **times()}
    token = sign(settings, claims)
    before = await shop.gql(SETTINGS)

    for query in ("{ shop { domain } }", UPDATE_SETTINGS):
        response = await post(http, token, query)
        assert response.status_code == 403, response.text
        assert RETRY_HEADER not in response.headers  # a fresh token would say the same
        error = only_error(response.json())
        assert error["extensions"]["code"] == "FORBIDDEN"
        assert error["message"] == "session token names no staff user and no logged-in customer"

    assert await shop.gql(SETTINGS) == before
    assert await audit.list_recent(shop.id) == []


async def test_an_admin_token_without_sub_is_staff_with_an_unidentified_user(shop, customer, http, settings):
    unidentified = admin_token_without_sub(settings, shop.domain)

    async def adjust(token: str, delta: int) -> dict[str, Any]:
        response = await post(
            http, token, ADJUST, {"id": customer, "delta": delta, "reason": "goodwill", "key": "same"}
        )
        assert response.status_code == 200, response.text
        return response.json()["data"]["adjustPoints"]

    first = await adjust(unidentified, 5)
    assert first["userErrors"] == []
    assert first["transaction"]["actor"] == "staff:(unidentified)"
    # the same key again from a token without sub: the same adjustment, not a second one
    again = await adjust(admin_token_without_sub(settings, shop.domain), 5)
    assert again["transaction"]["id"] == first["transaction"]["id"]
    # the same key from identified users is theirs: no collision either way
    for user_id in ("1", "unidentified"):
        other = await adjust(shop.token(user_id=user_id), 5)
        assert other["userErrors"] == []
        assert other["transaction"]["id"] != first["transaction"]["id"]
        assert other["transaction"]["actor"] == f"staff:{user_id}"
    assert await balance_of(shop, customer) == (45, 45, 4)


def _channel(shop: Any, gid: str) -> str:
    local = int(base64.urlsafe_b64decode(gid + "=" * (-len(gid) % 4)).decode().split(":")[1])
    return points.balance_channel(shop.id, local)


async def test_an_extension_token_subscribes_to_its_own_balance(shop, customer, server, settings):
    token = extension_token(settings, shop.domain, 21)
    async with ws_session(server, {"Authorization": f"Bearer {token}"}) as ws:
        op = await ws.subscribe("subscription { myPointsBalanceChanged { delta pointsBalance } }")
        await wait_for_subscribers(_channel(shop, customer))
        await shop.gql(ADJUST, {"id": customer, "delta": 4, "reason": "r"})
        message = await ws.receive()
        assert (message["id"], message["type"]) == (op, "next"), message
        assert message["payload"]["data"]["myPointsBalanceChanged"] == {"delta": 4, "pointsBalance": 34}


async def test_an_extension_token_without_a_customer_is_closed_4403(shop, server, settings):
    token = extension_token(settings, shop.domain, None)
    async with ws_connection(server) as ws:
        await ws.send({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.receive()
    assert closed.value.rcvd.code == 4403
