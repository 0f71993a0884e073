"""``loyalnest bench``: how fast the real system is, measured the way it runs.

``webhooks``: signed orders/create deliveries (one new customer each) at a fixed
concurrency; reports how fast they are accepted (rate, p50/p99 latency), how fast
they are fully awarded end to end (until the ledger holds every earn row), and the raw
ceiling: the bare award transaction run directly against the same database (no HTTP,
no queue), with the ratio.

``graphql``: the staff query ``customer(id) { pointsBalance transactions(first: 10) }``
against a bare Strawberry ``{ hello }`` served with the same uvicorn settings.

Without ``--url`` the bench starts what production runs: servers (embedded unless
LOYALNEST_DATABASE_URL / LOYALNEST_REDIS_URL are set), migrations, ONE API process
(``python -m loyalnest serve``) and ONE worker process (``python -m loyalnest
worker``), and stops everything it started. Requests are built and signed before the
clock starts; the client is ``devtools.loadgen`` (raw asyncio, keep-alive).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import orjson
from sqlalchemy import text

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.devtools import cpu
from loyalnest.devtools.loadgen import (
    LoadError,
    LoadResult,
    build_request,
    connect,
    loopback_address,
    run_load,
)
from loyalnest.devtools.shopify_data import Catalog, FakeCustomer, FakeOrder, webhook_request
from loyalnest.platform.db import read_session
from loyalnest.platform.uow import unit_of_work
from loyalnest.settings import Settings

POLL_INTERVAL_SECONDS = 0.025
STOP_TIMEOUT_SECONDS = 20.0

CUSTOMER_QUERY = (
    "query ($id: ID!) { customer(id: $id) { pointsBalance transactions(first: 10) {"
    " nodes { id delta kind source sourceRef balanceAfter createdAt }"
    " pageInfo { hasNextPage endCursor } } } }"
)
HELLO_QUERY = "{ hello }"


# --- numbers ---------------------------------------------------------------------------


@dataclass
class Latency:
    p50_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, result: LoadResult) -> Latency:
        worst = max(result.latencies) if result.latencies else 0.0
        return cls(result.percentile(0.50) * 1000, result.percentile(0.99) * 1000, worst * 1000)

    def __str__(self) -> str:
        return f"p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, max {self.max_ms:.1f} ms"


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
        lines += [f"  note: {note}" for note in self.notes]
        return lines


@dataclass
class GraphqlBenchReport:
    requests: int
    concurrency: int
    customer_per_second: float
    customer_latency: Latency
    customer_errors: int
    bare_per_second: float
    bare_latency: Latency
    bare_errors: int
    setup: str = ""

    @property
    def ratio(self) -> float:
        return self.customer_per_second / self.bare_per_second if self.bare_per_second else 0.0

    def lines(self) -> list[str]:
        return [
            f"bench graphql: {self.requests} requests each in alternating rounds,"
            f" concurrency {self.concurrency}" + (f"; {self.setup}" if self.setup else ""),
            f"  customer query  {self.customer_per_second:,.0f} req/s, {self.customer_latency}"
            f" (errors {self.customer_errors})  [customer(id) {{ pointsBalance transactions(first: 10) }}]",
            f"  bare Strawberry {self.bare_per_second:,.0f} req/s, {self.bare_latency}"
            f" (errors {self.bare_errors})  [{{ hello }}]",
            f"  ratio         customer / bare = {self.ratio:.2f}",
        ]


# --- database probes and seeding -------------------------------------------------------


async def earn_count(merchant_id: int) -> int:
    """Earn rows in the shop's ledger (what "fully awarded" means)."""
    async with read_session() as session:
        result = await session.execute(
            text("SELECT count(*) FROM points_ledger WHERE merchant_id = :m AND kind = 'earn'"),
            {"m": merchant_id},
        )
        return int(result.scalar_one())


async def wait_for_earn_count(merchant_id: int, target: int, *, timeout: float) -> tuple[int, float]:
    """Poll until the shop holds ``target`` earn rows; (count, perf_counter when seen)."""
    deadline = time.monotonic() + timeout
    while True:
        count = await earn_count(merchant_id)
        if count >= target or time.monotonic() > deadline:
            return count, time.perf_counter()
        await asyncio.sleep(POLL_INTERVAL_SECONDS)


async def seed_shop(domain: str | None = None) -> merchants.MerchantDTO:
    domain = domain or f"bench-{uuid.uuid4().hex[:10]}.myshopify.com"
    async with unit_of_work() as uow:
        return await merchants.install_shop(uow, shop_domain=domain, name="Bench Shop", currency="USD")


