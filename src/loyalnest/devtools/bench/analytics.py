"""``loyalnest bench analytics``: the program dashboard over a big ledger.

Seeds one shop with ``ledger_rows`` ledger entries spread over ``days`` days (written
straight into ``points_ledger`` by one ``INSERT ... SELECT FROM generate_series``: a
realistic mix of purchases, signups, reviews, campaign and tier parts, referrals,
redemptions and expiries, ids increasing with time as the real ledger's are), times the
backfill of the daily rollups and one incremental pass after it, then times
``programAnalytics`` over the last 365 days through the real API over HTTP, one request
at a time (p50/p99/max). Target: p99 < 100 ms at 5,000,000 rows."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated

import typer
from sqlalchemy import text

from loyalnest.contexts.analytics import api as analytics
from loyalnest.devtools.bench.graphql import _graphql_errors, _graphql_request
from loyalnest.devtools.bench.latency import Latency
from loyalnest.devtools.loadgen import loopback_address, run_load
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from loyalnest.settings import Settings

PROGRAM_QUERY = (
    "query ($from: Date!, $to: Date!) { programAnalytics(from: $from, to: $to) {"
    " totals { members activeMembers pointsIssued pointsRedeemed pointsExpired outstandingPoints liability"
    " redemptionRate codeRevenue memberRepeatRate nonMemberRepeatRate }"
    " issuedBySource { source points } daily { labels series { key data } }"
    " issuedDaily { labels series { key data } } tiers { name customers } } }"
)
TARGET_P99_MS = 100.0

# (kind, source, delta) by i % 20: 11 purchases, 2 signups, 1 review, 1 campaign part,
# 1 tier part, 1 referral, 2 redemptions, 1 expiry
_KIND = (
    "CASE i % 20 WHEN 11 THEN 'earn' WHEN 12 THEN 'earn' WHEN 13 THEN 'earn' WHEN 14 THEN 'campaign'"
    " WHEN 15 THEN 'tier_bonus' WHEN 16 THEN 'referral' WHEN 17 THEN 'redeem' WHEN 18 THEN 'redeem'"
    " WHEN 19 THEN 'expire' ELSE 'earn' END"
)
_SOURCE = (
    "CASE i % 20 WHEN 11 THEN 'signup' WHEN 12 THEN 'signup' WHEN 13 THEN 'review' WHEN 16 THEN 'referral'"
    " WHEN 17 THEN 'reward' WHEN 18 THEN 'reward' WHEN 19 THEN 'expiry' ELSE 'order' END"
)
_DELTA = "CASE WHEN i % 20 IN (17, 18) THEN -200 WHEN i % 20 = 19 THEN -30 ELSE 10 + (i % 7) * 15 END"

# ids follow time (the identity is drawn in series order), as in the real ledger; the
# balances are not kept (a bench shop is dropped afterwards)
_SEED = f"""
INSERT INTO points_ledger (merchant_id, customer_id, kind, source, delta, idempotency_key,
                           balance_after, created_at)
SELECT :m, 1 + (i::bigint * 7919) % :customers, {_KIND}, {_SOURCE}, {_DELTA}, 'bench:' || i, 0,
       now() - make_interval(secs => (:days * 86400.0) * (1 - i::float8 / :rows))
