"""``loyalnest bench tiers --customers N``: the full re-tier of a shop of N customers,
through the real actor on a real worker process.

The shop's customers get a metric first (one tier-metric entry and one standing row
each, written set-based: this measures the re-tier, not the seeding). Then the bench
changes the ladder twice, as a merchant would, and times each re-tier from the commit
of the change to the run's ``done``:

1. launch: four tiers created in one transaction (one run; most customers climb);
2. change: the thresholds raised and one tier deleted (customers move down the ladder
   under retention ``immediate``).

Entry bonuses are off by default (``--entry-bonus`` turns them on): a launch with a
bonus posts one ledger row per climbing customer, which measures the ledger, not the
re-tier.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from decimal import Decimal

import typer
from sqlalchemy import text

from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.uow import unit_of_work

ACTOR = "bench"
# points earned per customer: spread over the ladder below
METRIC_SPREAD = 2000
THRESHOLDS = (Decimal(200), Decimal(600), Decimal(1000), Decimal(1500))
TARGET_SECONDS = 30.0


@dataclass
class Phase:
    label: str
    seconds: float
    run_seconds: float
    customers: int
    changed: int


@dataclass
class TierBenchReport:
    customers: int
    seed_seconds: float
    phases: list[Phase] = field(default_factory=list)
    setup: str = ""

    def lines(self) -> list[str]:
        out = [
            f"tiers bench: {self.customers:,} customers with a metric"
            f" (seeded in {self.seed_seconds:.1f} s); {self.setup}"
        ]
        for phase in self.phases:
            verdict = "ok" if phase.seconds < TARGET_SECONDS else "OVER TARGET"
            out.append(
                f"  {phase.label}: full re-tier in {phase.seconds:.2f} s from commit to done "
                f"(the run itself {phase.run_seconds:.2f} s; {phase.customers:,} customers, "
                f"{phase.changed:,} changed tier) - target < {TARGET_SECONDS:.0f} s: {verdict}"
            )
        return out


_SEED_STANDINGS = """
INSERT INTO customer_tiers (merchant_id, customer_id, evaluated_at)
SELECT :m, c, now() FROM generate_series(1, :n) AS c
"""
# one entry per customer, points spread evenly (customer c earned c * spread / n mod spread)
_SEED_ENTRIES = """
INSERT INTO tier_metric_entries (merchant_id, customer_id, occurred_at, points, amount, orders)
SELECT :m, c, now() - (c % 300) * interval '1 day', (c * 7919) % :spread, ((c * 7919) % :spread) / 10.0, 1
FROM generate_series(1, :n) AS c
"""


async def seed_metrics(merchant_id: int, customers: int) -> float:
    """N customers with a points metric; returns the seconds it took."""
    started = time.perf_counter()
    async with unit_of_work() as uow:
        await uow.session.execute(text(_SEED_STANDINGS), {"m": merchant_id, "n": customers})
        await uow.session.execute(
            text(_SEED_ENTRIES), {"m": merchant_id, "n": customers, "spread": METRIC_SPREAD}
        )
    async with unit_of_work() as uow:
        await uow.session.execute(text("ANALYZE customer_tiers"))
        await uow.session.execute(text("ANALYZE tier_metric_entries"))
    return time.perf_counter() - started


async def _wait_for_run(merchant_id: int, after_run_id: int, timeout: float) -> tiers.RetierRunDTO:
    deadline = time.monotonic() + timeout
    while True:
        run = await tiers.latest_retier(merchant_id)
        if run is not None and run.id > after_run_id and run.status == "done":
            return run
        if time.monotonic() > deadline:
            raise TimeoutError(f"the re-tier did not finish within {timeout:.0f} s (last: {run})")
        await asyncio.sleep(0.05)


async def _timed(merchant_id: int, label: str, change: object, timeout: float) -> Phase:
    before = await tiers.latest_retier(merchant_id)
    started = time.perf_counter()
    async with unit_of_work() as uow:
        await change(uow)  # type: ignore[operator]
    run = await _wait_for_run(merchant_id, before.id if before else 0, timeout)
    seconds = time.perf_counter() - started
    assert run.started_at is not None
    assert run.finished_at is not None
    return Phase(
        label=label,
        seconds=seconds,
        run_seconds=(run.finished_at - run.started_at).total_seconds(),
        customers=run.total,
        changed=run.changed,
    )


async def run_tier_bench(
    merchant_id: int, *, customers: int, entry_bonus: int, timeout: float
) -> TierBenchReport:
    report = TierBenchReport(customers=customers, seed_seconds=await seed_metrics(merchant_id, customers))
    ids: list[int] = []

    async def launch(uow: object) -> None:
        await tiers.update_settings(
            uow,  # type: ignore[arg-type]
            merchant_id=merchant_id,
            actor=ACTOR,
            update=tiers.TierSettingsUpdate(retention="immediate"),
        )
        for rank, threshold in enumerate(THRESHOLDS):
            created = await tiers.create_tier(
                uow,  # type: ignore[arg-type]
                merchant_id=merchant_id,
                actor=ACTOR,
                data=tiers.TierInput(
                    names=[("en", f"Tier {rank + 1}")],
                    default_locale="en",
                    threshold=threshold,
                    multiplier=Decimal("1.25") + Decimal("0.25") * rank,
                    entry_bonus_points=entry_bonus,
                ),
            )
            ids.append(created.id)

    report.phases.append(await _timed(merchant_id, "launch (4 tiers created)", launch, timeout))

    async def change(uow: object) -> None:
        # from the top down, so each new threshold stays below the one above it
        for tier_id, threshold in reversed(list(zip(ids[1:], (700, 1300, 1800), strict=True))):
            await tiers.update_tier(
                uow,  # type: ignore[arg-type]
                merchant_id=merchant_id,
                actor=ACTOR,
                tier_id=tier_id,
                update=tiers.TierUpdate(threshold=Decimal(threshold)),
            )
        await tiers.delete_tier(uow, merchant_id=merchant_id, actor=ACTOR, tier_id=ids[0])  # type: ignore[arg-type]

    report.phases.append(
        await _timed(merchant_id, "change (thresholds raised, a tier deleted)", change, timeout)
    )
    return report


async def warm_up(merchant_id: int, timeout: float) -> None:
    """One re-tier of an empty shop, so the timed ones do not include the worker's boot."""

    async def touch(uow: object) -> None:
        await tiers.update_settings(
            uow,  # type: ignore[arg-type]
            merchant_id=merchant_id,
            actor=ACTOR,
            update=tiers.TierSettingsUpdate(metric="orders"),
        )

    await _timed(merchant_id, "warm-up", touch, timeout)