async def drop_shop(merchant_id: int) -> None:
    """Delete a bench shop and, by cascade, everything it accumulated (so repeated runs
    do not grow the development database by tens of thousands of rows each)."""
    async with unit_of_work() as uow:
        await uow.session.execute(text("DELETE FROM merchants WHERE id = :m"), {"m": merchant_id})


def _facts(customer: FakeCustomer) -> customers.ShopifyCustomerFacts:
    return customers.ShopifyCustomerFacts(
        shopify_customer_id=customer.shopify_id,
        email=customer.email,
        first_name=customer.first_name,
        last_name=customer.last_name,
        phone=customer.phone,
        accepts_marketing=customer.accepts_marketing,
        shopify_updated_at=customer.created_at,
    )


def _order_facts(order: FakeOrder, customer_id: int) -> earning.OrderFacts:
    return earning.OrderFacts(
        shopify_order_id=order.shopify_id,
        customer_id=customer_id,
        currency="USD",
        subtotal=order.subtotal,
        shipping=order.shipping,
        tax=order.tax,
        taxes_included=False,
    )


async def create_customers(
    merchant_id: int, people: Sequence[FakeCustomer], *, per_transaction: int = 200
) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(people), per_transaction):
        async with unit_of_work() as uow:
            for person in people[start : start + per_transaction]:
                ids.append(await customers.upsert_from_shopify(uow, merchant_id, _facts(person)))
    return ids


async def measure_award_baseline(
    merchant_id: int, *, orders: int, concurrency: int, per_transaction: int, catalog: Catalog
) -> tuple[int, float]:
    """The raw ceiling: ``earning.award_orders`` called directly in units of work
    (no HTTP, no queue), ``per_transaction`` orders per unit of work (awarded together,
    as the worker does with a batch), ``concurrency`` units of work at once. Customers
    are created first, untimed. Returns (orders awarded, seconds)."""
    people = [catalog.customer() for _ in range(orders)]
    customer_ids = await create_customers(merchant_id, people)
    facts = [_order_facts(catalog.order(p), cid) for p, cid in zip(people, customer_ids, strict=True)]
    chunks = iter([facts[i : i + per_transaction] for i in range(0, len(facts), per_transaction)])
    awarded = 0

    async def worker() -> None:
        nonlocal awarded
        for chunk in chunks:
            async with unit_of_work() as uow:
                results = await earning.award_orders(uow, merchant_id, chunk)
            awarded += sum(1 for points_awarded in results if points_awarded)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(max(1, concurrency))))
    return awarded, time.perf_counter() - started


# --- the webhook bench -----------------------------------------------------------------


def order_requests(catalog: Catalog, *, port: int, shop_domain: str, secret: str, count: int) -> list[bytes]:
    """``count`` signed orders/create deliveries, each for a new customer."""
    return [
        webhook_request(
            port=port,
            shop_domain=shop_domain,
            topic="orders/create",
            payload=catalog.order(catalog.customer()).payload(),
            secret=secret,
        )
        for _ in range(count)
    ]


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
) -> WebhookBenchReport:
    """Measure against a running API and worker at ``url`` whose database this process
    is configured for (to seed, poll the ledger and run the baseline)."""
    _, port = loopback_address(url)
    catalog = Catalog(seed, id_base=7_000_000_000_000 + uuid.uuid4().int % 10**12)
    notes: list[str] = []
    if warmup:
        before = await earn_count(merchant_id)
        warm = order_requests(catalog, port=port, shop_domain=shop_domain, secret=secret, count=warmup)
        await run_load(url, warm, concurrency=concurrency, timeout=timeout)
        count, _ = await wait_for_earn_count(merchant_id, before + warmup, timeout=timeout)
        if count < before + warmup:
            notes.append(f"warm-up: only {count - before}/{warmup} awarded within {timeout:.0f} s")
    requests = order_requests(catalog, port=port, shop_domain=shop_domain, secret=secret, count=orders)
    before = await earn_count(merchant_id)
    trees = cpu_trees or {}
    cpu_names = {"postgres": "postgres", "redis": "redis-server"}
    bench_itself = {"bench": os.getpid()}

    cpu_before = cpu.snapshot(trees, cpu_names, alone=bench_itself)
    started = time.perf_counter()
    load = await run_load(url, requests, concurrency=concurrency, timeout=timeout)
    accepted = load.ok
    count, seen = await wait_for_earn_count(merchant_id, before + accepted, timeout=timeout)
    cpu_used = cpu.usage(cpu_before, cpu.snapshot(trees, cpu_names, alone=bench_itself))
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


