"""CLI commands of the developer tools (simulate, bench), registered on the main app."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, TypeVar

import typer

from loyalnest.devtools.fake_cli import register as register_fake
from loyalnest.settings import get_settings

T = TypeVar("T")

DEMO_SHOP = "demo.myshopify.com"


def _run(main: Callable[[], Awaitable[T]]) -> T:
    """Run on uvloop (as the API does), closing this loop's pools before it ends."""
    import uvloop

    from loyalnest.platform.db import dispose_engine
    from loyalnest.platform.redis import close_async_redis

    async def _main() -> T:
        try:
            return await main()
        finally:
            await close_async_redis()
            await dispose_engine()

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(_main())


def simulate(
    ctx: typer.Context,
    shop: Annotated[str, typer.Option(help="myshopify.com domain the webhooks are for")] = DEMO_SHOP,
    orders: Annotated[int, typer.Option(min=1, help="orders to create")] = 1000,
    customers: Annotated[int | None, typer.Option(min=1, help="customers (default: orders / 3)")] = None,
    url: Annotated[
        str | None,
        typer.Option(help="the running API (loopback only); default: LOYALNEST_HOST and LOYALNEST_PORT"),
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=512, help="deliveries in flight")] = 16,
    seed: Annotated[int | None, typer.Option(help="random seed (same seed, same shop history)")] = None,
    secret: Annotated[str | None, typer.Option(help="app secret to sign with (default: settings)")] = None,
) -> None:
    """Send realistic signed Shopify webhooks to a running server.

    Customers, their orders, cancellations (some arriving before their order), partial
    refunds and duplicate deliveries; prints sent, accepted, duplicates and errors.
    `loyalnest simulate rfm` writes an order history straight into a shop instead."""
    if ctx.invoked_subcommand is not None:
        return  # a subcommand (rfm) runs on its own
    from loyalnest.devtools.loadgen import LoadError, loopback_address
    from loyalnest.devtools.simulate import simulate as run_simulation

    settings = get_settings()
    target = url or server_url(settings.host, settings.port)
    try:
        host, port = loopback_address(target)
    except LoadError as exc:
        raise typer.BadParameter(str(exc), param_hint="--url") from None
    if not _listening(host, port):
        typer.echo(f"no server answers at {target}: start it (make run) or pass --url", err=True)
        raise typer.Exit(1)

    async def main() -> Any:
        return await run_simulation(
            target,
            shop_domain=shop.lower(),
            secret=secret or settings.shopify_api_secret,
            orders=orders,
            customers=customers,
            concurrency=concurrency,
            seed=seed,
        )

    report = _run(main)
    typer.echo(report.summary())
    if report.statuses.get(404):
        typer.echo(
            f"the server does not know {shop}: install it first (loyalnest seed --shop {shop})", err=True
        )
    if report.errors:
        raise typer.Exit(1)


def server_url(host: str, port: int) -> str:
    """The API's URL from its bind address (a wildcard bind is reached on loopback)."""
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::', '') else host}:{port}"


