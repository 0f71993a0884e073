"""``bench graphql`` measures the dashboard's queries at each concurrency against bare
Strawberry (issue 8, speed): every query answered without errors, figures per row."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from loyalnest.devtools import bench


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_every_dashboard_query_is_measured_at_each_concurrency(shop, server, settings):
    from loyalnest.devtools.bare_graphql import create_app

    port = _free_port()
    bare = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_config=None, lifespan="off")
    )
    bare.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(bare.serve())
    for _ in range(500):  # until it serves (at most 10 s)
        if bare.started:
            break
        await asyncio.sleep(0.02)
    try:
        report = await bench.run_dashboard_bench(
            server,
            f"http://127.0.0.1:{port}",
            settings=settings,
            merchant_id=shop.id,
            shop_domain=shop.domain,
            requests=30,
            concurrencies=(2, 4),
            customers_count=3,
            warmup=3,
        )
    finally:
        bare.should_exit = True
        await task
    assert [(row.query, row.concurrency) for row in report.rows] == [
        (query, concurrency) for concurrency in (2, 4) for query in bench.dashboard.QUERIES
    ]
    assert report.errors == 0
    for row in report.rows:
        assert row.per_second > 0
        assert row.bare_per_second > 0
        assert row.latency.p50_ms <= row.latency.p99_ms
    text = "\n".join(report.lines())
    assert "customerByShopifyId" in text
    assert "lowest ratio" in text