# --- the GraphQL bench -----------------------------------------------------------------


async def seed_customers_with_history(
    merchant_id: int, *, customers_count: int, orders_each: int, catalog: Catalog
) -> list[int]:
    """Customers with ``orders_each`` awarded orders each (through the award pipeline)."""
    people = [catalog.customer() for _ in range(customers_count)]
    customer_ids = await create_customers(merchant_id, people)
    for _ in range(orders_each):
        orders = [_order_facts(catalog.order(p), cid) for p, cid in zip(people, customer_ids, strict=True)]
        async with unit_of_work() as uow:
            await earning.award_orders(uow, merchant_id, orders)
    return customer_ids


def _graphql_request(port: int, query: str, variables: dict[str, object], token: str | None) -> bytes:
    headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
    if token is not None:
        headers.append(("Authorization", f"Bearer {token}"))
    body = orjson.dumps({"query": query, "variables": variables})
    return build_request("POST", "/graphql", port=port, headers=headers, body=body)


def _merge(total: LoadResult, part: LoadResult) -> None:
    total.sent += part.sent
    total.elapsed += part.elapsed
    total.latencies.extend(part.latencies)
    for status, count in part.statuses.items():
        total.statuses[status] = total.statuses.get(status, 0) + count
    total.errors += part.errors
    total.bodies.extend(part.bodies)
    total.client_cpu_seconds += part.client_cpu_seconds
    total.timed_out = total.timed_out or part.timed_out


def _graphql_errors(result: LoadResult) -> int:
    errors = result.errors + sum(n for status, n in result.statuses.items() if status != 200)
    return errors + sum(1 for body in result.bodies if body is not None and b'"errors"' in body)


