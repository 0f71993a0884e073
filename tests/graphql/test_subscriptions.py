"""Live balance updates over graphql-transport-ws on /graphql: published after commit by
the worker (another thread and event loop) or by a mutation, through Redis pub/sub."""

from __future__ import annotations

import asyncio
import base64
import time

import pytest
import websockets

from loyalnest.contexts.points import api as points
from loyalnest.http.auth import mint_customer_token, mint_session_token
from loyalnest.platform.tenancy import Customer
from tests import payloads
from tests.graphql.conftest import (
    WS_TIMEOUT,
    adjust,
    customer_gid,
    post_proxy,
    proxy_params,
    wait_for_subscribers,
    ws_connection,
    ws_session,
)

STAFF_SUBSCRIPTION = """
subscription ($id: ID!) { pointsBalanceChanged(customerId: $id) {
  customerId transactionId kind delta pointsBalance lifetimePoints } }
"""
MY_SUBSCRIPTION = (
    "subscription { myPointsBalanceChanged { customerId kind delta pointsBalance lifetimePoints } }"
)


def local_id(gid: str) -> int:
    return int(base64.urlsafe_b64decode(gid + "=" * (-len(gid) % 4)).decode().split(":")[1])


def channel(shop, gid: str) -> str:
    return points.balance_channel(shop.id, local_id(gid))


@pytest.fixture
async def customer(shop, drain):
    await shop.webhook(
        "orders/create", payloads.order(1, subtotal="10.00", customer_body=payloads.customer(31))
    )
    await drain()
    return await customer_gid(shop, 31)


async def next_event(ws, op: str) -> dict:
    message = await ws.receive()
    assert message["id"] == op, message
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]


async def close_code_after_init(server: str, payload: dict | None) -> int:
    async with ws_connection(server) as ws:
        await ws.send({"type": "connection_init", "payload": payload or {}})
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.receive()
        return closed.value.rcvd.code


async def test_staff_sees_worker_and_mutation_balance_changes(shop, customer, server, drain):
    async with ws_session(server, {"Authorization": f"Bearer {shop.token()}"}) as ws:
        op = await ws.subscribe(STAFF_SUBSCRIPTION, {"id": customer})
        await wait_for_subscribers(channel(shop, customer))

        # an order processed by the real worker, published from its own loop via Redis
        await shop.webhook(
            "orders/create", payloads.order(2, subtotal="25.00", customer_body=payloads.customer(31))
        )
        await drain()
        earned = (await next_event(ws, op))["pointsBalanceChanged"]
        assert earned.pop("transactionId")
        assert earned == {
            "customerId": customer,
            "kind": "EARN",
            "delta": 25,
            "pointsBalance": 35,
            "lifetimePoints": 35,
        }

        # a staff adjustment over HTTP
        adjusted = (await adjust(shop, customer, -5, "correction"))["data"]["adjustPoints"]
        event = (await next_event(ws, op))["pointsBalanceChanged"]
        assert event == {
            "customerId": customer,
            "transactionId": adjusted["transaction"]["id"],
            "kind": "ADJUST",
            "delta": -5,
            "pointsBalance": 30,
            "lifetimePoints": 35,
        }


async def test_events_of_other_customers_are_not_delivered(shop, customer, server, drain):
    await shop.webhook(
        "orders/create", payloads.order(3, subtotal="10.00", customer_body=payloads.customer(32))
    )
    await drain()
    other = await customer_gid(shop, 32)
    async with ws_session(server, {"Authorization": f"Bearer {shop.token()}"}) as ws:
        op = await ws.subscribe(STAFF_SUBSCRIPTION, {"id": customer})
        await wait_for_subscribers(channel(shop, customer))
        await adjust(shop, other, 100)
        await adjust(shop, customer, 1)
        # the first event to arrive is the watched customer's own
        event = (await next_event(ws, op))["pointsBalanceChanged"]
        assert (event["customerId"], event["delta"]) == (customer, 1)