def _listening(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((host, port)) == 0


bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks of the real stack (API + worker + database).")


@bench_app.command("webhooks")
def bench_webhooks(
    orders: Annotated[
        int, typer.Option(min=1, help="signed orders/create to send (one new customer each)")
    ] = 10_000,
    concurrency: Annotated[int, typer.Option(min=1, max=1024, help="requests in flight")] = 64,
    url: Annotated[
        str | None, typer.Option(help="a running API instead of starting one (loopback only)")
    ] = None,
    baseline: Annotated[bool, typer.Option(help="also time the bare award transaction")] = True,
    baseline_orders: Annotated[int, typer.Option(min=1)] = 2000,
    baseline_concurrency: Annotated[int, typer.Option(min=1, max=64)] = 8,
    warmup: Annotated[int, typer.Option(min=0, help="orders sent (and awarded) before timing")] = 500,
    timeout: Annotated[float, typer.Option(min=1, help="seconds allowed for each phase")] = 300,
    keep_shop: Annotated[bool, typer.Option(help="keep the bench shop's data afterwards")] = False,
    tiers: Annotated[
        int, typer.Option(min=0, max=10, help="also run a shop with this many tiers (beside the plain run)")
    ] = 0,
    campaigns: Annotated[
        int, typer.Option(min=0, max=200, help="also run a shop with this many active campaigns")
    ] = 0,
    referrals: Annotated[
        bool,
        typer.Option(
            help="also run a shop with the referral program on and ~5 % of orders carrying a referral code"
        ),
    ] = False,
    rounds: Annotated[
        int,
        typer.Option(
            min=1, max=10, help="with --tiers/--campaigns/--referrals: plain and program runs, alternating"
        ),
    ] = 2,
) -> None:
    """Webhooks accepted/s (p50/p99), orders awarded/s end to end, and the bare award.

    The bare award transaction runs directly (no HTTP, no queue); the ratio compares.
    With --tiers/--campaigns/--referrals, a second shop running that program gets the
    same load in the same invocation, in alternating rounds (plain, program, plain, ...:
    neither side gets the emptier tables or the warmer caches), and its award rate is
    printed beside the plain one. With --referrals its program is on, 100 advocates have
    a code, and one order in 20 carries one in its ``loyalnest_ref`` note attribute."""
    from loyalnest.devtools import bench
    from loyalnest.devtools.bench.program import seed_program
    from loyalnest.devtools.bench.seeding import ledger_rows_per_order, vacuum_analyze

    settings = get_settings()
    configured = tiers > 0 or campaigns > 0 or referrals
    referral_codes: list[str] = []
    with bench.bench_stack(settings) as stack:

        async def run(
            api_url: str, shop_id: int, shop_domain: str, *, with_baseline: bool, codes: Sequence[str] = ()
        ) -> bench.WebhookBenchReport:
            if configured:
                # every run of a comparison starts from a vacuumed, analyzed database
                await vacuum_analyze(stack.database_url)
            return await bench.run_webhook_bench(
                api_url,
                merchant_id=shop_id,
                shop_domain=shop_domain,
                secret=settings.shopify_api_secret,
                orders=orders,
                concurrency=concurrency,
                warmup=warmup,
                baseline_orders=baseline_orders if with_baseline else 0,
                baseline_concurrency=baseline_concurrency,
                timeout=timeout,
                cpu_trees=stack.process_trees(),
                referral_codes=codes,
            )

        async def main() -> list[tuple[str, bench.WebhookBenchReport]]:
            shops = [await bench.seed_shop()]
            program = ""
            if configured:
                shops.append(await bench.seed_shop())
                if tiers or campaigns:
                    program = await seed_program(shops[1].id, tier_count=tiers, campaign_count=campaigns)
                if referrals:
                    from loyalnest.devtools.bench.referrals import seed_referral_program

                    referral_codes.extend(await seed_referral_program(shops[1].id, 100))
                    program = ", ".join(p for p in (program, "referrals, 5 % of orders with a code") if p)
            api_url = url
            if api_url is None:
                api_url = bench.start_api(stack, bench.free_port())
                bench.start_worker(stack)
                await bench.wait_until_serving(api_url, "/health", timeout=60, process=stack.processes[0])
            try:
                plain = await run(api_url, shops[0].id, shops[0].shop_domain, with_baseline=baseline)
                reports = [("plain", plain)]
                for round_ in range(rounds if configured else 0):
                    if round_:
                        again = await run(api_url, shops[0].id, shops[0].shop_domain, with_baseline=False)
                        reports.append(("plain", again))
                    second = await run(
                        api_url, shops[1].id, shops[1].shop_domain, with_baseline=False, codes=referral_codes
                    )
                    reports.append((program, second))
                if configured:
                    rows = await ledger_rows_per_order(shops[1].id)
                    reports[-1][1].notes.append(f"{rows:.2f} ledger rows per order with this program")
                return reports
            finally:
                if not keep_shop:
                    for shop in shops:
                        await bench.drop_shop(shop.id)

        reports = _run(main)
        setup = stack.describe() if url is None else f"server at {url}"
    for label, report in reports:
        report.setup = setup if label == "plain" else f"{setup}; program: {label}"
        typer.echo("\n".join(report.lines()))
    if configured:

        def rate(label: str) -> float:
            runs = [report for name, report in reports if (name == "plain") == (label == "plain")]
            seconds = sum(report.e2e_seconds for report in runs)
            return sum(report.awarded for report in runs) / seconds if seconds else 0.0

        plain_rate, program_rate = rate("plain"), rate("program")
        ratio = program_rate / plain_rate if plain_rate else 0.0
        # the issues' targets: tiers and campaigns cost at most 20 %, referral
        # attribution at most 5 % (alone; both together are held to the first)
        target = 0.80 if tiers or campaigns else 0.95
        described = "tiers and campaigns" if tiers or campaigns else "the referral program"
        if (tiers or campaigns) and referrals:
            described += " and the referral program"
        typer.echo(
            f"with {described} ({rounds} alternating rounds of {orders} orders each):"
            f" {program_rate:,.0f} orders/s end to end = {ratio:.2f} x the plain runs'"
            f" {plain_rate:,.0f} orders/s (target >= {target:.2f}; the database vacuumed and analyzed"
            " before each run)"
        )


@bench_app.command("graphql")
def bench_graphql(
    requests: Annotated[int, typer.Option(min=1, help="requests per query and concurrency")] = 2000,
    concurrency: Annotated[
        list[int] | None,
        typer.Option(min=1, max=1024, help="requests in flight (repeatable; default 16 and 64)"),
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="a running API instead of starting one (loopback only)")
    ] = None,
    worker: Annotated[
        bool, typer.Option("--worker/--no-worker", help="run the worker beside the API, as users run it")
    ] = True,
    customers: Annotated[int, typer.Option(min=1, help="customers queried (12 ledger rows each)")] = 200,
    warmup: Annotated[int, typer.Option(min=0)] = 300,
    timeout: Annotated[float, typer.Option(min=1)] = 300,
    keep_shop: Annotated[bool, typer.Option(help="keep the bench shop's data afterwards")] = False,
) -> None:
    """The dashboard's queries (customer(id), customerByShopifyId, the customers list)
    against a bare Strawberry { hello }: req/s, p50/p99 and the ratio, at each
    concurrency, with the worker running beside the API."""
    from loyalnest.devtools import bench

    settings = get_settings()
    concurrencies = concurrency or [16, 64]
    with bench.bench_stack(settings) as stack:

        async def main() -> bench.DashboardBenchReport:
            shop = await bench.seed_shop()
            api_url = url
            if api_url is None:
                api_url = bench.start_api(stack, bench.free_port())
                await bench.wait_until_serving(api_url, "/health", timeout=60, process=stack.processes[-1])
                if worker:
                    bench.start_worker(stack)
            bare_url = bench.start_bare_graphql(stack, bench.free_port())
            await bench.wait_until_serving(bare_url, "/graphql", timeout=60, process=stack.processes[-1])
            try:
                return await bench.run_dashboard_bench(
                    api_url,
                    bare_url,
                    settings=settings,
                    merchant_id=shop.id,
                    shop_domain=shop.shop_domain,
                    requests=requests,
                    concurrencies=concurrencies,
                    customers_count=customers,
                    warmup=warmup,
                    timeout=timeout,
                    process_trees=stack.process_trees(),
                )
            finally:
                if not keep_shop:
                    await bench.drop_shop(shop.id)

        report = _run(main)
        if url is not None:
            report.setup = f"server at {url}"
        else:
            report.setup = stack.describe() if worker else stack.describe().replace(", 1 worker process", "")
    typer.echo("\n".join(report.lines()))
    if report.errors:
        raise typer.Exit(1)


