"""Segments following real orders end to end: orders through the signed webhook route,
scored by the RFM work in the worker's processing pass; rfmSegments counts them, the
dashboard's rfmSegmentsChanged receives the new counts (published by the RFM work after
commit), and a full recompute refreshes custom segments' members."""

from __future__ import annotations

from typing import Any

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.analytics.events import segments_changed_channel
from loyalnest.graphql.core.ids import encode_id
from loyalnest.platform.uow import unit_of_work
from tests.contexts.analytics.segments_support import members
from tests.contexts.points.helpers import local_id, new_id, order
from tests.graphql.conftest import wait_for_subscribers, ws_session

CHANGED = "subscription { rfmSegmentsChanged { totalCustomers segments { slug customers } } }"


async def test_an_order_moves_counts_live_and_recompute_refreshes_members(
    shop: Any, server: str, drain: Any
) -> None:
    token = shop.token(roles=["admin:analytics"])
    async with unit_of_work() as uow:
        segment = await analytics.create_custom_segment(
            uow, shop.id, analytics.CustomSegmentInput(name="Ordered", rule="f >= 1"), actor="staff:test"
        )
    await drain()
    async with ws_session(server, {"Authorization": f"Bearer {token}"}) as ws:
        op = await ws.subscribe(CHANGED)
        first = await ws.receive()
        assert first["payload"]["data"]["rfmSegmentsChanged"]["totalCustomers"] == 0, first
        await wait_for_subscribers(segments_changed_channel(shop.id))

        shopify_customer = new_id()
        await order(shop, drain, new_id(), shopify_customer, "40.00")
        pushed = await ws.receive()
        assert pushed["id"] == op, pushed
        assert pushed["payload"]["data"]["rfmSegmentsChanged"]["totalCustomers"] == 1, pushed

    customer = await local_id(shop, shopify_customer)
    counts = await shop.gql("{ rfmSegments { totalCustomers } }", token=token)
    assert counts["data"]["rfmSegments"]["totalCustomers"] == 1
    await analytics.recompute_rfm(shop.id)
    assert await members(shop, segment.id) == [customer]
    found = await shop.gql(
        "query ($id: ID!) { customer(id: $id) { customSegments { name } } }",
        {"id": encode_id("Customer", customer)},
        token=token,
    )
    assert found["data"]["customer"]["customSegments"] == [{"name": "Ordered"}]
