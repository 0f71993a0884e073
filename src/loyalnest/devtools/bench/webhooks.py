"""``loyalnest bench webhooks``: signed orders/create deliveries (one new customer
each) at a fixed concurrency; how fast they are accepted, how fast they are fully
awarded end to end, and the bare award baseline with the ratio."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.devtools import cpu
from loyalnest.devtools.bench.latency import Latency
from loyalnest.devtools.bench.seeding import analyze, earn_count, measure_award_baseline, wait_for_earn_count
from loyalnest.devtools.loadgen import loopback_address, run_load
from loyalnest.devtools.shopify_data import Catalog, webhook_request
from loyalnest.platform.db import database_url


@dataclass
class WebhookBenchReport:
    orders: int
    concurrency: int
    sent: int
    accepted: int
    errors: int
    accept_seconds: float
    accepted_per_second: float
    latency: Latency
    awarded: int
    e2e_seconds: float
    awarded_per_second: float
    baseline_orders: int = 0
    baseline_concurrency: int = 0
    baseline_seconds: float = 0.0
    baseline_per_second: float = 0.0
    batched_orders: int = 0
    batched_size: int = 0
    batched_seconds: float = 0.0
    batched_per_second: float = 0.0
    client_cpu_seconds: float = 0.0
    cpu: str = ""
    cpu_per_order: str = ""
    setup: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        """End-to-end rate over the bare award rate (one order per transaction)."""
        return self.awarded_per_second / self.baseline_per_second if self.baseline_per_second else None

    @property
    def batched_ratio(self) -> float | None:
        """End-to-end rate over the bare award rate in the worker's batch size."""
        return self.awarded_per_second / self.batched_per_second if self.batched_per_second else None

    def lines(self) -> list[str]:
        lines = [
            f"bench webhooks: {self.orders} signed orders/create (one new customer each), "
            f"concurrency {self.concurrency}" + (f"; {self.setup}" if self.setup else ""),
            f"  accepted      {self.accepted}/{self.sent} in {self.accept_seconds:.2f} s = "
            f"{self.accepted_per_second:,.0f} webhooks/s (errors {self.errors})",
            f"  accept        {self.latency}",
            f"  end to end    {self.awarded} awarded in {self.e2e_seconds:.2f} s = "
            f"{self.awarded_per_second:,.0f} orders/s (first request sent -> last earn row committed)",
        ]
        if self.baseline_orders:
            lines.append(
                f"  baseline      {self.baseline_orders} bare award transactions (one order per unit of"
                f" work, {self.baseline_concurrency} concurrent, no HTTP, no queue) in"
                f" {self.baseline_seconds:.2f} s = {self.baseline_per_second:,.0f} orders/s"
            )
        if self.batched_orders:
            lines.append(
                f"  baseline      {self.batched_orders} bare awards, {self.batched_size} per unit of work"
                f" (as the worker batches them) in {self.batched_seconds:.2f} s ="
                f" {self.batched_per_second:,.0f} orders/s"
            )
        if self.ratio is not None:
            lines.append(f"  ratio         end to end / baseline (1 per unit of work) = {self.ratio:.2f}")
        if self.batched_ratio is not None:
            lines.append(
                f"  ratio         end to end / baseline ({self.batched_size} per unit of work)"
                f" = {self.batched_ratio:.2f}"
            )
        lines.append(f"  load client   {self.client_cpu_seconds:.2f} s CPU while sending")
        if self.cpu:
            lines.append(f"  CPU used      {self.cpu} (first request -> last award)")
        if self.cpu_per_order:
            lines.append(f"  CPU per order {self.cpu_per_order}")
        lines += [f"  note: {note}" for note in self.notes]
        return lines


# --- the webhook bench -----------------------------------------------------------------


def cpu_per_order(before: cpu.CpuSnapshot, after: cpu.CpuSnapshot, orders: int) -> str:
    """Milliseconds of CPU each process group spent per order: what bounds the rates on
    a given machine (N cores serve at most N / (sum of these) orders a second end to
    end, and intake at most what the API's share allows)."""
    if not orders or not after.total:
        return ""
    parts = []
    total = 0.0
    for label, pids in after.groups.items():
        if label == "bench":
            continue
        earlier = before.groups.get(label, {})
        used = sum(max(seconds - earlier.get(pid, 0.0), 0.0) for pid, seconds in pids.items())
        total += used
        parts.append(f"{label} {1000 * used / orders:.2f}")
    return f"{', '.join(parts)}; total {1000 * total / orders:.2f} ms"


# ``--referrals``: one order in this many carries a referral code (about 5 %)
REFERRAL_EVERY = 20


