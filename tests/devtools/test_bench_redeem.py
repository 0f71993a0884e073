"""``loyalnest bench redeem`` smoke tests: tiny runs that check every number is reported
and every redemption went the whole way, never how fast."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from loyalnest.devtools import bench_redeem
from tests.contexts.rewards import support
from tests.contexts.support import rows, scalar
from tests.test_cli import cli_env


async def test_redeem_bench_reports_every_number_and_issues_every_code(server, settings, broker):
    with support.admin_fake() as fake:
        shop = await bench_redeem.seed_redeem_shop(
            customers_count=3, redemptions=24, points_cost=7, plan="standard"
        )
        fake.add_shop(shop.shop_domain, token=shop.access_token, plan="standard")

        async def discounts() -> int:
            return len(fake.discounts(shop.shop_domain))

        try:
            report = await bench_redeem.run_redeem_bench(
                server,
                secret=settings.shopify_api_secret,
                shop=shop,
                redemptions=20,
                concurrency=4,
                warmup=4,
                fake_state=discounts,
                plan="standard",
            )
            # every customer spent exactly what the runs took: 8 redemptions x 7 points each
            balances = [
                await support.balance(shop.merchant_id, customer_id)
                for customer_id in await _customer_ids(shop.merchant_id)
            ]
        finally:
            await bench_redeem.drop_shop(shop.merchant_id)

    assert (report.sent, report.issued, report.errors) == (20, 20, 0)
    assert report.outcomes == {"ISSUED": 20}
    assert report.discounts_created == 24  # warm-up and run
    assert report.ledger_ok is True
    assert balances == [0, 0, 0]
    assert report.per_second > 0
    assert 0 < report.latency.p50_ms <= report.latency.p99_ms <= report.latency.max_ms
    assert report.baseline_updates == 20
    assert report.baseline_per_second > 0
    assert report.ratio is not None
    assert report.ratio > 0
    text = "\n".join(report.lines())
    for needle in (
        "redemptions/s",
        "p50",
        "p99",
        "updates/s",
        "ratio",
        "24 discount codes",
        "ledger        ok",
    ):
        assert needle in text, text
    # the baseline's throwaway shop is gone
    assert await scalar("select count(*) from merchants where name = 'Bench baseline (throwaway)'") == 0


async def _customer_ids(merchant_id: int) -> list[int]:
    found = await rows("select id from customers where merchant_id = :m order by id", m=merchant_id)
    return [r["id"] for r in found]


def _run_cli(settings) -> subprocess.CompletedProcess[str]:
    args = [
        "--redemptions",
        "12",
        "--customers",
        "2",
        "--concurrency",
        "3",
        "--warmup",
        "2",
        "--plan",
        "standard",
    ]
    return subprocess.run(
        [sys.executable, "-m", "loyalnest", "bench", "redeem", *args],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.mark.heavy
async def test_the_command_starts_the_fake_and_an_api_and_reports(settings, broker):
    done = await asyncio.to_thread(_run_cli, settings)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "12/12 codes issued" in out, out
    assert "Shopify fake  14 discount codes created" in out, out
    assert "redemptions/s" in out
    assert "updates/s" in out
    assert "ratio" in out
    assert "ledger        ok" in out
