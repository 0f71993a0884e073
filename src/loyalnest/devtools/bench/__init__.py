"""``loyalnest bench``: how fast the real system is, measured the way it runs.

``webhooks``: signed orders/create deliveries (one new customer each) at a fixed
concurrency; reports how fast they are accepted (rate, p50/p99 latency), how fast
they are fully awarded end to end (until the ledger holds every earn row), and the raw
ceiling: the bare award transaction run directly against the same database (no HTTP,
no queue), with the ratio.

``subscriptions``: one balance change fanned out to thousands of graphql-transport-ws
sockets on one API process (change to last socket, p50/p99/max; memory per socket).

``graphql``: the staff query ``customer(id) { pointsBalance transactions(first: 10) }``
against a bare Strawberry ``{ hello }`` served with the same uvicorn settings.

Without ``--url`` the bench starts what production runs: servers (embedded unless
LOYALNEST_DATABASE_URL / LOYALNEST_REDIS_URL are set), migrations, ONE API process
(``python -m loyalnest serve``) and ONE worker process (``python -m loyalnest
worker``), and stops everything it started. Requests are built and signed before the
clock starts; the client is ``devtools.loadgen`` (raw asyncio, keep-alive).

Modules: ``webhooks`` and ``graphql`` (each bench and its report), ``seeding`` (the
shop, customers and awards a bench needs, the ledger probes, the bare award
baseline), ``processes`` (the servers and processes it runs against) and ``latency``.
"""

from loyalnest.devtools.bench.dashboard import DashboardBenchReport, run_dashboard_bench
from loyalnest.devtools.bench.graphql import (
    CUSTOMER_QUERY,
    HELLO_QUERY,
    GraphqlBenchReport,
    run_graphql_bench,
    seed_customers_with_history,
)
from loyalnest.devtools.bench.latency import Latency
from loyalnest.devtools.bench.processes import (
    STOP_TIMEOUT_SECONDS,
    Stack,
    bench_stack,
    free_port,
    spawn,
    start_api,
    start_bare_graphql,
    start_worker,
    stop,
    wait_until_serving,
)
from loyalnest.devtools.bench.seeding import (
    POLL_INTERVAL_SECONDS,
    create_customers,
    drop_shop,
    earn_count,
    measure_award_baseline,
    seed_shop,
    wait_for_earn_count,
)
from loyalnest.devtools.bench.subscriptions import SubscriptionBenchReport, run_subscription_bench
from loyalnest.devtools.bench.webhooks import WebhookBenchReport, order_requests, run_webhook_bench

__all__ = [
    "CUSTOMER_QUERY",
    "HELLO_QUERY",
    "POLL_INTERVAL_SECONDS",
    "STOP_TIMEOUT_SECONDS",
    "DashboardBenchReport",
    "GraphqlBenchReport",
    "Latency",
    "Stack",
    "SubscriptionBenchReport",
    "WebhookBenchReport",
    "bench_stack",
    "create_customers",
    "drop_shop",
    "earn_count",
    "free_port",
    "measure_award_baseline",
    "order_requests",
    "run_dashboard_bench",
    "run_graphql_bench",
    "run_subscription_bench",
    "run_webhook_bench",
    "seed_customers_with_history",
    "seed_shop",
    "spawn",
    "start_api",
    "start_bare_graphql",
    "start_worker",
    "stop",
    "wait_for_earn_count",
    "wait_until_serving",
]
