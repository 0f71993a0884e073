"""The tiers bench, tiny: its seeding gives every customer a metric, both re-tiers run
through the real actor on the test worker and place every customer where the metric
says, and the report carries every number (never how fast: that is the bench's job)."""

from __future__ import annotations

from typer.testing import CliRunner

from loyalnest.cli import app
from loyalnest.contexts.tiers import api as tiers
from loyalnest.devtools.bench.tiers import METRIC_SPREAD, THRESHOLDS, run_tier_bench
from tests.contexts.support import rows


def _supported(metric: int, thresholds: list[int]) -> int:
    """How many tiers a metric reaches (0: none)."""
    return sum(1 for t in thresholds if metric >= t)


async def test_the_bench_re_tiers_every_customer_twice_and_reports_it(shop, worker):
    customers = 400
    report = await run_tier_bench(shop.id, customers=customers, entry_bonus=0, timeout=60)

    [launch, change] = report.phases
    assert report.customers == customers
    assert (launch.customers, change.customers) == (customers, customers)
    metrics = {c: (c * 7919) % METRIC_SPREAD for c in range(1, customers + 1)}
    # launch: everyone from no tier to what the metric supports
    assert launch.changed == sum(1 for m in metrics.values() if _supported(m, [int(t) for t in THRESHOLDS]))
    assert launch.seconds >= launch.run_seconds > 0
    # every customer sits where the final ladder (700, 1300, 1800) puts them
    ladder = await tiers.list_tiers(shop.id)
    assert [int(t.threshold) for t in ladder] == [700, 1300, 1800]
    held = {
        r["customer_id"]: r["tier_id"]
        for r in await rows(
            "select customer_id, tier_id from customer_tiers where merchant_id = :m", m=shop.id
        )
    }
    for customer, metric in metrics.items():
        reached = _supported(metric, [700, 1300, 1800])
        assert held[customer] == (ladder[reached - 1].id if reached else None), (customer, metric)
    text = "\n".join(report.lines())
    for needle in (f"{customers:,} customers", "launch", "change", "full re-tier in", "target < 30 s"):
        assert needle in text


def test_the_bench_is_a_loyalnest_bench_command():
    result = CliRunner().invoke(app, ["bench", "tiers", "--help"])
    assert result.exit_code == 0, result.output
    assert "--customers" in result.output
