"""Segment exports end to end below GraphQL: asked for in a unit of work, written by the
real actor on the real worker (PII decrypted through the customers api, points and tier
through theirs), neutralised against CSV injection, stored encrypted, downloadable
through a signed expiring link, idempotent and restartable, purged once expired."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.points import api as points
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform import queue
from loyalnest.platform.errors import DomainError
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests.contexts.analytics.products_support import QUEUE, line, order, person, score, seed
from tests.contexts.support import rows, scalar


async def _champions(shop: Any) -> tuple[list[int], list[Any]]:
    people = [
        person('=HYPERLINK("http://x")', "Okafor", email="ada@example.com"),
        person("Ben", "-2+3", email="ben@example.com"),
        person("Cleo", "Nobody", email="cleo@example.com"),
    ]
    ids = await seed(shop, people, [order(i, 3, line(9_200_000_001, "10.00")) for i in range(3)])
    await score(shop, ids[0], "champions", r=5, f=4, m=5)
    await score(shop, ids[1], "champions", r=4, f=5, m=4)
    await score(shop, ids[2], "at_risk", r=1, f=3, m=2)
    async with unit_of_work() as uow:
        await points.adjust_points(
            uow,
            merchant_id=shop.id,
            customer_id=ids[0],
            delta=120,
            reason="test",
            actor="staff:test",
            idempotency_key=f"export-{ids[0]}",
        )
        tier = await tiers.create_tier(
            uow,
            merchant_id=shop.id,
            actor="staff:test",
            data=tiers.TierInput(names=[("en", "Gold")], default_locale="en", threshold=Decimal(100)),
        )
    async with unit_of_work() as uow:
        await tiers.assign_tier(
            uow,
            merchant_id=shop.id,
            customer_id=ids[0],
            tier_id=tier.id,
            actor="staff:test",
            reason="test",
            until=None,
        )
    return ids, people


async def _export(
    shop: Any, segment: str, drain: Callable[[], Awaitable[None]]
) -> analytics.SegmentExportDTO:
    async with unit_of_work() as uow:
        queued = await analytics.request_segment_export(
            uow, shop.id, segment, actor="staff:test", requested_by="42"
        )
    assert queued.status == "queued"
    await drain()
    done = await analytics.get_segment_export(shop.id, queued.id)
    assert done is not None
    return done


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


async def test_export_writes_the_segment_as_neutralised_encrypted_csv(
    shop: Any, drain: Callable[[], Awaitable[None]]
) -> None:
    _ids, people = await _champions(shop)
    export = await _export(shop, "champions", drain)
    assert (export.status, export.rows_done, export.rows_total) == ("completed", 2, 2)
    assert export.expires_at is not None
    assert timedelta(hours=23) < export.expires_at - utcnow() <= timedelta(hours=24)

    stored = await scalar("SELECT content_enc FROM analytics_exports WHERE merchant_id = :m", m=shop.id)
    assert "ada@example.com" not in stored
    assert stored.startswith("dev1:")

    url = analytics.export_download_url(export)
    assert url is not None
    assert "/analytics/exports/" in url
    download = await analytics.export_download(_token(url))
    assert download is not None
    assert download.filename.startswith("segment-champions-")
    assert download.filename.endswith(f"-{export.id}.csv")
    table = list(csv.reader(io.StringIO(download.content.decode())))
    assert table[0] == [
        "customer_id",
        "email",
        "first_name",
        "last_name",
        "points_balance",
        "tier",
        "recency_score",
        "frequency_score",
        "monetary_score",
        "segment",
        "last_order_at",
    ]
    assert [row[:10] for row in table[1:]] == [
        [
            f"gid://shopify/Customer/{people[0].shopify_id}",
            "ada@example.com",
            '\'=HYPERLINK("http://x")',
            "Okafor",
            "120",
            "Gold",
            "5",
            "4",
            "5",
            "champions",
        ],
        [
            f"gid://shopify/Customer/{people[1].shopify_id}",
            "ben@example.com",
            "Ben",
            "'-2+3",
            "0",
            "",
            "4",
            "5",
            "4",
            "champions",
        ],
    ]
    assert all(row[10] for row in table[1:])  # the last order, ISO 8601


async def test_the_actor_is_idempotent_and_restarts_a_dead_run(
    shop: Any, drain: Callable[[], Awaitable[None]]
) -> None:
    await _champions(shop)
    export = await _export(shop, "champions", drain)
    queue.send(analytics.RUN_SEGMENT_EXPORT_ACTOR, QUEUE, {"merchant_id": shop.id, "export_id": export.id})
    await drain()
    again = await analytics.get_segment_export(shop.id, export.id)
    assert again == export  # a completed export is left alone

    # a worker died mid-run: the redelivered message starts it over from row 0
    async with unit_of_work() as uow:
        queued = await analytics.request_segment_export(
            uow, shop.id, "champions", actor="staff:test", requested_by=None
        )
    await drain()
    async with unit_of_work() as uow:
        await uow.session.execute(
            text(
                "UPDATE analytics_exports SET status = 'running', rows_done = 7, content_enc = NULL,"
                " completed_at = NULL, expires_at = NULL WHERE merchant_id = :m AND id = :i"
            ),
            {"m": shop.id, "i": queued.id},
        )
    queue.send(analytics.RUN_SEGMENT_EXPORT_ACTOR, QUEUE, {"merchant_id": shop.id, "export_id": queued.id})
    await drain()
    redone = await analytics.get_segment_export(shop.id, queued.id)
    assert redone is not None
    assert (redone.status, redone.rows_done) == ("completed", 2)


async def test_links_expire_and_expired_content_is_purged(
    shop: Any, drain: Callable[[], Awaitable[None]]
) -> None:
    await _champions(shop)
    export = await _export(shop, "at_risk", drain)
    assert export.rows_done == 1
    url = analytics.export_download_url(export)
    assert url is not None
    token = _token(url)
    assert (
        await analytics.export_download(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]) is None
    )
    assert await analytics.export_download("not-a-token") is None

    async with unit_of_work() as uow:
        await uow.session.execute(
            text(
                "UPDATE analytics_exports SET expires_at = now() - interval '1 minute' WHERE merchant_id = :m"
            ),
            {"m": shop.id},
        )
    # the link's own expiry has not passed, the export's has: nothing is served
    assert await analytics.export_download(token) is None
    expired = await analytics.get_segment_export(shop.id, export.id)
    assert expired is not None
    assert analytics.export_download_url(expired) is None

    queue.send("analytics.purge_expired_exports", QUEUE, {})
    await drain()
    assert await rows("SELECT content_enc FROM analytics_exports WHERE merchant_id = :m", m=shop.id) == [
        {"content_enc": None}
    ]


async def test_unknown_segments_are_refused_and_shops_kept_apart(
    make_shop: Callable[..., Awaitable[Any]], drain: Callable[[], Awaitable[None]]
) -> None:
    shop, other = await make_shop(), await make_shop()
    await _champions(shop)
    for segment, code in (("vips", "INVALID"), ("custom:999999", "NOT_FOUND")):
        with pytest.raises(DomainError) as refused:
            async with unit_of_work() as uow:
                await analytics.request_segment_export(
                    uow, shop.id, segment, actor="staff:test", requested_by=None
                )
        assert (refused.value.code, refused.value.field) == (code, "segment")

    export = await _export(other, "champions", drain)
    assert (export.status, export.rows_done) == ("completed", 0)  # shop's champions are not other's
    assert await analytics.get_segment_export(shop.id, export.id) is None


async def test_a_custom_segment_exports_its_members(shop: Any, drain: Callable[[], Awaitable[None]]) -> None:
    _, people = await _champions(shop)
    async with unit_of_work() as uow:
        custom = await analytics.create_custom_segment(
            uow, shop.id, analytics.CustomSegmentInput(name="Big spenders", rule="m >= 5"), actor="staff:test"
        )
    await drain()  # its members materialise on the worker
    export = await _export(shop, f"custom:{custom.id}", drain)
    assert (export.status, export.rows_done) == ("completed", 1)
    url = analytics.export_download_url(export)
    assert url is not None
    download = await analytics.export_download(_token(url))
    assert download is not None
    table = list(csv.reader(io.StringIO(download.content.decode())))
    assert [row[0] for row in table[1:]] == [f"gid://shopify/Customer/{people[0].shopify_id}"]
    assert download.filename.startswith("segment-custom-")
