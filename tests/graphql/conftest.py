"""Helpers for driving the GraphQL API over its real transports: HTTP POST on /graphql,
graphql-transport-ws on /graphql, and Shopify-signed requests on /proxy/graphql."""

from __future__ import annotations

import asyncio
import re
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
import orjson
import pytest
import websockets

from tests import payloads

WS_TIMEOUT = 10.0

# --- HTTP --------------------------------------------------------------------------


async def post_graphql(
    http: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST /graphql with an optional Bearer token; the response must be JSON with HTTP 200."""
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    response = await http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=sent)
    assert response.status_code == 200, response.text
    return response.json()


def error_codes(result: dict[str, Any]) -> list[str | None]:
    return [(e.get("extensions") or {}).get("code") for e in result.get("errors") or []]


def refused_roots(result: dict[str, Any]) -> None:
    """A refused request: root fields are nullable, so each refused one is null (with its
    error on its own path) rather than the whole ``data``; nothing readable came back."""
    data = result.get("data")
    assert isinstance(data, dict), result
    assert data, result
    assert all(value is None for value in data.values()), result


def only_error(result: dict[str, Any]) -> dict[str, Any]:
    errors = result.get("errors") or []
    assert len(errors) == 1, result
    return errors[0]


# --- storefront app proxy ------------------------------------------------------------


def proxy_params(
    settings: Any,
    shop_domain: str,
    customer_id: int | str | None,
    *,
    timestamp: float | None = None,
    secret: str | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """Query parameters as Shopify's app proxy sends them, signed (with the widget's own
    ``extra`` parameters, which Shopify signs too)."""
    from loyalnest.contexts.webhooks import api as webhooks

    params = {
        "shop": shop_domain,
        "logged_in_customer_id": "" if customer_id is None else str(customer_id),
        "path_prefix": "/apps/loyalnest",
        "timestamp": str(int(timestamp if timestamp is not None else time.time())),
        **(extra or {}),
    }
    signature = webhooks.app_proxy_signature(
        secret or settings.shopify_api_secret, {k: [v] for k, v in params.items()}
    )
    return {**params, "signature": signature}


async def post_proxy(
    http: httpx.AsyncClient,
    params: dict[str, str],
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = await http.post(
        "/proxy/graphql",
        params=params,
        json={"query": query, "variables": variables or {}},
        headers=headers or {},
    )
    assert response.status_code == 200, response.text
    return response.json()


# --- test data through the real webhook pipeline ---------------------------------------


async def create_customers(
    shop: Any, drain: Callable[[], Awaitable[None]], specs: list[dict[str, Any]]
) -> None:
    """Send customers/create webhooks (``payloads.customer`` keyword args plus "id") and
    wait for the worker."""
    for spec in specs:
        spec = dict(spec)
        response = await shop.webhook("customers/create", payloads.customer(spec.pop("id"), **spec))
        assert response.status_code == 200, response.text
    await drain()


async def customer_gid(shop: Any, shopify_id: int) -> str:
    result = await shop.gql(
        "query ($s: ID!) { customerByShopifyId(shopifyId: $s) { id } }", {"s": str(shopify_id)}
    )
    found = result["data"]["customerByShopifyId"]
    assert found is not None, result
    return found["id"]


async def balance_of(shop: Any, gid: str) -> tuple[int, int, int]:
    """(pointsBalance, lifetimePoints, number of ledger rows) as the shop's staff sees it."""
    result = await shop.gql(
        "query ($id: ID!) { customer(id: $id) { pointsBalance lifetimePoints"
        " transactions(first: 100) { nodes { id } } } }",
        {"id": gid},
    )
    node = result["data"]["customer"]
    return node["pointsBalance"], node["lifetimePoints"], len(node["transactions"]["nodes"])


ADJUST = """
mutation ($id: ID!, $delta: Int!, $reason: String!, $key: String) {
  adjustPoints(customerId: $id, delta: $delta, reason: $reason, idempotencyKey: $key) {
    transaction { id delta kind source reason actor balanceAfter }
    customer { id pointsBalance lifetimePoints }
    userErrors { field message code }
  }
}
"""


