"""``loyalnest bench graphql``: the queries the staff dashboard sends, measured the way
users run the product: the API with its worker running beside it on the same cores, at
concurrency 16 and 64, each query against a bare Strawberry ``{ hello }`` served with the
same uvicorn settings, in alternating rounds, with p50 and p99.

Queries: ``customer(id)`` and ``customerByShopifyId`` (a customer's balance and last ten
ledger rows, as the customer page opens), and the customers list page (20 customers with
their balances, pending and lifetime points)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from loyalnest.contexts.earning import api as earning
from loyalnest.devtools import cpu
from loyalnest.devtools.bench.graphql import HELLO_QUERY, _graphql_errors, _graphql_request, alternate_rounds
from loyalnest.devtools.bench.latency import Latency
from loyalnest.devtools.bench.seeding import _order_facts, create_customers
from loyalnest.devtools.loadgen import loopback_address, run_load
from loyalnest.devtools.shopify_data import Catalog
from loyalnest.platform.uow import unit_of_work
from loyalnest.settings import Settings

_HISTORY = (
    " pointsBalance transactions(first: 10) {"
    " nodes { id delta kind source sourceRef balanceAfter createdAt }"
    " pageInfo { hasNextPage endCursor } }"
)
QUERIES: dict[str, str] = {
    "customer(id)": "query ($id: ID!) { customer(id: $id) {" + _HISTORY + " } }",
    "customerByShopifyId": "query ($sid: ID!) { customerByShopifyId(shopifyId: $sid) {" + _HISTORY + " } }",
    "customers list": (
        "{ customers(first: 20) { nodes { id shopifyId pointsBalance pendingPoints lifetimePoints }"
        " pageInfo { hasNextPage endCursor } } }"
    ),
}
# what the README's target is stated against (every dashboard query >= 0.7x bare)
TARGET_RATIO = 0.7


@dataclass
class QueryFigures:
    query: str
    concurrency: int
    per_second: float
    latency: Latency
    errors: int
    bare_per_second: float
    bare_latency: Latency
    # CPU of the API and of the bare server per request, in ms (None without /proc or
    # pids): unlike req/s it hardly moves with whatever else the machine is running
    cpu_ms: float | None = None
    bare_cpu_ms: float | None = None

    @property
    def ratio(self) -> float:
        return self.per_second / self.bare_per_second if self.bare_per_second else 0.0

    @property
    def cpu_ratio(self) -> float | None:
        """Bare's CPU per request over ours: the ratio on a machine doing nothing else."""
        if not self.cpu_ms or self.bare_cpu_ms is None:
            return None
        return self.bare_cpu_ms / self.cpu_ms


@dataclass
class DashboardBenchReport:
    requests: int
    rows: list[QueryFigures] = field(default_factory=list)
    setup: str = ""

    @property
    def errors(self) -> int:
        return sum(row.errors for row in self.rows)

    def lines(self) -> list[str]:
        out = [
            f"bench graphql: the dashboard's queries, {self.requests} requests each per concurrency,"
            " alternating with bare Strawberry { hello }" + (f"; {self.setup}" if self.setup else "")
        ]
        for row in self.rows:
            out.append(
                f"  {row.query:<20} c={row.concurrency:<3} {row.per_second:>6,.0f} req/s, {row.latency}"
                f" (errors {row.errors}) | bare {row.bare_per_second:,.0f} req/s, p99"
                f" {row.bare_latency.p99_ms:.1f} ms | ratio {row.ratio:.2f}"
            )
            if row.cpu_ratio is not None:
                out.append(
                    f"  {'':<20} CPU per request: {row.cpu_ms:.2f} ms, bare {row.bare_cpu_ms:.2f} ms"
                    f" | CPU ratio {row.cpu_ratio:.2f}"
                )
        worst = min((row.ratio for row in self.rows), default=0.0)
        out.append(f"  lowest ratio {worst:.2f} (target >= {TARGET_RATIO})")
        return out