async def test_refused_adjustment_publishes_nothing(shop, customer, server):
    async with ws_session(server, {"Authorization": f"Bearer {shop.token()}"}) as ws:
        op = await ws.subscribe(STAFF_SUBSCRIPTION, {"id": customer})
        await wait_for_subscribers(channel(shop, customer))
        refused = (await adjust(shop, customer, -1000))["data"]["adjustPoints"]
        assert refused["userErrors"][0]["code"] == "INSUFFICIENT_POINTS"
        await adjust(shop, customer, 2)
        assert (await next_event(ws, op))["pointsBalanceChanged"]["delta"] == 2


async def test_complete_and_disconnect_release_the_redis_subscription(shop, customer, server):
    from loyalnest.platform.redis import get_async_redis, key

    name = key(channel(shop, customer))

    async def listeners() -> int:
        return dict(await get_async_redis().pubsub_numsub(name))[name.encode()]

    async def until_no_listeners() -> None:
        deadline = time.monotonic() + WS_TIMEOUT
        while await listeners() != 0:
            assert time.monotonic() < deadline, "subscription was not released"
            await asyncio.sleep(0.01)

    async with ws_session(server, {"Authorization": f"Bearer {shop.token()}"}) as ws:
        op = await ws.subscribe(STAFF_SUBSCRIPTION, {"id": customer})
        await wait_for_subscribers(channel(shop, customer))
        await ws.send({"id": op, "type": "complete"})
        await until_no_listeners()

        await ws.subscribe(STAFF_SUBSCRIPTION, {"id": customer})
        await wait_for_subscribers(channel(shop, customer))
    await until_no_listeners()


# Since issue 8: 4401 for a missing or invalid credential (graphql-ws clients stop and
# ask for a new one), 4403 for a genuine one that grants nothing (before, always 4403).
@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(None, id="no-payload"),
        pytest.param({"Authorization": ""}, id="empty"),
        pytest.param({"Authorization": "Bearer nonsense"}, id="malformed"),
        pytest.param({"Authorization": "Basic abc"}, id="not-bearer"),
        pytest.param({"customerToken": "nonsense"}, id="bad-customer-token"),
        pytest.param({"customerToken": 12}, id="customer-token-not-a-string"),
    ],
)
async def test_connection_init_without_a_valid_credential_is_closed_4401(server, payload):
    assert await close_code_after_init(server, payload) == 4401


async def test_connection_init_with_refused_tokens_is_closed_4401_or_4403(shop, server, settings):
    expired = mint_session_token(settings, shop.domain, ttl_seconds=60, now=time.time() - 120)
    assert await close_code_after_init(server, {"Authorization": f"Bearer {expired}"}) == 4401
    # genuine, but for a shop that has not installed the app: authorization, not authentication
    unknown = mint_session_token(settings, "nobody-here.myshopify.com")
    assert await close_code_after_init(server, {"Authorization": f"Bearer {unknown}"}) == 4403
    # a staff session token is not a customer token, and the other way round
    assert await close_code_after_init(server, {"customerToken": shop.token()}) == 4401


async def test_connection_init_with_refused_customer_tokens_is_closed_4401_or_4403(shop, server, settings):
    customer = Customer(
        merchant_id=shop.id, shop_domain=shop.domain, shopify_customer_id=31, customer_id=None
    )
    expired = mint_customer_token(settings, customer, now=time.time() - 3600)
    assert await close_code_after_init(server, {"customerToken": expired}) == 4401
    elsewhere = mint_customer_token(
        settings,
        Customer(merchant_id=0, shop_domain="nobody.myshopify.com", shopify_customer_id=31, customer_id=None),
    )
    assert await close_code_after_init(server, {"customerToken": elsewhere}) == 4403
    # the customer token is not a staff credential either
    valid = mint_customer_token(settings, customer)
    assert await close_code_after_init(server, {"Authorization": f"Bearer {valid}"}) == 4401