async def adjust(shop: Any, gid: str, delta: int, reason: str = "goodwill", **kwargs: Any) -> dict[str, Any]:
    token = kwargs.pop("token", None)
    return await shop.gql(ADJUST, {"id": gid, "delta": delta, "reason": reason, **kwargs}, token=token)


# --- SQL statement counting -------------------------------------------------------------


# Transaction control, not work: a count pins the statements that read or write data.
_TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """Every data statement this test's thread sends while active: the ORM's and raw
    asyncpg ones, on every connection (sessions, the plain connections DataLoaders use),
    as ``platform.db.observe_statements`` sees them; BEGIN/COMMIT/ROLLBACK left out. The
    test server runs on the test's event loop, in its thread; the Dramatiq worker's
    threads are not the request's and are not counted."""
    from loyalnest.platform.db import observe_statements

    statements: list[str] = []
    thread = threading.get_ident()

    def record(statement: str) -> None:
        if threading.get_ident() == thread and not _TRANSACTION_CONTROL.match(statement):
            statements.append(statement)

    with observe_statements(record):
        yield statements


# --- graphql-transport-ws -------------------------------------------------------------


class WsClient:
    def __init__(self, connection: Any):
        self.connection = connection

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(orjson.dumps(message).decode())

    async def receive(self, timeout: float = WS_TIMEOUT) -> dict[str, Any]:
        """The next message that is not a ping/pong (pings are answered)."""
        while True:
            raw = await asyncio.wait_for(self.connection.recv(), timeout)
            message = orjson.loads(raw)
            if message.get("type") == "ping":
                await self.send({"type": "pong"})
                continue
            if message.get("type") == "pong":
                continue
            return message

    async def errors_of(self, op_id: str) -> list[dict[str, Any]]:
        """The errors an operation ended with (as an "error" message or in a "next")."""
        while True:
            message = await self.receive()
            if message["type"] == "complete":
                continue  # an earlier operation finishing
            assert message.get("id") == op_id, message
            if message["type"] == "error":
                return message["payload"]
            if message["type"] == "next":
                assert message["payload"].get("errors"), message
                return message["payload"]["errors"]

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        op_id = uuid.uuid4().hex
        await self.send(
            {"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}}
        )
        return op_id


@asynccontextmanager
async def ws_session(server: str, init_payload: dict[str, Any] | None) -> AsyncIterator[WsClient]:
    """A graphql-transport-ws connection, acknowledged (fails the test otherwise)."""
    async with ws_connection(server) as client:
        await client.send({"type": "connection_init", "payload": init_payload or {}})
        ack = await client.receive()
        assert ack["type"] == "connection_ack", ack
        yield client


@asynccontextmanager
async def ws_connection(server: str) -> AsyncIterator[WsClient]:
    url = server.replace("http://", "ws://") + "/graphql"
    connection = await asyncio.wait_for(
        websockets.connect(url, subprotocols=["graphql-transport-ws"], open_timeout=WS_TIMEOUT), WS_TIMEOUT
    )
    try:
        yield WsClient(connection)
    finally:
        await asyncio.wait_for(connection.close(), WS_TIMEOUT)


async def wait_for_subscribers(channel: str, count: int = 1, timeout: float = WS_TIMEOUT) -> None:
    """Until ``count`` clients listen on the (un-namespaced) pub/sub channel."""
    from loyalnest.platform.redis import get_async_redis, key

    deadline = time.monotonic() + timeout
    while True:
        found = dict(await get_async_redis().pubsub_numsub(key(channel)))
        listening = next(iter(found.values()), 0)
        if listening >= count:
            return
        assert time.monotonic() < deadline, f"nobody subscribed to {channel} within {timeout}s"
        await asyncio.sleep(0.01)


@pytest.fixture
def proxy(http: httpx.AsyncClient, settings: Any) -> Callable[..., Awaitable[dict[str, Any]]]:
    """proxy(shop, shopify_customer_id, query, variables=None, **proxy_params kwargs)."""

    async def _proxy(
        shop: Any, customer_id: int | None, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        return await post_proxy(
            http, proxy_params(settings, shop.domain, customer_id, **kwargs), query, variables
        )

    return _proxy
