"""What the webhook, points and customer tests look at: database rows read with plain
SQL (so a test sees what is really stored) and the customer as GraphQL shows it."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text

from loyalnest.platform.db import read_session

CUSTOMER_QUERY = """
query ($sid: ID!) {
  customerByShopifyId(shopifyId: $sid) {
    id shopifyId email firstName lastName phone birthday acceptsMarketing tags state
    pointsBalance lifetimePoints
    transactions(first: 50) { nodes { delta kind source sourceRef balanceAfter shortfall } }
  }
}
"""


async def rows(sql: str, **params: Any) -> list[dict[str, Any]]:
    async with read_session() as session:
        result = await session.execute(text(sql), params)
        return [dict(r) for r in result.mappings().all()]


async def scalar(sql: str, **params: Any) -> Any:
    async with read_session() as session:
        return (await session.execute(text(sql), params)).scalar()


async def execute(sql: str, **params: Any) -> int:
    """A change a test makes on the raw database (a row aged, a state forced), committed;
    returns the rows it touched."""
    async with read_session() as session:
        result = await session.execute(text(sql), params)
        await session.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def inbox_rows(merchant_id: int) -> list[dict[str, Any]]:
    return await rows(
        "select id, event_id, topic, payload_enc, processed_at, outcome, attempts, last_error,"
        " relays, relayed_at"
        " from shopify_webhook_inbox where merchant_id = :m order by id",
        m=merchant_id,
    )


async def ledger_rows(merchant_id: int) -> list[dict[str, Any]]:
    return await rows(
        "select customer_id, delta, kind, source, source_ref, shortfall, balance_after"
        " from points_ledger where merchant_id = :m order by id",
        m=merchant_id,
    )


async def customer_count(merchant_id: int) -> int:
    return int(await scalar("select count(*) from customers where merchant_id = :m", m=merchant_id))


async def customer(shop: Any, shopify_id: int) -> dict[str, Any] | None:
    result = await shop.gql(CUSTOMER_QUERY, {"sid": str(shopify_id)})
    assert "errors" not in result, result
    return result["data"]["customerByShopifyId"]


async def balance(shop: Any, shopify_id: int) -> int:
    found = await customer(shop, shopify_id)
    assert found is not None, f"customer {shopify_id} not found"
    return int(found["pointsBalance"])


async def adjust(shop: Any, customer_gid: str, delta: int, key: str | None = None) -> dict[str, Any]:
    result = await shop.gql(
        """mutation ($c: ID!, $d: Int!, $k: String) {
             adjustPoints(customerId: $c, delta: $d, reason: "test", idempotencyKey: $k) {
               transaction { delta balanceAfter } userErrors { field message code }
             }
           }""",
        {"c": customer_gid, "d": delta, "k": key},
    )
    assert "errors" not in result, result
    return result["data"]["adjustPoints"]


async def set_program(shop: Any, **arguments: Any) -> None:
    names = {"earn_on_shipping": "earnOnShipping", "earn_on_tax": "earnOnTax"}
    args = ", ".join(f"{names[k]}: {'true' if v else 'false'}" for k, v in arguments.items())
    result = await shop.gql(f"mutation {{ updateProgramSettings({args}) {{ userErrors {{ message }} }} }}")
    assert result["data"]["updateProgramSettings"]["userErrors"] == [], result


async def wait_for(
    probe: Callable[[], Awaitable[Any]], *, timeout: float = 10.0, interval: float = 0.05
) -> Any:
    """Poll ``probe`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (last value {value!r})")
        await asyncio.sleep(interval)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def broker_unreachable() -> Iterator[None]:
    """Point Dramatiq's global broker (what senders use) at a Redis that is not there,
    as when the broker is down; the real one is restored on the way out."""
    import dramatiq
    from dramatiq.brokers.redis import RedisBroker

    live = dramatiq.get_broker()
    dead = RedisBroker(url=f"redis://127.0.0.1:{_closed_port()}/0", middleware=[])
    dramatiq.set_broker(dead)
    try:
        yield
    finally:
        dramatiq.set_broker(live)