def order_requests(
    catalog: Catalog,
    *,
    port: int,
    shop_domain: str,
    secret: str,
    count: int,
    referral_codes: Sequence[str] = (),
) -> list[bytes]:
    """``count`` signed orders/create deliveries, each for a new customer. With
    ``referral_codes``, every ``REFERRAL_EVERY``-th order carries one of them in its
    ``loyalnest_ref`` note attribute (a cart attribute set by the storefront), so the
    referrals context attributes it: a referral row, its fraud checks, progress."""
    requests = []
    for index in range(count):
        payload = catalog.order(catalog.customer()).payload()
        if referral_codes and index % REFERRAL_EVERY == 0:
            code = referral_codes[(index // REFERRAL_EVERY) % len(referral_codes)]
            payload["note_attributes"] = [{"name": "loyalnest_ref", "value": code}]
        requests.append(
            webhook_request(
                port=port, shop_domain=shop_domain, topic="orders/create", payload=payload, secret=secret
            )
        )
    return requests


async def run_webhook_bench(
    url: str,
    *,
    merchant_id: int,
    shop_domain: str,
    secret: str,
    orders: int,
    concurrency: int,
    warmup: int = 0,
    baseline_orders: int = 0,
    baseline_concurrency: int = 8,
    timeout: float = 300.0,
    seed: int = 1,
    cpu_trees: dict[str, int] | None = None,
    referral_codes: Sequence[str] = (),
) -> WebhookBenchReport:
    """Measure against a running API and worker at ``url`` whose database this process
    is configured for (to seed, poll the ledger and run the baseline)."""
    _, port = loopback_address(url)
    catalog = Catalog(seed, id_base=7_000_000_000_000 + uuid.uuid4().int % 10**12)
    notes: list[str] = []
    if warmup:
        before = await earn_count(merchant_id)
        warm = order_requests(
            catalog,
            port=port,
            shop_domain=shop_domain,
            secret=secret,
            count=warmup,
            referral_codes=referral_codes,
        )
        await run_load(url, warm, concurrency=concurrency, timeout=timeout)
        count, _ = await wait_for_earn_count(merchant_id, before + warmup, timeout=timeout)
        if count < before + warmup:
            notes.append(f"warm-up: only {count - before}/{warmup} awarded within {timeout:.0f} s")
        # the planner's statistics now know the shop (see ``seeding.analyze``)
        await analyze(database_url())
    requests = order_requests(
        catalog,
        port=port,
        shop_domain=shop_domain,
        secret=secret,
        count=orders,
        referral_codes=referral_codes,
    )
    before = await earn_count(merchant_id)
    trees = cpu_trees or {}
    cpu_names = {"postgres": "postgres", "redis": "redis-server"}
    bench_itself = {"bench": os.getpid()}

    cpu_before = cpu.snapshot(trees, cpu_names, alone=bench_itself)
    started = time.perf_counter()
    load = await run_load(url, requests, concurrency=concurrency, timeout=timeout)
    accepted = load.ok
    count, seen = await wait_for_earn_count(merchant_id, before + accepted, timeout=timeout)
    cpu_after = cpu.snapshot(trees, cpu_names, alone=bench_itself)
    cpu_used = cpu.usage(cpu_before, cpu_after)
    awarded = count - before
    e2e = seen - started
    if load.timed_out:
        notes.append(f"sending stopped at the {timeout:.0f} s limit")
    if awarded < accepted:
        notes.append(f"only {awarded} of {accepted} accepted orders were awarded within {timeout:.0f} s")

    report = WebhookBenchReport(
        orders=orders,
        concurrency=concurrency,
        sent=load.sent,
        accepted=accepted,
        errors=load.errors + (load.sent - load.errors - accepted),
        accept_seconds=load.elapsed,
        accepted_per_second=accepted / load.elapsed if load.elapsed else 0.0,
        latency=Latency.of(load),
        awarded=awarded,
        e2e_seconds=e2e,
        awarded_per_second=awarded / e2e if e2e > 0 else 0.0,
        client_cpu_seconds=load.client_cpu_seconds,
        cpu=cpu_used,
        cpu_per_order=cpu_per_order(cpu_before, cpu_after, awarded) if trees else "",
        notes=notes,
    )
    if baseline_orders:
        done, seconds = await measure_award_baseline(
            merchant_id,
            orders=baseline_orders,
            concurrency=baseline_concurrency,
            per_transaction=1,
            catalog=catalog,
        )
        report.baseline_orders = done
        report.baseline_concurrency = baseline_concurrency
        report.baseline_seconds = seconds
        report.baseline_per_second = done / seconds if seconds else 0.0
        batch = webhooks.BATCH_SIZE
        done, seconds = await measure_award_baseline(
            merchant_id, orders=baseline_orders, concurrency=1, per_transaction=batch, catalog=catalog
        )
        report.batched_orders = done
        report.batched_size = batch
        report.batched_seconds = seconds
        report.batched_per_second = done / seconds if seconds else 0.0
    return report
