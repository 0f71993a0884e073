"""``loyalnest bench rfm --customers N --orders M``: what RFM analytics costs, measured.

1. The full recompute: a shop of N customers and M orders (their lines too) is written
   set-based in PostgreSQL (a skewed history: a few customers buy often, most once or
   twice, over two years), analyzed, then ``analytics.recompute_rfm`` runs once and is
   timed (target < 20 s for 1,000,000 customers and 5,000,000 orders on 2 cores), and
   the product stats refresh after it (products' part).
2. The real-time cost: ``bench webhooks``' end-to-end award rate with analytics real-time
   off and on, in the same invocation. Real-time is a process setting
   (LOYALNEST_ANALYTICS_REALTIME), so one API process stays up and the worker is
   restarted for each run, off and on alternating (off, on, off, on, ...: neither side
   gets the emptier tables or the warmer caches), each run on a fresh shop with its
   own warm-up (which also absorbs the worker's start). Target: on >= 0.9 x off.
3. ``previewRfmConfig`` through the API for a shop of --preview-customers (``rfm_preview``).
"""

from __future__ import annotations

import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Annotated

import typer
from sqlalchemy import text

from loyalnest.contexts.analytics import api as analytics
from loyalnest.devtools.bench.rfm_preview import PreviewBenchReport, run_preview_bench
from loyalnest.devtools.bench.seeding import vacuum_analyze
from loyalnest.platform.db import database_url
from loyalnest.platform.uow import unit_of_work

RECOMPUTE_TARGET_SECONDS = 20.0
REALTIME_TARGET_RATIO = 0.9
HISTORY_DAYS = 730
PRODUCTS = 2000

# Customers without PII (the recompute never reads it), ids contiguous from one statement.
_SEED_CUSTOMERS = """
INSERT INTO customers (merchant_id, shopify_customer_id)
SELECT :m, CAST(:base AS bigint) + g FROM generate_series(1, :n) AS g
"""
# Skewed towards the first customers (power > 1): a few buy often, most once or twice;
# placed over two years, more of them recent; about 2 % cancelled, 5 % partly refunded.
# One to three lines an order, splitting its amount; products by a long-tailed popularity.
_SEED_ORDERS = """
INSERT INTO analytics_orders
    (merchant_id, shopify_order_id, customer_id, placed_at, amount, refunded, cancelled,
     line_products, line_quantities, line_revenues, line_refunds)
SELECT :m, CAST(:base AS bigint) + g,
       CAST(:first_customer AS bigint) + floor(:n * power(random(), 1.8))::bigint,
       now() - power(random(), 1.4) * :days * interval '1 day',
       a.amount,
       CASE WHEN random() < 0.05 THEN round(a.amount * 0.3, 2) ELSE 0 END,
       random() < 0.02,
       ARRAY(SELECT CAST(:product_base AS bigint) + floor(:products * power(random(), 2.5))::bigint
             FROM generate_series(1, 1 + g % 3)),
       array_fill(1, ARRAY[1 + g % 3]),
       array_fill(round(a.amount / (1 + g % 3), 2), ARRAY[1 + g % 3]),
       array_fill(CAST(0 AS numeric), ARRAY[1 + g % 3])
FROM generate_series(1, :orders) AS g,
     LATERAL (SELECT round((8 + 192 * power(random(), 2))::numeric, 2) AS amount) AS a
"""


@dataclass
class RealtimeRun:
    realtime: bool
    awarded: int
    seconds: float
    # milliseconds of CPU per order by process group (``bench webhooks``' accounting)
    cpu_per_order: str = ""


