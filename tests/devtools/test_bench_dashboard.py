"""``bench graphql`` measures the dashboard's queries at each concurrency against bare
Strawberry (issue 8, speed): every query answered without errors, figures per row."""

from __future__ import annotations

from loyalnest.devtools import bench


async def test_every_dashboard_query_is_measured_at_each_concurrency(shop, server, settings, bare_graphql):
    report = await bench.run_dashboard_bench(
        server,
        bare_graphql,
        settings=settings,
        merchant_id=shop.id,
        shop_domain=shop.domain,
        requests=30,
        concurrencies=(2, 4),
        customers_count=3,
        warmup=3,
    )
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