async def test_connection_init_close_reason_says_why(shop, server, settings):
    expired = mint_session_token(settings, shop.domain, ttl_seconds=60, now=time.time() - 120)
    async with ws_connection(server) as ws:
        await ws.send({"type": "connection_init", "payload": {"Authorization": f"Bearer {expired}"}})
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.receive()
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4401, "session token expired")


async def test_subscribing_before_connection_init_is_refused(server):
    async with ws_connection(server) as ws:
        await ws.subscribe("subscription { myPointsBalanceChanged { delta } }")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.receive()
        assert closed.value.rcvd.code == 4401


async def test_storefront_customer_subscribes_with_the_token_from_me(shop, customer, server, http, settings):
    me = await post_proxy(
        http, proxy_params(settings, shop.domain, 31), "{ me { subscriptionToken pointsBalance } }"
    )
    assert me["data"]["me"]["pointsBalance"] == 10
    token = me["data"]["me"]["subscriptionToken"]

    async with ws_session(server, {"customerToken": token}) as ws:
        op = await ws.subscribe(MY_SUBSCRIPTION)
        await wait_for_subscribers(channel(shop, customer))
        await adjust(shop, customer, 15, "welcome")
        event = (await next_event(ws, op))["myPointsBalanceChanged"]
        assert event == {
            "customerId": customer,
            "kind": "ADJUST",
            "delta": 15,
            "pointsBalance": 25,
            "lifetimePoints": 25,
        }


async def test_customer_token_cannot_use_staff_subscriptions_and_vice_versa(
    shop, customer, server, http, settings
):
    me = await post_proxy(http, proxy_params(settings, shop.domain, 31), "{ me { subscriptionToken } }")
    token = me["data"]["me"]["subscriptionToken"]
    async with ws_session(server, {"customerToken": token}) as ws:
        op = await ws.subscribe(STAFF_SUBSCRIPTION, {"id": customer})
        errors = await ws.errors_of(op)
        assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]
        assert errors[0]["message"] == "staff session token required"

    async with ws_session(server, {"Authorization": f"Bearer {shop.token()}"}) as ws:
        op = await ws.subscribe(MY_SUBSCRIPTION)
        errors = await ws.errors_of(op)
        assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]
        assert errors[0]["message"] == "storefront customer session required"


async def test_customer_not_yet_known_to_the_shop_cannot_subscribe(shop, server, http, settings):
    me = await post_proxy(
        http, proxy_params(settings, shop.domain, 999), "{ me { enrolled pointsBalance subscriptionToken } }"
    )
    assert me["data"]["me"]["enrolled"] is False
    async with ws_session(server, {"customerToken": me["data"]["me"]["subscriptionToken"]}) as ws:
        op = await ws.subscribe(MY_SUBSCRIPTION)
        errors = await ws.errors_of(op)
        assert [(e["message"], e["extensions"]["code"]) for e in errors] == [
            ("this shop has no loyalty account for you yet", "NOT_FOUND")
        ]


async def test_websocket_carries_subscriptions_not_queries_or_mutations(shop, customer, server):
    """A session token is checked once, at connection_init; queries and mutations go over
    HTTP where every request brings a fresh one."""
    async with ws_session(server, {"Authorization": f"Bearer {shop.token()}"}) as ws:
        op = await ws.subscribe(
            "mutation ($id: ID!) {"
            ' adjustPoints(customerId: $id, delta: 50, reason: "ws") { userErrors { code } } }',
            {"id": customer},
        )
        errors = await ws.errors_of(op)
        assert [e["extensions"]["code"] for e in errors] == ["BAD_REQUEST"]
        op = await ws.subscribe("{ shop { domain } }")
        errors = await ws.errors_of(op)
        assert [e["extensions"]["code"] for e in errors] == ["BAD_REQUEST"]
    assert (await shop.gql("query ($id: ID!) { customer(id: $id) { pointsBalance } }", {"id": customer}))[
        "data"
    ]["customer"]["pointsBalance"] == 10