@dataclass
class RfmBenchReport:
    customers: int
    orders: int
    lines: int = 0
    seed_seconds: float = 0.0
    first_pass_seconds: float = 0.0
    recompute_seconds: float = 0.0
    customers_scored: int = 0
    product_seconds: float = 0.0
    products: int = 0
    runs: list[RealtimeRun] = field(default_factory=list)
    webhook_orders: int = 0
    preview: PreviewBenchReport | None = None
    setup: str = ""
    notes: list[str] = field(default_factory=list)

    def rate(self, realtime: bool) -> float:
        runs = [r for r in self.runs if r.realtime is realtime]
        seconds = sum(r.seconds for r in runs)
        return sum(r.awarded for r in runs) / seconds if seconds else 0.0

    @property
    def ratio(self) -> float | None:
        off = self.rate(False)
        return self.rate(True) / off if off and any(r.realtime for r in self.runs) else None

    @staticmethod
    def run_line(run: RealtimeRun) -> str:
        rate = run.awarded / run.seconds if run.seconds else 0.0
        return (
            f"webhooks, real-time {'on ' if run.realtime else 'off'}  {run.awarded:,} awarded in"
            f" {run.seconds:.2f} s = {rate:,.0f} orders/s end to end"
            + (f" (CPU per order: {run.cpu_per_order})" if run.cpu_per_order else "")
        )

    def lines_out(self) -> list[str]:
        verdict = "ok" if self.recompute_seconds < RECOMPUTE_TARGET_SECONDS else "OVER TARGET"
        out = [
            f"bench rfm: {self.customers:,} customers, {self.orders:,} orders ({self.lines:,} lines)"
            f" seeded in {self.seed_seconds:.1f} s" + (f"; {self.setup}" if self.setup else ""),
            f"  first full pass  {self.first_pass_seconds:.2f} s ({self.customers_scored:,} customers scored,"
            " every row written)",
            f"  full recompute   {self.recompute_seconds:.2f} s (the daily pass over the same orders)"
            f" - target < {RECOMPUTE_TARGET_SECONDS:.0f} s: {verdict}",
            f"  product stats    {self.product_seconds:.2f} s ({self.products:,} products)",
        ]
        out += [f"  {self.run_line(run)}" for run in self.runs]
        if self.ratio is not None:
            verdict = "ok" if self.ratio >= REALTIME_TARGET_RATIO else "UNDER TARGET"
            out.append(
                f"  real-time cost   {self.rate(True):,.0f} orders/s with analytics real-time ="
                f" {self.ratio:.2f} x the {self.rate(False):,.0f} orders/s without"
                f" (target >= {REALTIME_TARGET_RATIO:.1f}: {verdict})"
            )
        if self.preview is not None:
            out += self.preview.lines()
        out += [f"  note: {note}" for note in self.notes]
        return out


async def seed_history(merchant_id: int, *, customers: int, orders: int) -> tuple[int, float]:
    """The shop's customers, orders and lines, set-based, then vacuumed and analyzed;
    (lines written, seconds)."""
    started = time.perf_counter()
    base = 4_000_000_000_000 + uuid.uuid4().int % 10**9 * 1000
    async with unit_of_work() as uow:
        await uow.session.execute(text(_SEED_CUSTOMERS), {"m": merchant_id, "base": base, "n": customers})
        first = (
            await uow.session.execute(
                text("SELECT min(id) FROM customers WHERE merchant_id = :m"), {"m": merchant_id}
            )
        ).scalar_one()
        await uow.session.execute(
            text(_SEED_ORDERS),
            {
                "m": merchant_id,
                "base": base,
                "first_customer": first,
                "n": customers,
                "days": HISTORY_DAYS,
                "orders": orders,
                "product_base": 8_000_000_000,
                "products": PRODUCTS,
            },
        )
        lines = (
            await uow.session.execute(
                text(
                    "SELECT coalesce(sum(cardinality(line_products)), 0) FROM analytics_orders"
                    " WHERE merchant_id = :m"
                ),
                {"m": merchant_id},
            )
        ).scalar_one()
    # as autovacuum leaves a shop's history (analyzed, its pages all-visible: the
    # summaries read the covering index without visiting the table)
    await vacuum_analyze(database_url(), ("customers", "analytics_orders"))
    return int(lines), time.perf_counter() - started


async def run_recompute_bench(report: RfmBenchReport, merchant_id: int) -> RfmBenchReport:
    """Seed the shop, then time the full recompute twice (the first pass scores everyone;
    the second is the daily pass, which rewrites only what changed) and the product stats
    after it."""
    report.lines, report.seed_seconds = await seed_history(
        merchant_id, customers=report.customers, orders=report.orders
    )
    started = time.perf_counter()
    scored = await analytics.recompute_rfm(merchant_id)
    report.first_pass_seconds = time.perf_counter() - started
    report.customers_scored = scored.customers_scored
    started = time.perf_counter()
    await analytics.recompute_rfm(merchant_id)
    report.recompute_seconds = time.perf_counter() - started
    started = time.perf_counter()
    async with unit_of_work() as uow:
        refreshed = await analytics.refresh_product_stats(uow, merchant_id)
    report.product_seconds = time.perf_counter() - started
    report.products = refreshed.products
    return report


