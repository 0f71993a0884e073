"""``loyalnest bench referrals``: the referral link redirect (``GET /proxy/r/{code}``, as
Shopify's app proxy forwards ``/apps/<subpath>/r/<CODE>``) on ONE API process, beside a
bare Starlette app answering the same 302 on the same uvicorn settings.

The bench shop gets a program switched on and ``--codes`` advocates with a code each
(through the referrals api, as production creates them); the API process and a worker
run as in production (``loyalnest serve``, ``loyalnest worker``). Requests are signed
app-proxy GETs built before the clock starts, spread over the codes and over
``--visitors`` distinct visitors (``X-Forwarded-For`` + user agent), so no visitor hits
the per-visitor rate limit and every redirect counts a click.

Two measurements per server, in the same run:

- paced: ``--rate`` requests/s for ``--seconds`` over ``--connections`` keep-alive
  connections (open loop: each request has its scheduled send time, and its latency
  is counted from that time, so a stalled server cannot hide its queue: no coordinated
  omission); p50/p99/max. Target: p99 < 10 ms at 1,000/s on the API.
- saturated: ``--requests`` sent closed-loop at ``--concurrency``: the most redirects/s
  each server manages; the API's over the bare app's is the ratio (target >= 0.5).

At the end the worker flushes the click counters (the real ``referrals.flush_clicks``
message) and the bench checks that ``referral_clicks_daily`` holds one click per 302.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import typer
from sqlalchemy import text

from loyalnest.devtools import cpu
from loyalnest.devtools.bench.processes import Stack, free_port, spawn
from loyalnest.devtools.loadgen import (
    LoadError,
    build_request,
    connect,
    loopback_address,
    percentile,
    run_load,
)
from loyalnest.devtools.shopify_data import Catalog
from loyalnest.platform.uow import unit_of_work

TARGET_P99_MS = 10.0
TARGET_RATIO = 0.5
ACTOR = "bench"


# --- requests ----------------------------------------------------------------------------


def link_requests(
    *,
    port: int,
    shop_domain: str,
    secret: str,
    codes: Sequence[str],
    count: int,
    visitors: int,
    offset: int = 0,
    path_prefix: str = "/apps/loyalnest",
) -> list[bytes]:
    """``count`` signed app-proxy GETs of referral links, round-robin over ``codes``,
    visitor ``k * 7919 mod visitors`` each (a prime stride: a visitor meets a code again
    only after thousands of requests)."""
    from loyalnest.contexts.webhooks import api as webhooks

    params = {
        "shop": shop_domain,
        "logged_in_customer_id": "",
        "path_prefix": path_prefix,
        "timestamp": str(int(time.time())),
    }
    # Shopify signs the query string only (not the path): one signature serves every code
    signature = webhooks.app_proxy_signature(secret, {name: [value] for name, value in params.items()})
    query = "&".join(f"{name}={value}" for name, value in params.items()) + f"&signature={signature}"
    query = query.replace("/", "%2F")
    requests = []
    for k in range(offset, offset + count):
        code = codes[k % len(codes)]
        visitor = (k * 7919) % visitors
        address = f"10.{visitor >> 16 & 255}.{visitor >> 8 & 255}.{visitor & 255}"
        requests.append(
            build_request(
                "GET",
                f"/proxy/r/{code}?{query}",
                port=port,
                headers=[
                    ("X-Forwarded-For", f"{address}, 127.0.0.1"),
                    ("User-Agent", f"Mozilla/5.0 (bench; visitor {visitor % 7})"),
                ],
            )
        )
    return requests


# --- paced (open-loop) load --------------------------------------------------------------


@dataclass
class PacedResult:
    rate: float
    sent: int = 0
    elapsed: float = 0.0
    # from each request's scheduled send time to its answer (seconds)
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    # requests that left more than 1 ms after their scheduled time (the client or the
    # server fell behind; their wait is in ``latencies``)
    late: int = 0

    def p(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) * 1000

    @property
    def achieved(self) -> float:
        return self.sent / self.elapsed if self.elapsed else 0.0


async def run_paced(
    url: str, requests: Sequence[bytes], *, rate: float, connections: int, request_timeout: float = 10.0
) -> PacedResult:
    """Send ``requests[i]`` at ``start + i / rate`` on connection ``i mod connections``."""
    host, port = loopback_address(url)
    result = PacedResult(rate=rate)
    # perf_counter, not loop.time(): uvloop's clock ticks in whole milliseconds
    clock = time.perf_counter
    start = clock() + 0.05

    async def lane(index: int) -> None:
        connection = await connect(host, port)
        try:
            for i in range(index, len(requests), connections):
                scheduled = start + i / rate
                delay = scheduled - clock()
                if delay > 0:
                    await asyncio.sleep(delay)
                elif delay < -0.001:
                    result.late += 1
                result.sent += 1
                try:
                    if connection.closed:
                        connection = await connect(host, port)
                    response = await connection.request(requests[i], request_timeout)
                except (LoadError, OSError):
                    result.errors += 1
                    connection.close()
                    connection = await connect(host, port)
                    continue
                result.latencies.append(clock() - scheduled)
                result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
        finally:
            connection.close()

    await asyncio.gather(*(lane(i) for i in range(connections)))
    result.elapsed = clock() - start
    return result


# --- the bench ---------------------------------------------------------------------------


@dataclass
class ServerFigures:
    label: str
    paced: PacedResult
    saturated_per_second: float
    saturated_redirects: int
    saturated_sent: int
    saturated_p99_ms: float
    # the server process's CPU: per redirect when saturated, and in cores while paced
    saturated_cpu_ms: float = 0.0
    paced_cores: float = 0.0
    cpu: str = ""


@dataclass
class ReferralBenchReport:
    codes: int
    visitors: int
    api: ServerFigures
    bare: ServerFigures
    clicks_expected: int = 0
    clicks_counted: int = 0
    unique_visitors: int = 0
    setup: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        bare = self.bare.saturated_per_second
        return self.api.saturated_per_second / bare if bare else 0.0

    def lines(self) -> list[str]:
        def paced(figures: ServerFigures) -> str:
            p = figures.paced
            redirects = p.statuses.get(302, 0)
            return (
                f"  {figures.label:<9} paced {p.rate:,.0f}/s: {redirects:,}/{p.sent:,} redirected"
                f" ({p.achieved:,.0f}/s sent), p50 {p.p(0.50):.2f} ms, p99 {p.p(0.99):.2f} ms,"
                f" max {max(p.latencies, default=0) * 1000:.1f} ms; late sends {p.late}, errors {p.errors};"
                f" server CPU {figures.paced_cores:.2f} cores"
            )

        def saturated(figures: ServerFigures) -> str:
            return (
                f"  {figures.label:<9} saturated: {figures.saturated_redirects:,}/{figures.saturated_sent:,}"
                f" redirected = {figures.saturated_per_second:,.0f} redirects/s,"
                f" p99 {figures.saturated_p99_ms:.1f} ms; server CPU {figures.saturated_cpu_ms:.3f} ms"
                f" per redirect ({figures.cpu})"
            )

        api_p99 = self.api.paced.p(0.99)
        verdict_p99 = "ok" if api_p99 < TARGET_P99_MS else "OVER TARGET"
        verdict_ratio = "ok" if self.ratio >= TARGET_RATIO else "UNDER TARGET"
        out = [
            f"referrals bench: GET /proxy/r/<code> (signed app-proxy requests, {self.codes} codes,"
            f" {self.visitors:,} visitors); {self.setup}",
            paced(self.api),
            paced(self.bare),
            saturated(self.api),
            saturated(self.bare),
            f"  p99 at {self.api.paced.rate:,.0f}/s: {api_p99:.2f} ms - target < {TARGET_P99_MS:.0f} ms:"
            f" {verdict_p99}",
            f"  ratio     API / bare Starlette redirect (saturated) = {self.ratio:.2f} x"
            f" - target >= {TARGET_RATIO}: {verdict_ratio}",
            f"  clicks    {self.clicks_counted:,} in referral_clicks_daily after the flush for"
            f" {self.clicks_expected:,} redirects ({self.unique_visitors:,} unique visitors,"
            " counted per advocate per day)",
        ]
        out += [f"  note: {note}" for note in self.notes]
        return out


async def seed_referral_program(merchant_id: int, advocates: int) -> list[str]:
    """Switch the shop's program on and give ``advocates`` new customers a code each;
    their codes."""
    from loyalnest.contexts.referrals import api as referrals
    from loyalnest.devtools.bench.seeding import create_customers

    catalog = Catalog(7, id_base=8_000_000_000_000 + uuid.uuid4().int % 10**12)
    ids = await create_customers(merchant_id, [catalog.customer() for _ in range(advocates)])
    async with unit_of_work() as uow:
        await referrals.update_program(
            uow,
            merchant_id=merchant_id,
            actor=ACTOR,
            update=referrals.ProgramUpdate(
                enabled=True, friend_kind="fixed_amount", friend_value=Decimal("10")
            ),
        )
    codes = []
    for start in range(0, len(ids), 200):
        async with unit_of_work() as uow:
            for customer_id in ids[start : start + 200]:
                codes.append(
                    await referrals.ensure_code(uow, merchant_id=merchant_id, customer_id=customer_id)
                )
    return codes


async def click_totals(merchant_id: int) -> tuple[int, int]:
    async with unit_of_work() as uow:
        row = (
            await uow.session.execute(
                text(
                    "SELECT coalesce(sum(clicks), 0), coalesce(sum(unique_visitors), 0)"
                    " FROM referral_clicks_daily WHERE merchant_id = :m"
                ),
                {"m": merchant_id},
            )
        ).one()
    return int(row[0]), int(row[1])


async def flush_and_count(merchant_id: int, expected: int, *, timeout: float) -> tuple[int, int]:
    """Send the real flush message to the worker until the table holds ``expected``
    clicks (or time is up); ``(clicks, unique visitors)``."""
    from loyalnest.contexts.referrals.tasks.clicks import FLUSH_CLICKS_ACTOR, REFERRALS_QUEUE

    deadline = time.monotonic() + timeout
    while True:
        async with unit_of_work() as uow:
            uow.enqueue(FLUSH_CLICKS_ACTOR, queue_name=REFERRALS_QUEUE)
        await asyncio.sleep(0.5)
        clicks, visitors = await click_totals(merchant_id)
        if clicks >= expected or time.monotonic() > deadline:
            return clicks, visitors


RequestMaker = Callable[[int, int, int], list[bytes]]


def _cpu_seconds(before: cpu.CpuSnapshot, after: cpu.CpuSnapshot, label: str) -> float:
    earlier = before.groups.get(label, {})
    return sum(
        max(seconds - earlier.get(pid, 0.0), 0.0) for pid, seconds in after.groups.get(label, {}).items()
    )


async def measure_server(
    label: str,
    url: str,
    make_requests: RequestMaker,
    *,
    pid: int,
    rate: float,
    seconds: float,
    connections: int,
    saturation_requests: int,
    concurrency: int,
    warmup: int,
) -> tuple[ServerFigures, int]:
    """Warm up, then the paced and the saturated runs; the figures and how many 302s
    the server answered in all (each one a counted click on the API)."""
    _, port = loopback_address(url)
    warm = await run_load(url, make_requests(port, warmup, 0), concurrency=concurrency)
    paced_count = max(1, int(rate * seconds))
    trees = {"server": pid}
    names = {"redis": "redis-server", "postgres": "postgres"}
    alone = {"bench": os.getpid()}
    paced_requests = make_requests(port, paced_count, warmup)
    before = cpu.snapshot(trees, names, alone=alone)
    paced = await run_paced(url, paced_requests, rate=rate, connections=connections)
    after = cpu.snapshot(trees, names, alone=alone)
    paced_cores = _cpu_seconds(before, after, "server") / paced.elapsed if paced.elapsed else 0.0
    saturated_requests = make_requests(port, saturation_requests, warmup + paced_count)
    before = cpu.snapshot(trees, names, alone=alone)
    load = await run_load(url, saturated_requests, concurrency=concurrency)
    after = cpu.snapshot(trees, names, alone=alone)
    redirects = load.statuses.get(302, 0)
    figures = ServerFigures(
        label=label,
        paced=paced,
        saturated_per_second=redirects / load.elapsed if load.elapsed else 0.0,
        saturated_redirects=redirects,
        saturated_sent=load.sent,
        saturated_p99_ms=load.percentile(0.99) * 1000,
        saturated_cpu_ms=1000 * _cpu_seconds(before, after, "server") / redirects if redirects else 0.0,
        paced_cores=paced_cores,
        cpu=cpu.usage(before, after),
    )
    return figures, warm.statuses.get(302, 0) + paced.statuses.get(302, 0) + redirects


def start_bare_redirect(stack: Stack, port: int) -> str:
    stack.processes.append(
        spawn([sys.executable, "-m", "loyalnest.devtools.bench.bare_redirect", str(port)], stack.env)
    )
    return f"http://127.0.0.1:{port}"


def bench_referrals(
    rate: float = typer.Option(1000, min=1, help="paced requests per second"),
    seconds: float = typer.Option(15, min=0.1, help="length of the paced run"),
    connections: int = typer.Option(32, min=1, max=1024, help="keep-alive connections of the paced run"),
    requests: int = typer.Option(20_000, min=1, help="requests of the saturated (closed-loop) run"),
    concurrency: int = typer.Option(32, min=1, max=1024, help="requests in flight in the saturated run"),
    codes: int = typer.Option(300, min=1, help="advocates with a code (the links clicked)"),
    visitors: int = typer.Option(20_000, min=1, help="distinct visitors (address + user agent)"),
    warmup: int = typer.Option(2000, min=0, help="requests before timing (fills the caches)"),
    timeout: float = typer.Option(120, min=1, help="seconds allowed for the click flush"),
    keep_shop: bool = typer.Option(False, help="keep the bench shop's data afterwards"),
) -> None:
    """Referral link redirects on one API process (p50/p99 at --rate; target p99 < 10 ms
    at 1,000/s) beside a bare Starlette redirect (saturated rate ratio; target >= 0.5)."""
    from loyalnest.devtools import bench
    from loyalnest.devtools.cli import _run
    from loyalnest.settings import get_settings

    settings = get_settings()
    secret = settings.shopify_api_secret
    prefix = f"/apps/{settings.app_proxy_subpath}"
    with bench.bench_stack(settings) as stack:

        async def main() -> ReferralBenchReport:
            shop = await bench.seed_shop()
            try:
                shop_codes = await seed_referral_program(shop.id, codes)

                def make_requests(port: int, count: int, offset: int) -> list[bytes]:
                    return link_requests(
                        port=port,
                        shop_domain=shop.shop_domain,
                        secret=secret,
                        codes=shop_codes,
                        count=count,
                        visitors=visitors,
                        offset=offset,
                        path_prefix=prefix,
                    )

                api_url = bench.start_api(stack, free_port())
                api_process = stack.processes[-1]
                await bench.wait_until_serving(api_url, "/health", timeout=60, process=api_process)
                bench.start_worker(stack)
                bare_url = start_bare_redirect(stack, free_port())
                bare_process = stack.processes[-1]
                await bench.wait_until_serving(bare_url, "/proxy/r/X", timeout=60, process=bare_process)
                options = {
                    "rate": rate,
                    "seconds": seconds,
                    "connections": connections,
                    "saturation_requests": requests,
                    "concurrency": concurrency,
                    "warmup": warmup,
                }
                bare, _ = await measure_server(
                    "bare",
                    bare_url,
                    make_requests,
                    pid=bare_process.pid,
                    **options,  # type: ignore[arg-type]
                )
                api, redirected = await measure_server(
                    "API",
                    api_url,
                    make_requests,
                    pid=api_process.pid,
                    **options,  # type: ignore[arg-type]
                )
                report = ReferralBenchReport(codes=len(shop_codes), visitors=visitors, api=api, bare=bare)
                report.clicks_expected = redirected
                report.clicks_counted, report.unique_visitors = await flush_and_count(
                    shop.id, redirected, timeout=timeout
                )
                if report.clicks_counted != redirected:
                    report.notes.append(f"{report.clicks_counted} clicks counted for {redirected} redirects")
                return report
            finally:
                if not keep_shop:
                    await bench.drop_shop(shop.id)

        report = _run(main)
        report.setup = (
            f"{stack.describe()}, the bare app in its own process; paced over {connections} connections,"
            f" saturated at concurrency {concurrency}; the load client runs on the same machine"
        )
    typer.echo("\n".join(report.lines()))


def register(bench_app: typer.Typer) -> None:
    """Add ``referrals`` to ``loyalnest bench``."""
    bench_app.command("referrals")(bench_referrals)
