"""``loyalnest`` command line: run, serve, worker, scheduler, migrate, seed, token,
simulate, bench, verify-ledger, export-schema."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Annotated

import typer

from loyalnest.settings import Settings, get_settings

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="LoyalNest: loyalty and rewards for Shopify."
)

DEMO_SHOP = "demo.myshopify.com"


@contextmanager
def servers(settings: Settings) -> Iterator[tuple[str, str]]:
    """The configured URLs, or embedded servers started (and stopped) around the block."""
    from loyalnest.platform.embedded import ensure_servers

    database_url, redis_url, embedded = ensure_servers(
        database_url=settings.database_url, redis_url=settings.redis_url, data_dir=settings.data_dir
    )
    try:
        yield database_url, redis_url
    finally:
        embedded.stop()


def configure(settings: Settings, database_url: str, redis_url: str) -> None:
    from loyalnest import contexts
    from loyalnest.platform.runtime import configure_process
    from workers.broker import configure_broker

    contexts.load()
    configure_process(
        database_url=database_url,
        redis_url=redis_url,
        redis_namespace=settings.redis_namespace,
        pool_size=settings.db_pool_size,
        log_level=settings.log_level,
        log_format=settings.log_format,
    )
    configure_broker(redis_url, namespace=settings.redis_namespace)


async def install_shop(
    domain: str,
    *,
    name: str | None = None,
    currency: str = "USD",
    plan: str = "free",
    access_token: str | None = None,
    referred_by: str | None = None,
) -> None:
    from loyalnest.contexts.merchants import api as merchants
    from loyalnest.platform.errors import DomainError
    from loyalnest.platform.uow import unit_of_work

    try:
        async with unit_of_work() as uow:
            merchant = await merchants.install_shop(
                uow,
                shop_domain=domain,
                name=name or domain.split(".")[0].title(),
                currency=currency,
                plan=plan,
                referred_by=referred_by,
                # stored before ShopInstalled's handlers run: a first install with a
                # token queues the backfill of the shop's Shopify history
                access_token=access_token,
            )
    except DomainError as exc:
        # an unknown code or the shop's own: nothing was installed (the transaction rolled back)
        raise typer.BadParameter(exc.message, param_hint="'--referred-by'") from None
    typer.echo(f"shop {merchant.shop_domain} installed (merchant id {merchant.id})")
    if referred_by is not None:
        referral = await merchants.get_referral_of(merchant.id)
        if referral is None:
            typer.echo(
                "merchant referral not recorded: the shop was installed before"
                " (only a shop's first install is referred)"
            )
        else:
            typer.echo(f"merchant referral: referred by {referral.referrer_shop_domain} ({referral.status})")


async def seed_demo_rewards(domain: str) -> None:
    """A small catalog for the demo shop (only while it has none), so a newcomer can
    redeem right away: customers earn through ``loyalnest simulate``."""
    from decimal import Decimal

    from loyalnest.contexts.merchants import api as merchants
    from loyalnest.contexts.rewards import api as rewards
    from loyalnest.platform.uow import unit_of_work

    merchant = await merchants.get_by_domain(domain)
    if merchant is None:
        return
    page = await rewards.list_rewards(merchant.id, after_id=None, first=1, include_archived=True)
    if page.items:
        return
    catalog = [
        rewards.RewardInput(
            kind="fixed_amount",
            points_cost=500,
            value=Decimal("5"),
            titles=[("en", "$5 off your order"), ("fr", "5 $ de réduction")],
            default_locale="en",
        ),
        rewards.RewardInput(
            kind="percentage",
            points_cost=1000,
            value=Decimal("10"),
            titles=[("en", "10% off your order")],
            default_locale="en",
        ),
        rewards.RewardInput(
            kind="free_shipping", points_cost=300, titles=[("en", "Free shipping")], default_locale="en"
        ),
    ]
    async with unit_of_work() as uow:
        for data in catalog:
            await rewards.create_reward(uow, merchant_id=merchant.id, actor="loyalnest run", data=data)
    typer.echo(f"demo rewards created for {domain}")


def _migrate(database_url: str) -> None:
    from loyalnest.migrations import upgrade_to_head

    upgrade_to_head(database_url)


def _terminate_as_interrupt() -> None:
    """Treat SIGTERM like Ctrl-C, so ``finally`` blocks stop what we started. (uvicorn
    re-raises the signal it caught after shutting down; with this handler in place that
    becomes a KeyboardInterrupt instead of an abrupt exit.)"""

    def _raise(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise)


def _die_with_parent() -> None:
    """In a child: get SIGTERM if the parent dies, so no orphan worker outlives `run`."""
    import ctypes

    pr_set_pdeathsig = 1
    # not Linux: the finally blocks still stop the child on a clean exit
    with suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _serve(settings: Settings) -> None:
    import uvicorn

    from loyalnest.app import create_app, server_config

    config = server_config(create_app(settings), host=settings.host, port=settings.port)
    uvicorn.Server(config).run()


def _worker_command(settings: Settings) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dramatiq",
        "workers.main",
        "--processes",
        str(settings.worker_processes),
        "--threads",
        str(settings.worker_threads),
    ]


@app.command()
def run(
    demo: Annotated[bool, typer.Option("--demo/--no-demo", help="Seed demo.myshopify.com.")] = True,
) -> None:
    """Everything in one command: servers (embedded unless configured), migrations, a
    worker and the scheduler in the background, and the API in the foreground."""
    settings = get_settings()
    with servers(settings) as (database_url, redis_url):
        configure(settings, database_url, redis_url)
        _migrate(database_url)
        env = {**os.environ, "LOYALNEST_DATABASE_URL": database_url, "LOYALNEST_REDIS_URL": redis_url}
        fake = None
        if settings.env != "production" and settings.shopify_admin_base_url is None:
            # No Shopify account needed to try it: the demo shop's Admin API is the
            # bundled fake (discount codes for redemptions are created there).
            from loyalnest.devtools.shopify_fake import start_demo_fake
            from loyalnest.integrations.shopify_admin.api import configure_admin

            fake = start_demo_fake()
            configure_admin(base_url=fake.base_url)
            env["LOYALNEST_SHOPIFY_ADMIN_BASE_URL"] = fake.base_url
            typer.echo(f"Shopify Admin API fake at {fake.base_url}")
        mail_sink = None
        if settings.env != "production" and settings.notifications_dev_smtp is None:
            # Email without a mail account: shops with no email provider of their own
            # send to this local sink, which keeps every message as an .eml file.
            from loyalnest.devtools.provider_fakes import start_dev_sink

            mail_dir = (settings.data_dir / "mail").resolve()
            mail_sink = start_dev_sink(mail_dir)
            dev_smtp = f"127.0.0.1:{mail_sink.port}"
            env["LOYALNEST_NOTIFICATIONS_DEV_SMTP"] = dev_smtp
            settings.notifications_dev_smtp = dev_smtp  # this process's (the API's) too
            typer.echo(f"Email goes to a local SMTP sink at smtp://{dev_smtp}: read it in {mail_dir}/*.eml")
        if demo:
            from loyalnest.devtools.shopify_fake import DEV_ACCESS_TOKEN

            token = DEV_ACCESS_TOKEN if fake is not None else None
            asyncio.run(install_shop(DEMO_SHOP, name="Demo Shop", access_token=token))
            asyncio.run(seed_demo_rewards(DEMO_SHOP))
            # a small order history (once), so the analytics have something to show
            from loyalnest.devtools.simulate_rfm import seed_demo_history

            if asyncio.run(seed_demo_history(DEMO_SHOP)):
                typer.echo(f"demo order history created for {DEMO_SHOP} (RFM segments, product RFM)")
        worker = subprocess.Popen(
            [sys.executable, "-m", "loyalnest", "worker"], env=env, preexec_fn=_die_with_parent
        )
        typer.echo(f"GraphQL at http://{settings.host}:{settings.port}/graphql")
        # other terminals reach the same servers with these (embedded ones are shared:
        # a command run beside this one attaches to them and leaves them running)
        typer.echo(f"LOYALNEST_DATABASE_URL={database_url}")
        typer.echo(f"LOYALNEST_REDIS_URL={redis_url}")
        typer.echo(f"try: loyalnest token --shop {DEMO_SHOP}")
        _terminate_as_interrupt()
        try:
            _serve(settings)
        except KeyboardInterrupt:
            pass
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
            if fake is not None:
                fake.stop()
            if mail_sink is not None:
                mail_sink.stop()


@app.command()
def serve() -> None:
    """The API process alone (GraphQL, webhooks, app proxy, health, metrics)."""
    settings = get_settings()
    _terminate_as_interrupt()
    with servers(settings) as (database_url, redis_url):
        configure(settings, database_url, redis_url)
        with suppress(KeyboardInterrupt):
            _serve(settings)


# Dramatiq's main process gives its workers this long to finish the messages they hold.
FLEET_STOP_SECONDS = 20


@app.command()
def worker(
    scheduler: Annotated[
        bool, typer.Option("--scheduler/--no-scheduler", help="Also run the relay loop.")
    ] = True,
    stop_seconds: Annotated[
        float,
        typer.Option(
            min=0.1,
            help="On SIGTERM, how long the fleet's main process is given to stop its workers"
            " before every process of the fleet is killed.",
        ),
    ] = FLEET_STOP_SECONDS,
) -> None:
    """The Dramatiq worker fleet (LOYALNEST_WORKER_PROCESSES x LOYALNEST_WORKER_THREADS)."""
    settings = get_settings()
    with servers(settings) as (database_url, redis_url):
        env = {
            **os.environ,
            "LOYALNEST_DATABASE_URL": database_url,
            "LOYALNEST_REDIS_URL": redis_url,
            # Dramatiq's exporter reads these when dramatiq is imported, before our code
            # runs, so they must be in the fleet's environment from the start.
            "dramatiq_prom_port": str(settings.worker_metrics_port),
            "dramatiq_prom_host": settings.worker_metrics_host,
        }
        # its own process group: Dramatiq's main process forks the worker processes, and
        # stopping must reach all of them, not only the process we started
        fleet = subprocess.Popen(
            _worker_command(settings), env=env, preexec_fn=_die_with_parent, process_group=0
        )
        _terminate_as_interrupt()
        try:
            if scheduler:
                configure(settings, database_url, redis_url)
                asyncio.run(_scheduler_loop(settings))
            else:
                fleet.wait()
        except KeyboardInterrupt:
            pass
        finally:
            _stop_fleet(fleet, stop_seconds)


def _stop_fleet(fleet: subprocess.Popen[bytes], stop_seconds: float = FLEET_STOP_SECONDS) -> None:
    """SIGTERM to the fleet's main process (it stops its workers, which finish the
    message in hand), then, past the deadline or if the main process is gone, SIGKILL to
    every process of the group: nothing it forked outlives the command."""
    if fleet.poll() is None:
        fleet.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            fleet.wait(timeout=stop_seconds)
    # the main process stopped (or did not in time): whatever is left of its group goes
    with suppress(ProcessLookupError):
        os.killpg(fleet.pid, signal.SIGKILL)
    with suppress(subprocess.TimeoutExpired):
        fleet.wait(timeout=5)


async def _scheduler_loop(settings: Settings) -> None:
    from workers.scheduler import run_forever

    await run_forever(
        interval_seconds=settings.relay_interval_seconds,
        stale_after_seconds=settings.relay_stale_after_seconds,
    )


@app.command("scheduler")
def scheduler_command() -> None:
    """The scheduler alone: the relay (re-sends webhooks and outbox messages left behind)
    and the periodic jobs (expiry, pending points, birthdays, redemptions)."""
    settings = get_settings()
    _terminate_as_interrupt()
    with servers(settings) as (database_url, redis_url):
        configure(settings, database_url, redis_url)
        with suppress(KeyboardInterrupt):
            asyncio.run(_scheduler_loop(settings))


@app.command()
def migrate() -> None:
    """Apply Alembic migrations up to head."""
    settings = get_settings()
    with servers(settings) as (database_url, _):
        _migrate(database_url)
    typer.echo("database at head")


@app.command()
def seed(
    shop: Annotated[str, typer.Option(help="myshopify.com domain to install")] = DEMO_SHOP,
    currency: Annotated[str, typer.Option(help="ISO 4217 code of the shop's currency")] = "USD",
    plan: Annotated[
        str, typer.Option(help="free, standard, advanced, plus or enterprise (Shopify's API rate tiers)")
    ] = "free",
    access_token: Annotated[
        str | None,
        typer.Option(
            help="Admin API access token to store (encrypted), needed for redemptions; the fake"
            " `loyalnest run` starts accepts any token from a shop it has not seen"
        ),
    ] = None,
    referred_by: Annotated[
        str | None,
        typer.Option(
            help="another shop's merchant referral code: records the merchant referral (on the"
            " shop's first install); an unknown code or the shop's own installs nothing"
        ),
    ] = None,
) -> None:
    """Install a shop (idempotent), to try several tenants."""
    from loyalnest.contexts.merchants import api as merchants
    from loyalnest.platform.errors import DomainError

    # checked before any server starts: a typo costs one line, not a start-up
    try:
        shop = merchants.normalise_shop_domain(shop)
        plan = merchants.normalise_plan(plan)
        currency = merchants.normalise_currency(currency)
        if referred_by is not None:
            referred_by = merchants.normalise_referral_code(referred_by)
    except DomainError as exc:
        raise typer.BadParameter(exc.message) from None
    settings = get_settings()
    with servers(settings) as (database_url, redis_url):
        configure(settings, database_url, redis_url)
        _migrate(database_url)
        asyncio.run(
            install_shop(
                shop, currency=currency, plan=plan, access_token=access_token, referred_by=referred_by
            )
        )


@app.command()
def token(
    shop: Annotated[str, typer.Option(help="myshopify.com domain")] = DEMO_SHOP,
    roles: Annotated[str | None, typer.Option(help="comma list, e.g. admin:points,admin:support")] = None,
    user: Annotated[str, typer.Option(help="staff user id (the token's sub)")] = "1",
    ttl: Annotated[int, typer.Option(help="seconds until it expires")] = 3600,
) -> None:
    """Print a staff session token, as Shopify App Bridge would send it."""
    from loyalnest.http.auth import mint_session_token

    role_list = [r.strip() for r in roles.split(",") if r.strip()] if roles else None
    typer.echo(
        mint_session_token(get_settings(), shop.lower(), user_id=user, roles=role_list, ttl_seconds=ttl)
    )


@app.command("verify-ledger")
def verify_ledger(
    shop: Annotated[str | None, typer.Option(help="only this shop (default: all)")] = None,
) -> None:
    """Check that every balance equals the sum of its ledger rows and what its open lots
    hold, and that every lot's remaining follows from what was taken from it. Exit 1 on
    mismatch."""
    settings = get_settings()

    async def _verify() -> int:
        from loyalnest.contexts.merchants import api as merchants
        from loyalnest.contexts.points import api as points
        from loyalnest.platform.uow import unit_of_work

        merchant_id = None
        if shop is not None:
            merchant = await merchants.get_by_domain(shop)
            if merchant is None:
                typer.echo(f"unknown shop {shop}", err=True)
                return 2
            merchant_id = merchant.id
        async with unit_of_work() as uow:
            mismatches = await points.verify_ledger(uow, merchant_id)
            lots = await points.verify_lots(uow, merchant_id)
        for m in mismatches:
            if m.balance != m.ledger_sum:
                found = f"balance {m.balance} != ledger {m.ledger_sum}, open lots {m.lots_remaining}"
            else:
                found = f"balance {m.balance} = ledger {m.ledger_sum} != open lots {m.lots_remaining}"
            typer.echo(f"merchant {m.merchant_id} customer {m.customer_id}: {found}")
        for lot in lots:
            typer.echo(
                f"merchant {lot.merchant_id} lot {lot.lot_id} (customer {lot.customer_id}): "
                f"remaining {lot.remaining} != {lot.points} points - {lot.consumed} taken"
            )
        if not mismatches and not lots:
            typer.echo("ledger ok")
            return 0
        if mismatches:
            typer.echo(f"{len(mismatches)} mismatched accounts")
        if lots:
            typer.echo(f"{len(lots)} mismatched lots")
        return 1

    with servers(settings) as (database_url, redis_url):
        configure(settings, database_url, redis_url)
        code = asyncio.run(_verify())
    raise typer.Exit(code)


@app.command("rotate-keys")
def rotate_keys(
    batch_size: Annotated[int, typer.Option(help="rows per transaction")] = 500,
    blind_index: Annotated[
        bool,
        typer.Option(
            "--blind-index",
            help="recompute blind indexes under the current blind index key instead of re-encrypting",
        ),
    ] = False,
) -> None:
    """Re-encrypt stored PII under the current key (the first of LOYALNEST_ENCRYPTION_KEYS),
    or with --blind-index re-index it under the first of LOYALNEST_BLIND_INDEX_KEY.

    Keep the old key listed after the new one until this has run; it is safe to stop
    and re-run, and rows already under the current key are skipped (not rewritten)."""
    settings = get_settings()

    async def _rotate() -> None:
        from loyalnest.platform.crypto import get_keyring
        from loyalnest.platform.key_rotation import encrypted_columns, rotate_column

        keyring = get_keyring()
        total = unreadable = 0
        # every column a context declared next to its table (contexts loaded by configure)
        for spec in encrypted_columns():
            result = await rotate_column(keyring, spec, batch_size=batch_size)
            total += result.rotated
            unreadable += result.unreadable
            typer.echo(
                f"{spec.table}.{spec.column}: {result.rotated} re-encrypted, {result.unreadable} unreadable"
            )
        typer.echo(f"{total} values now under key {keyring.current_kid}")
        if unreadable:
            typer.echo(
                f"{unreadable} values are under a key no longer configured: left as they were", err=True
            )

    async def _reindex() -> None:
        from loyalnest.platform.crypto import get_keyring
        from loyalnest.platform.key_rotation import blind_index_columns, reindex_column

        keyring = get_keyring()
        total = unreadable = busy = conflicting = 0
        one_way: list[str] = []
        for spec in blind_index_columns():
            result = await reindex_column(keyring, spec, batch_size=batch_size)
            name = f"{spec.table}.{spec.column}"
            total += result.reindexed
            unreadable += result.unreadable
            busy += result.busy
            conflicting += result.conflicting
            if spec.source is None:
                typer.echo(f"{name}: {result.without_value} one-way, not recomputable: {spec.note}")
                if result.without_value:
                    one_way.append(name)
                continue
            typer.echo(
                f"{name}: {result.reindexed} re-indexed, {result.current} already current,"
                f" {result.unreadable} unreadable, {result.without_value} without a value, {result.busy} busy"
                + (f", {result.conflicting} conflicting" if result.conflicting else "")
            )
        typer.echo(f"{total} indexes now under blind key {keyring.blind_kid}")
        if busy:
            typer.echo(f"{busy} rows were locked by live traffic and skipped: run this again", err=True)
        if unreadable:
            typer.echo(f"{unreadable} indexes of unreadable values: left as they were", err=True)
        if conflicting:
            typer.echo(
                f"{conflicting} indexes would equal another row's (one value stored twice in a unique"
                " column): left under their old key, which they need to be found",
                err=True,
            )
        if one_way and len(keyring.blind_keys) > 1:
            typer.echo(
                f"{', '.join(one_way)} cannot be recomputed: keep the older blind keys configured"
                " for as long as those rows must be found (see README, key rotation)",
                err=True,
            )
        if len(keyring.blind_keys) > 1 and not settings.unsubscribe_signing_key:
            typer.echo(
                "unsubscribe links already sent are signed with the older blind keys: set"
                " LOYALNEST_UNSUBSCRIBE_SIGNING_KEY before dropping them (see README, key rotation)",
                err=True,
            )

    with servers(settings) as (database_url, redis_url):
        configure(settings, database_url, redis_url)
        asyncio.run(_reindex() if blind_index else _rotate())


privacy_app = typer.Typer(no_args_is_help=True, help="Privacy duties: retention.")
app.add_typer(privacy_app, name="privacy")


@privacy_app.command("purge")
def privacy_purge(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="count what would go; delete nothing")] = False,
) -> None:
    """Delete what is older than the retention limits (handled webhooks 30 days, the
    delivery log 180, the audit trail 400), as the daily job does; prints each kind."""
    settings = get_settings()

    async def _purge() -> dict[str, int]:
        from loyalnest.contexts.privacy import api as privacy

        return await privacy.enforce_retention(dry_run=dry_run)

    with servers(settings) as (database_url, redis_url):
        configure(settings, database_url, redis_url)
        done = asyncio.run(_purge())
    verb = "would delete" if dry_run else "deleted"
    for kind, rows in done.items():
        typer.echo(f"{kind}: {verb} {rows}")


@app.command("export-schema")
def export_schema(
    output: Annotated[Path | None, typer.Option(help="write here instead of stdout")] = None,
) -> None:
    """Print the GraphQL SDL (what schema/schema.graphql must hold)."""
    from loyalnest.graphql.schema import export_sdl

    sdl = export_sdl()
    if output is None:
        typer.echo(sdl, nl=False)
    else:
        output.write_text(sdl)


from loyalnest.devtools.cli import register as _register_devtools  # noqa: E402

_register_devtools(app)


def main() -> None:
    app()
