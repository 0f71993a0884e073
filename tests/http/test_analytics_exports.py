"""GET /analytics/exports/{token}: a completed export's CSV behind its signed link, 404
for anything else (bad, tampered, expired, purged), as an attachment nobody caches,
with nothing of the token or the content in the logs.

Through the real API app (uvicorn on loopback, the session's test server), in front of
the real database."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from loyalnest.contexts.analytics import api as analytics
from loyalnest.platform.uow import unit_of_work
from tests.contexts.analytics.products_support import line, order, person, score, seed


@pytest.fixture
async def client(http: httpx.AsyncClient) -> httpx.AsyncClient:
    return http


async def _link(shop: Any, drain: Callable[[], Awaitable[None]]) -> tuple[str, int]:
    ids = await seed(
        shop, [person("=cmd", "Zed", email="zed@example.com")], [order(0, 1, line(9_400_000_001, "5.00"))]
    )
    await score(shop, ids[0], "loyal", r=4, f=4, m=3)
    async with unit_of_work() as uow:
        export = await analytics.request_segment_export(
            uow, shop.id, "loyal", actor="staff:test", requested_by=None
        )
    await drain()
    done = await analytics.get_segment_export(shop.id, export.id)
    assert done is not None
    url = analytics.export_download_url(done)
    assert url is not None
    return "/analytics/exports/" + url.rsplit("/", 1)[1], export.id


async def test_a_valid_link_downloads_the_csv(
    shop: Any,
    drain: Callable[[], Awaitable[None]],
    client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path, export_id = await _link(shop, drain)
    with caplog.at_level(logging.DEBUG):
        response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="segment-loyal-')
    assert disposition.endswith(f'-{export_id}.csv"')
    lines = response.text.splitlines()
    assert lines[0].startswith("customer_id,email,first_name,last_name,points_balance,tier,")
    assert "zed@example.com,'=cmd,Zed,0,,4,4,3,loyal," in lines[1]
    # what the app logs (the test client's own request log is not the server's)
    logged = " ".join(
        f"{r.getMessage()} {r.__dict__}" for r in caplog.records if r.name.startswith("loyalnest")
    )
    assert "segment export downloaded" in logged
    assert "zed@example.com" not in logged
    assert path.rsplit("/", 1)[1] not in logged


async def test_anything_else_is_not_found(
    shop: Any, drain: Callable[[], Awaitable[None]], client: httpx.AsyncClient
) -> None:
    path, _ = await _link(shop, drain)
    token = path.rsplit("/", 1)[1]
    payload, signature = token.split(".")
    forged = f"{payload}.{signature[::-1]}"
    for bad in ("nothing", "a.b", forged, token + "x", "x" * 400):
        response = await client.get(f"/analytics/exports/{bad}")
        assert response.status_code == 404, bad
        assert "csv" not in response.headers["content-type"]

    async with unit_of_work() as uow:
        await uow.session.execute(
            text(
                "UPDATE analytics_exports SET expires_at = now() - interval '1 second' WHERE merchant_id = :m"
            ),
            {"m": shop.id},
        )
    assert (await client.get(path)).status_code == 404
