"""More live sockets than the shared Redis pool has connections (100), through the real
/graphql WebSocket endpoint (issue 8, item 24): with a pub/sub connection per socket the
101st subscription was refused and the publish after commit starved, so nobody got the
update. Now every socket gets it, over one Redis subscription for the whole process."""

from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack
from typing import Any

from loyalnest.platform.redis import get_async_redis, key
from tests import payloads
from tests.graphql.conftest import WS_TIMEOUT, WsClient, adjust, customer_gid, ws_session
from tests.graphql.test_subscriptions import STAFF_SUBSCRIPTION, channel

SOCKETS = 150


class Listener:
    """One socket's subscription: every event it was sent, or how it was refused."""

    def __init__(self, ws: WsClient, op: str):
        self.ws = ws
        self.op = op
        self.events: list[dict[str, Any]] = []
        self.refused: dict[str, Any] | None = None

    async def listen(self) -> None:
        while True:
            message = await self.ws.receive(timeout=3600.0)  # cancelled when the test ends
            payload = message.get("payload") or {}
            if message["type"] != "next" or "errors" in payload:
                self.refused = message
                return
            self.events.append(payload["data"]["pointsBalanceChanged"])


async def until(check: Any, what: str, listeners: list[Listener]) -> None:
    deadline = time.monotonic() + WS_TIMEOUT
    while not check():
        refused = [listener.refused for listener in listeners if listener.refused]
        assert not refused, f"{len(refused)} of {SOCKETS} subscriptions refused, e.g. {refused[0]}"
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


async def test_150_sockets_all_receive_one_adjustment(shop, server, drain):
    await shop.webhook(
        "orders/create", payloads.order(1, subtotal="10.00", customer_body=payloads.customer(41))
    )
    await drain()
    customer = await customer_gid(shop, 41)

    async with AsyncExitStack() as stack:
        listeners = []
        for _ in range(SOCKETS):
            ws = await stack.enter_async_context(
                ws_session(server, {"Authorization": f"Bearer {shop.token()}"})
            )
            listeners.append(Listener(ws, await ws.subscribe(STAFF_SUBSCRIPTION, {"id": customer})))
        tasks = [asyncio.create_task(listener.listen()) for listener in listeners]
        try:
            # Whether each subscription has reached Redis is not visible from outside:
            # small adjustments until every socket has heard one prove the whole path.
            deadline = time.monotonic() + WS_TIMEOUT
            while not all(listener.events for listener in listeners):
                refused = [listener.refused for listener in listeners if listener.refused]
                assert not refused, f"{len(refused)} of {SOCKETS} subscriptions refused, e.g. {refused[0]}"
                heard = sum(bool(listener.events) for listener in listeners)
                assert time.monotonic() < deadline, f"only {heard} of {SOCKETS} sockets heard an update"
                await adjust(shop, customer, 1, "warm-up")
                await asyncio.sleep(0.2)

            adjusted = (await adjust(shop, customer, 25, "fan-out"))["data"]["adjustPoints"]
            transaction = adjusted["transaction"]["id"]

            def everyone_heard() -> bool:
                return all(
                    any(e["transactionId"] == transaction for e in listener.events) for listener in listeners
                )

            await until(everyone_heard, "not every socket received the adjustment", listeners)
            for listener in listeners:
                (event,) = [e for e in listener.events if e["transactionId"] == transaction]
                assert event == {
                    "customerId": customer,
                    "transactionId": transaction,
                    "kind": "ADJUST",
                    "delta": 25,
                    "pointsBalance": adjusted["customer"]["pointsBalance"],
                    "lifetimePoints": adjusted["customer"]["lifetimePoints"],
                }
            # the whole process listens on one Redis subscription, however many sockets
            name = key(channel(shop, customer))
            assert dict(await get_async_redis().pubsub_numsub(name)) == {name.encode(): 1}
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