async def run_graphql_bench(
    url: str,
    bare_url: str,
    *,
    settings: Settings,
    merchant_id: int,
    shop_domain: str,
    requests: int,
    concurrency: int,
    customers_count: int = 200,
    warmup: int = 500,
    timeout: float = 300.0,
    rounds: int = 10,
) -> GraphqlBenchReport:
    from loyalnest.graphql.core.ids import encode_id
    from loyalnest.http.auth import mint_session_token

    _, port = loopback_address(url)
    _, bare_port = loopback_address(bare_url)
    catalog = Catalog(2, id_base=8_000_000_000_000 + uuid.uuid4().int % 10**12)
    customer_ids = await seed_customers_with_history(
        merchant_id, customers_count=customers_count, orders_each=12, catalog=catalog
    )
    token = mint_session_token(settings, shop_domain, ttl_seconds=3600)
    customer_requests = [
        _graphql_request(
            port, CUSTOMER_QUERY, {"id": encode_id("Customer", customer_ids[i % len(customer_ids)])}, token
        )
        for i in range(requests)
    ]
    bare_requests = [_graphql_request(bare_port, HELLO_QUERY, {}, None)] * requests

    await run_load(url, customer_requests[:warmup], concurrency=concurrency, timeout=timeout)
    await run_load(bare_url, bare_requests[:warmup], concurrency=concurrency, timeout=timeout)
    # Alternating rounds rather than one long run of each: whatever else the machine is
    # doing meanwhile then weighs on both sides alike instead of on whichever ran then.
    customer, bare = LoadResult(), LoadResult()
    chunk = max(1, -(-requests // rounds))
    for start in range(0, requests, chunk):
        _merge(
            customer,
            await run_load(
                url,
                customer_requests[start : start + chunk],
                concurrency=concurrency,
                timeout=timeout,
                keep_bodies=True,
            ),
        )
        _merge(
            bare,
            await run_load(
                bare_url,
                bare_requests[start : start + chunk],
                concurrency=concurrency,
                timeout=timeout,
                keep_bodies=True,
            ),
        )
    return GraphqlBenchReport(
        requests=requests,
        concurrency=concurrency,
        customer_per_second=customer.ok / customer.elapsed if customer.elapsed else 0.0,
        customer_latency=Latency.of(customer),
        customer_errors=_graphql_errors(customer),
        bare_per_second=bare.ok / bare.elapsed if bare.elapsed else 0.0,
        bare_latency=Latency.of(bare),
        bare_errors=_graphql_errors(bare),
    )


# --- processes -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """In a child: SIGTERM when the bench dies, so no server outlives it (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def spawn(args: Sequence[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(list(args), env=env, preexec_fn=_die_with_parent)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_SECONDS)


async def wait_until_serving(
    url: str, path: str, *, timeout: float, process: subprocess.Popen[bytes]
) -> None:
    """Poll ``GET path`` until the server answers at all (or the process died, or time
    is up): any HTTP status below 500 means it is serving."""
    host, port = loopback_address(url)
    request = build_request("GET", path, port=port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{' '.join(map(str, process.args))} exited with {process.returncode}")  # type: ignore[arg-type]
        with contextlib.suppress(OSError, LoadError):
            connection = await connect(host, port)
            try:
                if (await connection.request(request, 2.0)).status < 500:
                    return
            finally:
                connection.close()
        await asyncio.sleep(0.1)
    raise RuntimeError(f"nothing answered on {url}{path} within {timeout:.0f} s")


@dataclass
class Stack:
    """Servers and processes the bench runs against."""

    database_url: str
    redis_url: str
    namespace: str
    env: dict[str, str]
    embedded: bool
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def process_trees(self) -> dict[str, int]:
        """Root pids of what this bench started, for CPU accounting."""
        labels = {"serve": "api", "worker": "worker", "loyalnest.devtools.bare_graphql": "bare-graphql"}
        trees: dict[str, int] = {}
        for process in self.processes:
            args = [str(a) for a in process.args]  # type: ignore[union-attr]
            label = next((labels[a] for a in args if a in labels), str(process.pid))
            trees[label] = process.pid
        return trees

    def describe(self) -> str:
        where = "embedded PostgreSQL/Redis" if self.embedded else "configured PostgreSQL/Redis"
        return f"{where}, 1 API process, 1 worker process"


@contextlib.contextmanager
def bench_stack(settings: Settings) -> Iterator[Stack]:
    """Servers (embedded unless configured), migrations, and this process configured
    for them; everything started here is stopped on the way out."""
    from loyalnest.migrations import upgrade_to_head
    from loyalnest.platform.embedded import ensure_servers
    from loyalnest.platform.runtime import configure_process
    from workers.broker import configure_broker

    database_url, redis_url, embedded = ensure_servers(
        database_url=settings.database_url, redis_url=settings.redis_url, data_dir=settings.data_dir
    )
    namespace = f"{settings.redis_namespace}-bench-{os.getpid()}"
    env = {
        **os.environ,
        "LOYALNEST_DATABASE_URL": database_url,
        "LOYALNEST_REDIS_URL": redis_url,
        "LOYALNEST_REDIS_NAMESPACE": namespace,
        "LOYALNEST_LOG_LEVEL": os.environ.get("LOYALNEST_LOG_LEVEL", "WARNING"),
        "LOYALNEST_WORKER_METRICS_PORT": "0",
        "LOYALNEST_WORKER_PROCESSES": "1",
    }
    stack = Stack(
        database_url=database_url,
        redis_url=redis_url,
        namespace=namespace,
        env=env,
        embedded=settings.database_url is None,
    )
    try:
        upgrade_to_head(database_url)
        configure_process(
            database_url=database_url,
            redis_url=redis_url,
            redis_namespace=namespace,
            pool_size=settings.db_pool_size,
            log_level="WARNING",
            log_format=settings.log_format,
        )
        configure_broker(redis_url, namespace=namespace)
        yield stack
    finally:
        for process in reversed(stack.processes):
            stop(process)
        _clear_namespace(redis_url, namespace)
        embedded.stop()


def _clear_namespace(redis_url: str, namespace: str) -> None:
    import redis

    with contextlib.suppress(Exception):
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{namespace}:*", count=1000):
            client.delete(key)
        client.close()


def start_api(stack: Stack, port: int) -> str:
    env = {**stack.env, "LOYALNEST_HOST": "127.0.0.1", "LOYALNEST_PORT": str(port)}
    stack.processes.append(spawn([sys.executable, "-m", "loyalnest", "serve"], env))
    return f"http://127.0.0.1:{port}"


def start_worker(stack: Stack) -> None:
    stack.processes.append(spawn([sys.executable, "-m", "loyalnest", "worker"], stack.env))


def start_bare_graphql(stack: Stack, port: int) -> str:
    stack.processes.append(
        spawn([sys.executable, "-m", "loyalnest.devtools.bare_graphql", str(port)], stack.env)
    )
    return f"http://127.0.0.1:{port}"
