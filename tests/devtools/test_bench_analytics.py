"""``bench analytics`` on a small ledger against the test server: it seeds, rolls up and
times programAnalytics over HTTP without an error, and reads the figures it seeded."""

from __future__ import annotations

from loyalnest.contexts.analytics import api as analytics
from loyalnest.devtools.bench.analytics import run_program_analytics_bench
from loyalnest.devtools.bench.seeding import drop_shop
from loyalnest.platform.timeutil import utcnow


async def test_the_bench_measures_the_real_query(shop, server, settings):
    try:
        report = await run_program_analytics_bench(
            ledger_rows=4000,
            url=server,
            settings=settings,
            merchant_id=shop.id,
            shop_domain=shop.domain,
            customers=300,
            days=90,
            requests=10,
            warmup=2,
        )
        assert report.errors == 0
        assert report.latency.p99_ms > 0
        assert "programAnalytics over 365 days, 4,000 ledger rows" in report.lines()[0]
        today = utcnow().date()
        dto = await analytics.program_analytics(shop.id, today.replace(year=today.year - 1), today)
        assert dto.totals.members == 300
        # 11 + 2 + 1 + 1 + 1 + 1 of every 20 rows issue points, 2 redeem, 1 expires
        assert sum(s.points for s in dto.issued_by_source) > 0
        assert [s.source for s in dto.issued_by_source] == [
            "purchase",
            "signup",
            "review",
            "campaign",
            "tier_bonus",
            "referral",
        ]
        assert dto.totals.points_redeemed == 400 * 200
    finally:
        await drop_shop(shop.id)  # its seeded ledger keeps no balances: not a real shop's