def bench_rfm(
    customers: Annotated[int, typer.Option(min=1, help="customers of the recompute shop")] = 1_000_000,
    orders: Annotated[int, typer.Option(min=1, help="their orders (1-3 lines each)")] = 5_000_000,
    webhook_orders: Annotated[
        int, typer.Option(min=0, help="orders/create per webhook run (0: skip the real-time comparison)")
    ] = 10_000,
    rounds: Annotated[int, typer.Option(min=1, max=10, help="off/on pairs of webhook runs, alternating")] = 3,
    concurrency: Annotated[int, typer.Option(min=1, max=1024, help="webhook requests in flight")] = 64,
    warmup: Annotated[int, typer.Option(min=0, help="orders sent (and awarded) before each timed run")] = 300,
    timeout: Annotated[float, typer.Option(min=1, help="seconds allowed for each phase")] = 600,
    preview_customers: Annotated[
        int, typer.Option(min=0, help="customers of the previewRfmConfig shop (0: skip the preview timing)")
    ] = 100_000,
    keep_shop: Annotated[bool, typer.Option(help="keep the bench shops' data afterwards")] = False,
) -> None:
    """The full RFM recompute of a shop of --customers / --orders (target < 20 s), the
    webhooks' end-to-end award rate with analytics real-time on vs off in the same
    invocation (target >= 0.9 x), and previewRfmConfig through the API for a shop of
    --preview-customers (target < 1 s)."""
    from loyalnest.devtools import bench
    from loyalnest.devtools.cli import _run
    from loyalnest.settings import get_settings

    settings = get_settings()
    with bench.bench_stack(settings) as stack:

        async def main() -> RfmBenchReport:
            shop = await bench.seed_shop()
            shops = [shop.id]
            report = RfmBenchReport(customers=customers, orders=orders)
            try:
                # The webhook comparison first, on tables without the big shop: the full
                # pass queues the product stats' refresh, which a worker would otherwise
                # run (for a minute, on the same cores) in the middle of a timed run.
                api_url = None
                if webhook_orders or preview_customers:
                    api_url = bench.start_api(stack, bench.free_port())
                    await bench.wait_until_serving(
                        api_url, "/health", timeout=60, process=stack.processes[-1]
                    )
                if webhook_orders:
                    assert api_url is not None
                    report.webhook_orders = webhook_orders
                    for _ in range(rounds):
                        for realtime in (False, True):
                            await vacuum_analyze(stack.database_url)
                            run_shop = await bench.seed_shop()
                            shops.append(run_shop.id)
                            worker_env = {**stack.env, "LOYALNEST_ANALYTICS_REALTIME": str(realtime).lower()}
                            worker = bench.spawn([*_WORKER_COMMAND], worker_env)
                            stack.processes.append(worker)
                            try:
                                run = await bench.run_webhook_bench(
                                    api_url,
                                    merchant_id=run_shop.id,
                                    shop_domain=run_shop.shop_domain,
                                    secret=settings.shopify_api_secret,
                                    orders=webhook_orders,
                                    concurrency=concurrency,
                                    warmup=warmup,
                                    timeout=timeout,
                                    cpu_trees=stack.process_trees(),
                                )
                            finally:
                                bench.stop(worker)
                                stack.processes.remove(worker)
                            report.runs.append(
                                RealtimeRun(realtime, run.awarded, run.e2e_seconds, run.cpu_per_order)
                            )
                            typer.echo(f"  {report.run_line(report.runs[-1])}", err=True)
                            report.notes += [
                                f"real-time {'on' if realtime else 'off'}: {n}" for n in run.notes
                            ]
                if preview_customers:
                    assert api_url is not None
                    preview_shop = await bench.seed_shop()
                    shops.append(preview_shop.id)
                    report.preview = await run_preview_bench(
                        url=api_url,
                        settings=settings,
                        merchant_id=preview_shop.id,
                        shop_domain=preview_shop.shop_domain,
                        customers=preview_customers,
                        timeout=timeout,
                    )
                    typer.echo("\n".join(report.preview.lines()), err=True)
                await run_recompute_bench(report, shop.id)
                # each phase as it ends (a long run shows where it is); the summary follows
                typer.echo("\n".join(report.lines_out()[1:4]), err=True)
                return report
            finally:
                if not keep_shop:
                    for shop_id in shops:
                        await bench.drop_shop(shop_id)

        report = _run(main)
        report.setup = stack.describe()
    typer.echo("\n".join(report.lines_out()))


# the worker as ``bench.start_worker`` starts it, with this bench's environment
_WORKER_COMMAND = (sys.executable, "-m", "loyalnest", "worker")


def register(bench_app: typer.Typer) -> None:
    """Add ``rfm`` to ``loyalnest bench``."""
    bench_app.command("rfm")(bench_rfm)
