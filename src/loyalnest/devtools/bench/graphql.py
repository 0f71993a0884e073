"""``loyalnest bench graphql``: the staff query ``customer(id) { pointsBalance
transactions(first: 10) }`` against a bare Strawberry ``{ hello }``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import orjson

from loyalnest.contexts.earning import api as earning
from loyalnest.devtools.bench.latency import Latency
from loyalnest.devtools.bench.seeding import _order_facts, create_customers
from loyalnest.devtools.loadgen import LoadResult, build_request, loopback_address, run_load
from loyalnest.devtools.shopify_data import Catalog
from loyalnest.platform.uow import unit_of_work
from loyalnest.settings import Settings

CUSTOMER_QUERY = (
    "query ($id: ID!) { customer(id: $id) { pointsBalance transactions(first: 10) {"
    " nodes { id delta kind source sourceRef balanceAfter createdAt }"
    " pageInfo { hasNextPage endCursor } } } }"
)
HELLO_QUERY = "{ hello }"


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


async def alternate_rounds(
    url: str,
    ours: list[bytes],
    bare_url: str,
    bare: list[bytes],
    *,
    concurrency: int,
    rounds: int,
    timeout: float,
) -> tuple[LoadResult, LoadResult]:
    """``ours`` against ``url`` and ``bare`` against ``bare_url`` in alternating rounds,
    rather than one long run of each: whatever else the machine is doing meanwhile then
    weighs on both sides alike instead of on whichever ran then."""
    mine, theirs = LoadResult(), LoadResult()
    chunk = max(1, -(-len(ours) // rounds))
    for start in range(0, len(ours), chunk):
        for target, requests, total in ((url, ours, mine), (bare_url, bare, theirs)):
            _merge(
                total,
                await run_load(
                    target,
                    requests[start : start + chunk],
                    concurrency=concurrency,
                    timeout=timeout,
                    keep_bodies=True,
                ),
            )
    return mine, theirs


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
    customer, bare = await alternate_rounds(
        url,
        customer_requests,
        bare_url,
        bare_requests,
        concurrency=concurrency,
        rounds=rounds,
        timeout=timeout,
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
