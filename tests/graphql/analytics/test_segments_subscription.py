"""rfmSegmentsChanged over graphql-transport-ws on /graphql: the counts at once, then
after each change signal the RFM work publishes on Redis pub/sub, at most once a second
per shop, a burst coalesced into one trailing push that carries the last change; another
shop's signals reach nobody here; analysts and admins only."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from loyalnest.contexts.analytics.events import segments_changed_channel
from loyalnest.platform import pubsub
from tests.contexts.analytics.segments_support import make_customer, score
from tests.graphql.conftest import wait_for_subscribers, ws_session

CHANGED = "subscription { rfmSegmentsChanged { totalCustomers segments { slug customers name } } }"


async def _next(ws: Any, op: str, timeout: float = 10.0) -> dict[str, Any]:
    message = await ws.receive(timeout)
    assert message["id"] == op, message
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["rfmSegmentsChanged"]


def _count(data: dict[str, Any], slug: str) -> int:
    return next(s["customers"] for s in data["segments"] if s["slug"] == slug)


async def test_counts_pushed_coalesced_at_most_once_a_second(shop: Any, make_shop: Any, server: str) -> None:
    other = await make_shop()
    first = await make_customer(shop)
    await score(shop, first, 5, 5, 5, "champions")
    staff = {"Authorization": f"Bearer {shop.token(roles=['admin:analytics'])}"}
    theirs = {"Authorization": f"Bearer {other.token(roles=['admin:analytics'])}"}
    async with ws_session(server, staff) as ws, ws_session(server, theirs) as elsewhere:
        op = await ws.subscribe(CHANGED)
        now = await _next(ws, op)
        assert now["totalCustomers"] == 1
        assert _count(now, "champions") == 1
        assert next(s["name"] for s in now["segments"] if s["slug"] == "at_risk") == "At Risk"
        their_op = await elsewhere.subscribe(CHANGED)
        assert (await _next(elsewhere, their_op))["totalCustomers"] == 0
        await wait_for_subscribers(segments_changed_channel(shop.id))
        await wait_for_subscribers(segments_changed_channel(other.id))

        # a first change after a quiet second is pushed at once
        second = await make_customer(shop)
        await score(shop, second, 1, 3, 3, "at_risk")
        started = time.monotonic()
        await pubsub.publish(segments_changed_channel(shop.id), {})
        pushed = await _next(ws, op)
        assert _count(pushed, "at_risk") == 1
        first_push = time.monotonic()
        assert first_push - started < 0.9

        # a burst within the next second: one push, after the second, with the last change
        for _ in range(3):
            extra = await make_customer(shop)
            await score(shop, extra, 1, 3, 3, "at_risk")
            await pubsub.publish(segments_changed_channel(shop.id), {})
            await asyncio.sleep(0.05)
        burst = await _next(ws, op)
        assert time.monotonic() - first_push >= 0.95
        assert _count(burst, "at_risk") == 4
        assert burst["totalCustomers"] == 5
        # nothing else queued for that burst
        try:
            extra_message = await ws.receive(timeout=1.5)
        except TimeoutError:
            extra_message = None
        assert extra_message is None, extra_message

        # the other shop's dashboard heard none of it; its own signal reaches it only
        await pubsub.publish(segments_changed_channel(other.id), {})
        assert (await _next(elsewhere, their_op))["totalCustomers"] == 0


async def test_only_analytics_staff_may_subscribe(shop: Any, server: str) -> None:
    support = {"Authorization": f"Bearer {shop.token(roles=['admin:support'])}"}
    async with ws_session(server, support) as ws:
        op = await ws.subscribe(CHANGED)
        errors = await ws.errors_of(op)
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
