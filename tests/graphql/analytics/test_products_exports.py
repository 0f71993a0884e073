"""exportSegment, segmentExport and segmentExportProgress through the HTTP endpoint and
graphql-transport-ws: queued, written by the real worker, followed live to its signed
link; refusals as userErrors; roles; the wall between shops."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from loyalnest.graphql.analytics.products.mutations import EXPORTS_PER_HOUR
from tests.contexts.analytics.products_support import line, order, person, score, seed
from tests.contexts.support import rows
from tests.graphql.conftest import error_codes, ws_session

EXPORT = """
mutation ($segment: String!) {
  exportSegment(segment: $segment) {
    segmentExport { id segment status rowsDone rowsTotal downloadUrl }
    userErrors { field code }
  }
}
"""
READ = """
query ($id: ID!) {
  segmentExport(id: $id) { id segment status rowsDone rowsTotal completedAt expiresAt downloadUrl }
}
"""
PROGRESS = (
    "subscription ($id: ID!) { segmentExportProgress(id: $id) { status rowsDone rowsTotal downloadUrl } }"
)


async def _shop_with_champions(make_shop: Callable[..., Awaitable[Any]], count: int = 2) -> Any:
    shop = await make_shop()
    ids = await seed(
        shop,
        [person() for _ in range(count)],
        [order(i, 2, line(9_300_000_001, "9.00")) for i in range(count)],
    )
    for customer_id in ids:
        await score(shop, customer_id, "champions", r=5, f=5, m=5)
    return shop


async def test_export_is_queued_written_and_linked(
    make_shop: Callable[..., Awaitable[Any]], drain: Callable[[], Awaitable[None]]
) -> None:
    shop = await _shop_with_champions(make_shop)
    asked = (await shop.gql(EXPORT, {"segment": "champions"}))["data"]["exportSegment"]
    assert asked["userErrors"] == []
    queued = asked["segmentExport"]
    assert (queued["segment"], queued["status"], queued["downloadUrl"]) == ("champions", "QUEUED", None)
    await drain()

    done = (await shop.gql(READ, {"id": queued["id"]}))["data"]["segmentExport"]
    assert (done["status"], done["rowsDone"], done["rowsTotal"]) == ("COMPLETED", 2, 2)
    assert done["completedAt"] is not None
    assert done["expiresAt"] is not None
    assert done["downloadUrl"].startswith(f"{shop.settings.public_base_url.rstrip('/')}/analytics/exports/")
    # the RfmSegment name is accepted too
    again = (await shop.gql(EXPORT, {"segment": "AT_RISK"}))["data"]["exportSegment"]
    assert again["segmentExport"]["segment"] == "at_risk"
    await drain()
    # audited: who took which segment's personal data out, not the data
    audited = await rows(
        "SELECT action, target_type, details FROM audit_entries WHERE merchant_id = :m"
        " AND action = 'analytics.segment_exported' ORDER BY id",
        m=shop.id,
    )
    assert [(a["target_type"], a["details"]) for a in audited] == [
        ("SegmentExport", {"segment": "champions"}),
        ("SegmentExport", {"segment": "at_risk"}),
    ]


async def test_refusals_are_user_errors(make_shop: Callable[..., Awaitable[Any]]) -> None:
    shop = await make_shop()
    for segment, code in (("vips", "INVALID"), ("custom:nope", "INVALID"), ("custom:424242", "NOT_FOUND")):
        refused = (await shop.gql(EXPORT, {"segment": segment}))["data"]["exportSegment"]
        assert refused == {"segmentExport": None, "userErrors": [{"field": ["segment"], "code": code}]}
    assert (await shop.gql(READ, {"id": "bm9wZQ"}))["data"]["segmentExport"] is None


async def test_roles(make_shop: Callable[..., Awaitable[Any]], drain: Callable[[], Awaitable[None]]) -> None:
    shop = await _shop_with_champions(make_shop)
    analyst = shop.token(roles=["admin:analytics"])
    asked = (await shop.gql(EXPORT, {"segment": "champions"}, token=analyst))["data"]["exportSegment"]
    assert asked["userErrors"] == []
    await drain()
    for role in ("admin:points", "admin:support"):
        token = shop.token(roles=[role])
        refused = await shop.gql(EXPORT, {"segment": "champions"}, token=token)
        assert refused["data"] == {"exportSegment": None}
        assert error_codes(refused) == ["FORBIDDEN"]
        read = await shop.gql(READ, {"id": asked["segmentExport"]["id"]}, token=token)
        assert read["data"] == {"segmentExport": None}


async def test_progress_is_pushed_until_the_link(
    make_shop: Callable[..., Awaitable[Any]],
    server: str,
    held_worker: Callable[[], AbstractAsyncContextManager[None]],
) -> None:
    shop = await _shop_with_champions(make_shop, count=3)
    async with ws_session(server, {"Authorization": f"Bearer {shop.token()}"}) as ws:
        async with held_worker():
            queued = (await shop.gql(EXPORT, {"segment": "champions"}))["data"]["exportSegment"][
                "segmentExport"
            ]
            op = await ws.subscribe(PROGRESS, {"id": queued["id"]})
            seen = [await ws.receive()]
            assert seen[0]["id"] == op
            assert seen[0]["payload"]["data"]["segmentExportProgress"]["status"] == "QUEUED"
        # the worker takes it now: nothing more than the subscription tells the client
        while (
            seen[-1]["type"] == "next"
            and seen[-1]["payload"]["data"]["segmentExportProgress"]["status"] != "COMPLETED"
        ):
            seen.append(await asyncio.wait_for(ws.receive(), 10))
        last = seen[-1]["payload"]["data"]["segmentExportProgress"]
        assert (last["status"], last["rowsDone"], last["rowsTotal"]) == ("COMPLETED", 3, 3)
        assert last["downloadUrl"] is not None
        assert (await asyncio.wait_for(ws.receive(), 10))["type"] == "complete"


async def test_shop_a_cannot_read_or_follow_shop_bs_export(
    make_shop: Callable[..., Awaitable[Any]], server: str, drain: Callable[[], Awaitable[None]]
) -> None:
    shop = await _shop_with_champions(make_shop)
    other = await make_shop()
    theirs = (await shop.gql(EXPORT, {"segment": "champions"}))["data"]["exportSegment"]["segmentExport"]
    await drain()
    assert (await other.gql(READ, {"id": theirs["id"]}))["data"]["segmentExport"] is None
    async with ws_session(server, {"Authorization": f"Bearer {other.token()}"}) as ws:
        op = await ws.subscribe(PROGRESS, {"id": theirs["id"]})
        errors = await ws.errors_of(op)
        assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
    # its own export of the same segment holds none of the first shop's customers
    mine = (await other.gql(EXPORT, {"segment": "champions"}))["data"]["exportSegment"]["segmentExport"]
    await drain()
    read = (await other.gql(READ, {"id": mine["id"]}))["data"]["segmentExport"]
    assert (read["status"], read["rowsDone"]) == ("COMPLETED", 0)


async def test_exports_are_rate_limited_per_shop(
    make_shop: Callable[..., Awaitable[Any]], drain: Callable[[], Awaitable[None]]
) -> None:
    shop, other = await make_shop(), await make_shop()
    for _ in range(EXPORTS_PER_HOUR):
        asked = (await shop.gql(EXPORT, {"segment": "lost"}))["data"]["exportSegment"]
        assert asked["userErrors"] == []
    refused = (await shop.gql(EXPORT, {"segment": "lost"}))["data"]["exportSegment"]
    assert refused == {"segmentExport": None, "userErrors": [{"field": None, "code": "RATE_LIMITED"}]}
    # another shop's limit is its own
    assert (await other.gql(EXPORT, {"segment": "lost"}))["data"]["exportSegment"]["userErrors"] == []
    await drain()
