"""Bench smoke tests: tiny runs against the test server and worker. They check that the
report carries every number and that every order was awarded, never how fast."""

from __future__ import annotations

import asyncio

from loyalnest.devtools import bench
from loyalnest.devtools.loadgen import _Connection, percentile


async def test_webhook_bench_reports_every_number_and_awards_every_order(shop, server, worker):
    report = await bench.run_webhook_bench(
        server,
        merchant_id=shop.id,
        shop_domain=shop.domain,
        secret=shop.settings.shopify_api_secret,
        orders=50,
        concurrency=8,
        warmup=5,
        baseline_orders=20,
        baseline_concurrency=2,
        timeout=60,
    )
    assert (report.sent, report.accepted, report.errors) == (50, 50, 0)
    assert report.awarded == 50  # every order earned (its row and its ledger rows committed)
    assert await bench.earn_count(shop.id) == 5 + 50 + 20 + 20  # warm-up, run, both baselines
    assert report.accepted_per_second > 0
    assert 0 < report.latency.p50_ms <= report.latency.p99_ms <= report.latency.max_ms
    assert report.e2e_seconds >= report.accept_seconds > 0
    assert report.awarded_per_second > 0
    assert report.baseline_orders == report.batched_orders == 20
    assert report.baseline_per_second > 0
    assert report.batched_per_second > 0
    assert report.ratio is not None
    assert report.ratio > 0
    text = "\n".join(report.lines())
    for needle in ("webhooks/s", "p50", "p99", "orders/s", "baseline", "ratio"):
        assert needle in text


async def test_graphql_bench_compares_the_customer_query_with_bare_strawberry(
    shop, server, settings, bare_graphql
):
    report = await bench.run_graphql_bench(
        server,
        bare_graphql,
        settings=settings,
        merchant_id=shop.id,
        shop_domain=shop.domain,
        requests=40,
        concurrency=4,
        customers_count=3,
        warmup=5,
    )
    assert report.customer_errors == 0
    assert report.bare_errors == 0
    assert report.customer_per_second > 0
    assert report.bare_per_second > 0
    assert report.customer_latency.p50_ms <= report.customer_latency.p99_ms
    assert report.ratio > 0
    assert "ratio" in "\n".join(report.lines())


def test_the_client_reads_content_length_and_chunked_answers():
    connection = _Connection()
    loop = asyncio.new_event_loop()
    try:
        connection._waiter = loop.create_future()
        connection.data_received(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhel")
        assert not connection._waiter.done()
        connection.data_received(b"lo")
        assert (connection._waiter.result().status, connection._waiter.result().body) == (200, b"hello")
        connection._waiter = loop.create_future()
        connection.data_received(b"HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n")
        connection.data_received(b"2\r\nde\r\n0\r\n\r\n")
        assert (connection._waiter.result().status, connection._waiter.result().body) == (404, b"abcde")
    finally:
        loop.close()


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([], 0.99) == 0.0