def bench_tiers(
    customers: int = typer.Option(200_000, min=1, help="customers of the bench shop, each with a metric"),
    entry_bonus: int = typer.Option(0, min=0, help="entry bonus points of every tier (0: none)"),
    timeout: float = typer.Option(600, min=1, help="seconds allowed for each re-tier"),
    keep_shop: bool = typer.Option(False, help="keep the bench shop's data afterwards"),
) -> None:
    """The full re-tier of a shop of --customers customers (target < 30 s), through the
    real re-tier actor on a real worker process."""
    from loyalnest.devtools import bench
    from loyalnest.devtools.cli import _run
    from loyalnest.settings import get_settings

    settings = get_settings()
    with bench.bench_stack(settings) as stack:

        async def main() -> TierBenchReport:
            shop, idle = await bench.seed_shop(), await bench.seed_shop()
            bench.start_worker(stack)
            try:
                await warm_up(idle.id, timeout)
                return await run_tier_bench(
                    shop.id, customers=customers, entry_bonus=entry_bonus, timeout=timeout
                )
            finally:
                await bench.drop_shop(idle.id)
                if not keep_shop:
                    await bench.drop_shop(shop.id)

        report = _run(main)
        report.setup = stack.describe().replace("1 API process, ", "")
    typer.echo("\n".join(report.lines()))


def register(bench_app: typer.Typer) -> None:
    """Add ``tiers`` to ``loyalnest bench``."""
    bench_app.command("tiers")(bench_tiers)
