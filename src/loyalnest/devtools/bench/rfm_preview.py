"""``previewRfmConfig`` timed through the real API, part of ``loyalnest bench rfm``.

A shop of ``customers`` customers (five orders each on average, the same skewed history
as the recompute shop) gets its first full pass, then each proposal below is previewed
over HTTP, one request at a time, as a merchant trying configurations in the dashboard
would: the ones that keep what the stored summaries are made of (mode, thresholds,
preset) read those summaries; a new lookback or time weighting rebuilds them from the
orders. Target: every answer under 1 s for 100,000 customers."""

from __future__ import annotations

import time
from dataclasses import dataclass

from loyalnest.contexts.analytics import api as analytics
from loyalnest.devtools.bench.graphql import _graphql_errors, _graphql_request
from loyalnest.devtools.bench.latency import Latency
from loyalnest.devtools.loadgen import loopback_address, run_load
from loyalnest.settings import Settings

PREVIEW_TARGET_MS = 1000.0
ORDERS_PER_CUSTOMER = 5
PREVIEW_QUERY = (
    "query ($config: RfmConfigInput!) { previewRfmConfig(config: $config) {"
    " total milliseconds segments { segment customers } } }"
)
# (what a merchant tries, the proposal)
PROPOSALS: tuple[tuple[str, dict[str, object]], ...] = (
    ("thresholds, apparel preset", {"mode": "THRESHOLDS", "preset": "APPAREL"}),
    ("quintiles, new monetary ratios", {"mode": "QUINTILES", "monetaryRatios": ["0.4", "1", "2.5", "6"]}),
    ("lookback 180 days (from the orders)", {"lookbackDays": 180}),
    ("time weighting, half-life 60 days (from the orders)", {"timeWeighting": True, "halfLifeDays": 60}),
)


@dataclass
class PreviewRun:
    label: str
    latency: Latency
    errors: int


@dataclass
class PreviewBenchReport:
    customers: int
    orders: int
    seed_seconds: float
    pass_seconds: float
    runs: list[PreviewRun]

    @property
    def met(self) -> bool:
        return all(run.errors == 0 and run.latency.max_ms < PREVIEW_TARGET_MS for run in self.runs)

    def lines(self) -> list[str]:
        out = [
            f"  previewRfmConfig over {self.customers:,} customers ({self.orders:,} orders; seeded in"
            f" {self.seed_seconds:.1f} s, first full pass {self.pass_seconds:.1f} s), one request at a time:"
        ]
        for run in self.runs:
            verdict = "ok" if run.errors == 0 and run.latency.max_ms < PREVIEW_TARGET_MS else "OVER TARGET"
            out.append(
                f"    {run.label}: {run.latency} (errors {run.errors}) - target < {PREVIEW_TARGET_MS:.0f} ms:"
                f" {verdict}"
            )
        return out


async def run_preview_bench(
    *,
    url: str,
    settings: Settings,
    merchant_id: int,
    shop_domain: str,
    customers: int,
    requests: int = 10,
    timeout: float = 300.0,
) -> PreviewBenchReport:
    """Seed the shop (``merchant_id``: a fresh one), score it, and time each proposal over
    HTTP against the API at ``url``."""
    from loyalnest.devtools.bench.rfm import seed_history
    from loyalnest.http.auth import mint_session_token

    orders = customers * ORDERS_PER_CUSTOMER
    _, seed_seconds = await seed_history(merchant_id, customers=customers, orders=orders)
    started = time.perf_counter()
    await analytics.recompute_rfm(merchant_id)
    pass_seconds = time.perf_counter() - started
    token = mint_session_token(settings, shop_domain, roles=["admin:analytics"], ttl_seconds=3600)
    _, port = loopback_address(url)
    runs = []
    for label, proposal in PROPOSALS:
        request = _graphql_request(port, PREVIEW_QUERY, {"config": proposal}, token)
        await run_load(url, [request], concurrency=1, timeout=timeout)  # the first one warms the plan
        result = await run_load(url, [request] * requests, concurrency=1, timeout=timeout, keep_bodies=True)
        runs.append(PreviewRun(label, Latency.of(result), _graphql_errors(result)))
    return PreviewBenchReport(customers, orders, seed_seconds, pass_seconds, runs)