async def _seed(merchant_id: int, customers_count: int) -> tuple[list[int], list[int]]:
    """Customers with twelve awarded orders each: (our ids, Shopify ids)."""
    catalog = Catalog(2, id_base=7_000_000_000_000 + uuid.uuid4().int % 10**12)
    people = [catalog.customer() for _ in range(customers_count)]
    ids = await create_customers(merchant_id, people)
    for _ in range(12):
        orders = [_order_facts(catalog.order(p), cid) for p, cid in zip(people, ids, strict=True)]
        async with unit_of_work() as uow:
            await earning.award_orders(uow, merchant_id, orders)
    return ids, [p.shopify_id for p in people]


async def run_dashboard_bench(
    url: str,
    bare_url: str,
    *,
    settings: Settings,
    merchant_id: int,
    shop_domain: str,
    requests: int,
    concurrencies: Sequence[int] = (16, 64),
    customers_count: int = 200,
    warmup: int = 300,
    timeout: float = 300.0,
    rounds: int = 10,
    process_trees: Mapping[str, int] | None = None,
) -> DashboardBenchReport:
    """``process_trees``: root pids labelled "api" and "bare-graphql" (``Stack.process_trees``),
    for the CPU each spends per request."""
    from loyalnest.graphql.core.ids import encode_id
    from loyalnest.http.auth import mint_session_token

    _, port = loopback_address(url)
    _, bare_port = loopback_address(bare_url)
    ids, shopify_ids = await _seed(merchant_id, customers_count)
    token = mint_session_token(settings, shop_domain, ttl_seconds=3600)

    def variables(query: str, i: int) -> dict[str, object]:
        if query == "customer(id)":
            return {"id": encode_id("Customer", ids[i % len(ids)])}
        if query == "customerByShopifyId":
            return {"sid": str(shopify_ids[i % len(shopify_ids)])}
        return {}

    bare = [_graphql_request(bare_port, HELLO_QUERY, {}, None)] * requests
    report = DashboardBenchReport(requests=requests)
    for concurrency in concurrencies:
        for name, query in QUERIES.items():
            ours = [_graphql_request(port, query, variables(name, i), token) for i in range(requests)]
            await run_load(url, ours[:warmup], concurrency=concurrency, timeout=timeout)
            await run_load(bare_url, bare[:warmup], concurrency=concurrency, timeout=timeout)
            before = _cpu_seconds(process_trees)
            mine, theirs = await alternate_rounds(
                url, ours, bare_url, bare, concurrency=concurrency, rounds=rounds, timeout=timeout
            )
            used = _cpu_seconds(process_trees)
            api_ms = _per_request_ms(before, used, "api", mine.sent)
            bare_ms = _per_request_ms(before, used, "bare-graphql", theirs.sent)
            report.rows.append(
                QueryFigures(
                    query=name,
                    concurrency=concurrency,
                    per_second=mine.ok / mine.elapsed if mine.elapsed else 0.0,
                    latency=Latency.of(mine),
                    errors=_graphql_errors(mine),
                    bare_per_second=theirs.ok / theirs.elapsed if theirs.elapsed else 0.0,
                    bare_latency=Latency.of(theirs),
                    cpu_ms=api_ms,
                    bare_cpu_ms=bare_ms,
                )
            )
    return report


def _cpu_seconds(process_trees: Mapping[str, int] | None) -> dict[str, float]:
    if not process_trees:
        return {}
    shot = cpu.snapshot(
        {label: process_trees[label] for label in ("api", "bare-graphql") if label in process_trees}, {}
    )
    return {label: sum(pids.values()) for label, pids in shot.groups.items() if pids}


def _per_request_ms(
    before: dict[str, float], after: dict[str, float], label: str, requests: int
) -> float | None:
    if label not in before or label not in after or not requests:
        return None
    return 1000 * (after[label] - before[label]) / requests