@bench_app.command("subscriptions")
def bench_subscriptions(
    sockets: Annotated[
        int, typer.Option(min=1, help="graphql-transport-ws sockets, each subscribed to the customer")
    ] = 5000,
    changes: Annotated[int, typer.Option(min=1, help="balance changes measured (adjustPoints)")] = 10,
    connect_concurrency: Annotated[int, typer.Option(min=1, max=1024, help="sockets opening at once")] = 100,
    worker: Annotated[
        bool, typer.Option("--worker/--no-worker", help="run the worker beside the API, as users run it")
    ] = True,
    timeout: Annotated[float, typer.Option(min=1, help="seconds allowed to open and subscribe")] = 300,
    keep_shop: Annotated[bool, typer.Option(help="keep the bench shop's data afterwards")] = False,
) -> None:
    """One customer's balance change fanned out to many live sockets on ONE API process:
    change to last socket (p50/p99/max), sockets reached, API memory per socket."""
    from loyalnest.devtools import bench
    from loyalnest.devtools.bench.subscriptions import raise_fd_limit

    settings = get_settings()
    raise_fd_limit(sockets)  # before the API starts: it inherits the limit
    with bench.bench_stack(settings) as stack:

        async def main() -> bench.SubscriptionBenchReport:
            shop = await bench.seed_shop()
            api_url = bench.start_api(stack, bench.free_port())
            api = stack.processes[-1]
            await bench.wait_until_serving(api_url, "/health", timeout=60, process=api)
            if worker:
                bench.start_worker(stack)
            try:
                return await bench.run_subscription_bench(
                    api_url,
                    settings=settings,
                    merchant_id=shop.id,
                    shop_domain=shop.shop_domain,
                    sockets=sockets,
                    changes=changes,
                    api_pid=api.pid,
                    connect_concurrency=connect_concurrency,
                    timeout=timeout,
                )
            finally:
                if not keep_shop:
                    await bench.drop_shop(shop.id)

        report = _run(main)
        report.setup = stack.describe() if worker else stack.describe().replace(", 1 worker process", "")
    typer.echo("\n".join(report.lines()))
    if report.refused or report.missed:
        raise typer.Exit(1)