FROM generate_series(1, :rows) AS i
"""


@dataclass
class ProgramBenchReport:
    ledger_rows: int
    seed_seconds: float
    backfill_seconds: float
    pass_seconds: float
    requests: int
    latency: Latency
    errors: int
    setup: str = ""
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        ok = self.latency.p99_ms < TARGET_P99_MS
        return [
            f"bench analytics: programAnalytics over 365 days, {self.ledger_rows:,} ledger rows"
            + (f"; {self.setup}" if self.setup else ""),
            f"  seed {self.seed_seconds:.1f} s, rollup backfill {self.backfill_seconds:.1f} s,"
            f" incremental pass {self.pass_seconds * 1000:.0f} ms",
            f"  {self.requests} requests, one at a time: {self.latency} (errors {self.errors})"
            f" | target p99 < {TARGET_P99_MS:.0f} ms: {'met' if ok else 'NOT met'}",
            *self.notes,
        ]


async def seed_ledger(merchant_id: int, *, ledger_rows: int, customers: int, days: int) -> None:
    async with unit_of_work() as uow:
        await uow.session.execute(
            text(_SEED), {"m": merchant_id, "rows": ledger_rows, "customers": customers, "days": days}
        )
    async with unit_of_work() as uow:
        await uow.session.execute(text("ANALYZE points_ledger"))


async def run_program_analytics_bench(
    *,
    ledger_rows: int,
    url: str,
    settings: Settings,
    merchant_id: int,
    shop_domain: str,
    customers: int = 100_000,
    days: int = 730,
    requests: int = 200,
    warmup: int = 20,
    timeout: float = 300.0,
) -> ProgramBenchReport:
    """Seed, roll up, and time ``programAnalytics`` (one year) over HTTP against the API
    at ``url`` (``merchant_id``/``shop_domain``: a fresh shop, e.g. ``seed_shop()``)."""
    from loyalnest.http.auth import mint_session_token

    started = time.perf_counter()
    await seed_ledger(merchant_id, ledger_rows=ledger_rows, customers=min(customers, ledger_rows), days=days)
    seeded = time.perf_counter()
    await analytics.backfill_program_rollups(merchant_id)
    backfilled = time.perf_counter()
    async with unit_of_work() as uow:
        # the bench shop keeps the installed default timezone (UTC)
        await analytics.refresh_program_rollups(uow, merchant_id, timezone="UTC")
    passed = time.perf_counter()

    today = utcnow().date()
    variables: dict[str, object] = {
        "from": (today - timedelta(days=364)).isoformat(),
        "to": today.isoformat(),
    }
    token = mint_session_token(settings, shop_domain, roles=["admin:analytics"], ttl_seconds=3600)
    _, port = loopback_address(url)
    request = _graphql_request(port, PROGRAM_QUERY, variables, token)
    await run_load(url, [request] * warmup, concurrency=1, timeout=timeout)
    result = await run_load(url, [request] * requests, concurrency=1, timeout=timeout, keep_bodies=True)
    return ProgramBenchReport(
        ledger_rows=ledger_rows,
        seed_seconds=seeded - started,
        backfill_seconds=backfilled - seeded,
        pass_seconds=passed - backfilled,
        requests=requests,
        latency=Latency.of(result),
        errors=_graphql_errors(result),
    )


def bench_program_analytics(
    settings: Settings, *, ledger_rows: int, requests: int = 200
) -> ProgramBenchReport:
    """The whole bench as ``loyalnest bench analytics`` runs it: servers, one API
    process, a fresh shop (dropped afterwards), the measurement. Call it outside any
    event loop (the migrations run their own)."""
    import uvloop

    from loyalnest.devtools.bench.processes import bench_stack, free_port, start_api, wait_until_serving
    from loyalnest.devtools.bench.seeding import drop_shop, seed_shop
    from loyalnest.platform.db import dispose_engine
    from loyalnest.platform.redis import close_async_redis

    with bench_stack(settings) as stack:

        async def main() -> ProgramBenchReport:
            shop = await seed_shop()
            try:
                url = start_api(stack, free_port())
                await wait_until_serving(url, "/health", timeout=60, process=stack.processes[-1])
                return await run_program_analytics_bench(
                    ledger_rows=ledger_rows,
                    url=url,
                    settings=settings,
                    merchant_id=shop.id,
                    shop_domain=shop.shop_domain,
                    requests=requests,
                )
            finally:
                await drop_shop(shop.id)
                await close_async_redis()
                await dispose_engine()

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            report = runner.run(main())
        report.setup = stack.describe().replace(", 1 worker process", "")
    return report


def bench_analytics(
    ledger_rows: Annotated[
        int, typer.Option(min=1, help="ledger rows of the bench shop (written straight into the tables)")
    ] = 5_000_000,
    requests: Annotated[
        int, typer.Option(min=1, help="programAnalytics requests timed, one at a time")
    ] = 200,
) -> None:
    """A one-year `programAnalytics` query through the real API for a shop with
    --ledger-rows ledger rows, its daily rollups built first (target: < 100 ms)."""
    from loyalnest.settings import get_settings

    report = bench_program_analytics(get_settings(), ledger_rows=ledger_rows, requests=requests)
    typer.echo("\n".join(report.lines()))


def register(bench_app: typer.Typer) -> None:
    bench_app.command("analytics")(bench_analytics)
