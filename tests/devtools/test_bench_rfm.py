"""The RFM bench, tiny: its seeding writes the customers, orders and lines it says, the
full recompute scores them and the product stats follow, and the report carries every
number and the targets (never how fast: that is the bench's job)."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from loyalnest.cli import app
from loyalnest.devtools.bench.rfm import RealtimeRun, RfmBenchReport, run_recompute_bench
from loyalnest.devtools.bench.rfm_preview import PROPOSALS, run_preview_bench
from tests.contexts.support import scalar


async def test_the_bench_seeds_and_recomputes(shop: Any) -> None:
    report = await run_recompute_bench(RfmBenchReport(customers=500, orders=2000), shop.id)
    assert await scalar("SELECT count(*) FROM customers WHERE merchant_id = :m", m=shop.id) == 500
    assert await scalar("SELECT count(*) FROM analytics_orders WHERE merchant_id = :m", m=shop.id) == 2000
    assert 2000 <= report.lines <= 6000
    assert (
        await scalar(
            "SELECT sum(cardinality(line_products)) FROM analytics_orders WHERE merchant_id = :m", m=shop.id
        )
        == report.lines
    )
    scored = await scalar("SELECT count(*) FROM analytics_customer_rfm WHERE merchant_id = :m", m=shop.id)
    assert report.customers_scored == scored > 0
    assert report.products > 0
    text = "\n".join(report.lines_out())
    assert report.first_pass_seconds > 0
    assert report.recompute_seconds > 0
    for needle in (
        "500 customers",
        "2,000 orders",
        "first full pass",
        "full recompute",
        "target < 20 s",
        "product stats",
    ):
        assert needle in text


def test_the_report_compares_real_time_on_and_off() -> None:
    report = RfmBenchReport(customers=10, orders=20)
    report.runs = [
        RealtimeRun(False, 1000, 2.0),
        RealtimeRun(True, 1000, 2.5),
        RealtimeRun(False, 1000, 2.0),
        RealtimeRun(True, 1000, 2.0),
    ]
    assert report.rate(False) == 500
    assert report.ratio is not None
    assert round(report.ratio, 3) == round((2000 / 4.5) / 500, 3)
    text = "\n".join(report.lines_out())
    assert "real-time on " in text
    assert "target >= 0.9: UNDER TARGET" in text


def test_bench_rfm_is_a_loyalnest_bench_command() -> None:
    result = CliRunner().invoke(app, ["bench", "rfm", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--customers", "--orders", "--webhook-orders", "--rounds", "--preview-customers"):
        assert option in result.output


async def test_the_preview_bench_times_every_proposal_through_the_api(shop, server, settings) -> None:
    report = await run_preview_bench(
        url=server, settings=settings, merchant_id=shop.id, shop_domain=shop.domain, customers=300, requests=2
    )
    assert [run.label for run in report.runs] == [label for label, _ in PROPOSALS]
    assert all(run.errors == 0 and run.latency.max_ms > 0 for run in report.runs)
    assert report.orders == 1500
    assert await scalar("SELECT count(*) FROM analytics_customer_rfm WHERE merchant_id = :m", m=shop.id) > 0
    text = "\n".join(report.lines())
    assert "previewRfmConfig over 300 customers" in text
    assert "lookback 180 days (from the orders)" in text
    assert "target < 1000 ms" in text
    # the bench report carries it
    bench = RfmBenchReport(customers=10, orders=20, preview=report)
    assert "previewRfmConfig over 300 customers" in "\n".join(bench.lines_out())