@bench_app.command("redeem")
def bench_redeem(
    redemptions: Annotated[int, typer.Option(min=1, help="storefront redemptions to send")] = 2000,
    customers: Annotated[int, typer.Option(min=1, help="customers redeeming (round-robin)")] = 50,
    concurrency: Annotated[int, typer.Option(min=1, max=512, help="requests in flight")] = 32,
    url: Annotated[
        str | None,
        typer.Option(
            help="a running API instead of starting one (loopback only); its Admin API base URL "
            "must reach a Shopify fake that accepts the bench shop's token (as `loyalnest run`'s does)"
        ),
    ] = None,
    points_cost: Annotated[int, typer.Option(min=1, help="points the reward costs")] = 10,
    plan: Annotated[
        str,
        typer.Option(
            help="the bench shop's plan: free, standard, advanced, plus or enterprise (sets the Admin"
            " API rate limit, ours and the fake's)"
        ),
    ] = "enterprise",
    warmup: Annotated[int, typer.Option(min=0, help="redemptions sent before timing")] = 200,
    baseline: Annotated[bool, typer.Option(help="also time the bare conditional spend")] = True,
    timeout: Annotated[float, typer.Option(min=1, help="seconds allowed for each phase")] = 300,
    keep_shop: Annotated[bool, typer.Option(help="keep the bench shop's data afterwards")] = False,
) -> None:
    """Redemptions/s (p50/p99) through the app proxy and the Shopify fake, and the
    database's own rate of the conditional spend at the same concurrency, with the ratio."""
    from loyalnest.devtools import bench, bench_redeem

    settings = get_settings()
    with bench.bench_stack(settings) as stack:

        async def main() -> bench_redeem.RedeemBenchReport:
            shop = await bench_redeem.seed_redeem_shop(
                customers_count=customers,
                redemptions=redemptions + warmup,
                points_cost=points_cost,
                plan=plan,
            )
            api_url = url
            counter = None
            trees: dict[str, int] = {}
            if api_url is None:
                fake_port = bench.free_port()
                fake_url = f"http://127.0.0.1:{fake_port}"
                stack.processes.append(
                    bench.spawn(
                        bench_redeem.fake_command(fake_port, [(shop.shop_domain, shop.access_token, plan)]),
                        stack.env,
                    )
                )
                await bench.wait_until_serving(
                    fake_url, "/__fake__/state", timeout=60, process=stack.processes[-1]
                )
                trees["shopify-fake"] = stack.processes[-1].pid
                stack.env["LOYALNEST_SHOPIFY_ADMIN_BASE_URL"] = fake_url
                api_url = bench.start_api(stack, bench.free_port())
                await bench.wait_until_serving(api_url, "/health", timeout=60, process=stack.processes[-1])
                trees["api"] = stack.processes[-1].pid
                counter = bench_redeem.fake_discount_counter(fake_url, shop.shop_domain)
            try:
                return await bench_redeem.run_redeem_bench(
                    api_url,
                    secret=settings.shopify_api_secret,
                    shop=shop,
                    redemptions=redemptions,
                    concurrency=concurrency,
                    warmup=warmup,
                    baseline=baseline,
                    timeout=timeout,
                    fake_state=counter,
                    plan=plan,
                    cpu_trees=trees,
                )
            finally:
                if not keep_shop:
                    await bench_redeem.drop_shop(shop.merchant_id)

        report = _run(main)
        report.setup = (
            stack.describe().replace("1 worker process", "1 Shopify fake process")
            if url is None
            else f"server at {url}"
        )
    typer.echo("\n".join(report.lines()))


def register(app: typer.Typer) -> None:
    """Add the developer-tool commands to ``app``."""
    from loyalnest.devtools import simulate_rfm
    from loyalnest.devtools.bench import analytics, imports, notifications, referrals, rfm, tiers

    # `simulate` sends webhooks; `simulate rfm` writes an order history directly
    simulate_app = typer.Typer(help="Fill a shop with life.")
    simulate_app.callback(invoke_without_command=True)(simulate)
    simulate_rfm.register(simulate_app)
    app.add_typer(simulate_app, name="simulate")
    tiers.register(bench_app)
    notifications.register(bench_app)
    referrals.register(bench_app)
    rfm.register(bench_app)
    analytics.register(bench_app)
    imports.register(bench_app)
    app.add_typer(bench_app, name="bench")
    register_fake(app)
