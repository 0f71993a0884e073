"""Async SQLAlchemy engine on asyncpg, one per event loop.

asyncpg connections belong to the loop that opened them. The API process has one loop,
but a Dramatiq worker runs its async actors on the AsyncIO middleware's loop and the
test suite has its own, so engines are kept per loop instead of per process.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar

import asyncpg
from sqlalchemy import event, exc, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

log = logging.getLogger(__name__)
T = TypeVar("T")


class _Connection(asyncpg.Connection):  # type: ignore[misc]
    """Every asyncpg connection of the process (the engine's and the plain pool's). It
    tells the statement observers (tests counting statements) about each statement run
    directly on the driver; SQLAlchemy's own statements are seen by its event hook.
    With no observer (production) the cost is one empty-list check per statement."""

    async def execute(self, query: str, *args: Any, timeout: float | None = None) -> str:
        if _observers and not args:
            _observe(query)
        return await super().execute(query, *args, timeout=timeout)  # type: ignore[no-any-return]

    async def _execute(self, query: str, args: Any, limit: int, timeout: Any, **kwargs: Any) -> Any:
        if _observers:
            _observe(query)
        return await super()._execute(query, args, limit, timeout, **kwargs)

    async def _executemany(self, query: str, args: Any, timeout: Any, **kwargs: Any) -> Any:
        if _observers:
            _observe(query)
        return await super()._executemany(query, args, timeout, **kwargs)


# Callbacks told every statement: on the driver (``_Connection``) and through SQLAlchemy
# (its ``before_cursor_execute`` event), so a count misses no path.
_observers: list[Callable[[str], None]] = []


def _observe(statement: str) -> None:
    for observer in list(_observers):
        observer(statement)


@contextmanager
def observe_statements(observer: Callable[[str], None]) -> Iterator[None]:
    """Call ``observer`` with every statement this process sends while active, on
    every connection: the ORM's, raw asyncpg on a session's connection, plain
    connections. For query-count tests."""
    _observers.append(observer)
    try:
        yield
    finally:
        _observers.remove(observer)


def _observe_orm(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    if _observers:
        _observe(statement)


def _refuse_closed_connection(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """Pool checkout: a connection the server has dropped (terminated backend, restart,
    failover) is replaced by a fresh one before anyone gets it.

    SQLAlchemy notices a lost connection only when its own statements fail, but the hot
    paths run raw asyncpg statements on the driver connection (``driver_connection``), and
    a session that ran nothing through SQLAlchemy hands its connection back without a
    statement that could fail: the dead connection went back to the pool and failed each
    request that drew it. asyncpg marks a connection closed as soon as the event loop sees
    the socket end, so this check is free, unlike ``pool_pre_ping`` (a round trip on every
    checkout, more than the one-row statements the hot paths run). Raising
    DisconnectionError makes the pool invalidate this connection and open a new one."""
    driver = record.driver_connection
    if driver is not None and driver.is_closed():
        raise exc.DisconnectionError("connection closed by the server")


# What a lost connection raises: the server ended the session (57P01 terminated by an
# administrator, a crash, "cannot connect now" while restarting), asyncpg found the
# connection gone (ConnectionDoesNotExistError, "connection is closed"), the socket
# failed, or the protocol was left in a state it cannot leave (InternalClientError: the
# server's goodbye arrived while the connection sat idle, before the socket's end did).
_RETRY_PAUSE_SECONDS = 0.05
_DISCONNECTS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InternalClientError,
    ConnectionError,
)


def is_disconnect(error: BaseException) -> bool:
    """Whether ``error`` says the database connection was lost or is unusable (so a fresh
    connection may well succeed), raised by raw asyncpg or through SQLAlchemy."""
    if isinstance(error, exc.DBAPIError):
        if error.connection_invalidated:
            return True
        # SQLAlchemy's asyncpg adapter raises its own error from asyncpg's
        if error.orig is not None:
            error = error.orig.__cause__ or error.orig
    if isinstance(error, asyncpg.InterfaceError):
        # also raised for misuse ("another operation is in progress"): only "closed" counts
        return "closed" in str(error)
    return isinstance(error, _DISCONNECTS)


async def retry_on_disconnect(call: Callable[[], Awaitable[T]], *, what: str) -> T:
    """Await ``call()``; if it fails because the database connection was lost, once more.

    For idempotent work only (the same effect whether or not the lost attempt committed:
    a lost connection can lose the answer of a statement that did commit). The sessions
    of this module have discarded the lost connection by then (and the pool replaces any
    other dropped one on checkout), so the second attempt runs on a fresh connection.
    One retry covers a dropped connection; a database that is down fails it too."""
    try:
        return await call()
    except Exception as error:
        if not is_disconnect(error):
            raise
        log.warning("database connection lost; retrying on a fresh connection", extra={"work": what})
    # The server drops all of a process's connections at once, and says goodbye on each
    # before closing its socket: a pooled connection can have read the goodbye and not
    # yet the close, and is then neither usable nor seen as closed at checkout. A moment
    # lets the event loop see those sockets end, so the pool replaces them.
    await asyncio.sleep(_RETRY_PAUSE_SECONDS)
    # and when one connection was lost, its pool-mates usually were too (a restart or a
    # failover drops them all): start the retry on a new pool rather than drawing them one
    # by one (the old pool's connections are not closed here: the ones still lent out
    # finish their work, the idle ones go with the old pool)
    engine = _engines.get(asyncio.get_running_loop())
    if engine is not None:
        await engine.dispose(close=False)
    return await call()


@asynccontextmanager
async def _discarding_lost_connection(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """Invalidate the session's connection if work on it found the connection lost, so
    the pool opens a new one instead of lending the dead one again. SQLAlchemy does this
    itself only when its own statement failed, not a raw asyncpg one."""
    async with session:
        try:
            yield session
        except Exception as error:
            if is_disconnect(error):
                await session.invalidate()
            raise


_database_url: str | None = None
_pool_size = 10
# Every connection runs without PostgreSQL's JIT compiler. Our statements are short and
# run many times, and JIT compiles a plan's expressions on every execution as soon as its
# estimated cost passes ``jit_above_cost``: the analytics real-time statement (a cost
# estimate inflated by a fallback subquery that never runs) took 400 ms with JIT and
# 18 ms without, and the RFM full pass was faster without it too.
_SERVER_SETTINGS = {"jit": "off"}
_BEGIN_PROBE = text("SELECT 1")
_engines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncEngine] = weakref.WeakKeyDictionary()
_sessionmakers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, async_sessionmaker[AsyncSession]] = (
    weakref.WeakKeyDictionary()
)
_read_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncpg.Pool] = weakref.WeakKeyDictionary()


def asyncpg_url(url: str) -> str:
    """Normalise ``postgres://`` / ``postgresql://`` URLs to the asyncpg dialect."""
    for prefix in ("postgresql+asyncpg://", "postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError(f"not a PostgreSQL URL: {url.split('@')[-1]}")


def configure(database_url: str, *, pool_size: int = 10) -> None:
    """Set the URL every engine in this process uses. Call once at startup."""
    global _database_url, _pool_size
    _database_url = asyncpg_url(database_url)
    _pool_size = pool_size


def database_url() -> str:
    if _database_url is None:
        raise RuntimeError("database not configured: call platform.db.configure() first")
    return _database_url


def get_engine() -> AsyncEngine:
    loop = asyncio.get_running_loop()
    engine = _engines.get(loop)
    if engine is None:
        engine = create_async_engine(
            database_url(),
            # Connections are opened on demand up to twice the configured size and then
            # kept. (An overflow connection would be closed on return, and a burst would
            # pay a fresh connect each time: with asyncpg's type introspection that is
            # several milliseconds, more than the queries it serves.)
            pool_size=2 * _pool_size,
            max_overflow=0,
            pool_pre_ping=False,
            # asyncpg's own prepared-statement cache does the heavy lifting on hot paths.
            connect_args={
                "server_settings": {"application_name": "loyalnest", **_SERVER_SETTINGS},
                "connection_class": _Connection,
            },
        )
        event.listen(engine.sync_engine, "before_cursor_execute", _observe_orm)
        event.listen(engine.sync_engine, "checkout", _refuse_closed_connection)
        _engines[loop] = engine
    return engine


def get_sessionmaker() -> async_sessionmaker[AsyncSession]:
    loop = asyncio.get_running_loop()
    maker = _sessionmakers.get(loop)
    if maker is None:
        maker = async_sessionmaker(get_engine(), expire_on_commit=False, autoflush=False)
        _sessionmakers[loop] = maker
    return maker


async def _keep_session_state(connection: asyncpg.Connection) -> None:
    """Pool reset for plain connections: nothing to undo. They only ever run single
    statements outside transactions (no SET, LISTEN or advisory locks), and asyncpg's
    default reset costs a round trip on every release."""


async def _read_pool() -> asyncpg.Pool:
    loop = asyncio.get_running_loop()
    pool = _read_pools.get(loop)  # a few loops per process at most (API, worker, tests)
    if pool is None:
        url = database_url().replace("postgresql+asyncpg://", "postgresql://", 1)
        pool = await asyncpg.create_pool(
            url,
            min_size=0,
            max_size=_pool_size,
            reset=_keep_session_state,
            connection_class=_Connection,
            server_settings={"application_name": "loyalnest-reads", **_SERVER_SETTINGS},
        )
        # another coroutine may have raced us here: keep the first pool
        if loop in _read_pools:
            await pool.close()
        else:
            _read_pools[loop] = pool
        pool = _read_pools[loop]
    return pool


_DRIVER_KEY = "loyalnest.asyncpg"


@asynccontextmanager
async def read_session() -> AsyncIterator[AsyncSession]:
    """A short session for reads. Strawberry resolves sibling fields concurrently and one
    AsyncSession cannot serve two coroutines, so each loader/resolver takes its own."""
    async with _discarding_lost_connection(get_sessionmaker()()) as session:
        yield session


@asynccontextmanager
async def statement_session() -> AsyncIterator[AsyncSession]:
    """A session for statements each committed on its own (raw asyncpg on its connection,
    outside any transaction): group-commit writes. A lost connection is discarded."""
    async with _discarding_lost_connection(get_sessionmaker()()) as session:
        yield session


class plain_connection:
    """A plain asyncpg connection for hot single statements outside any transaction,
    each its own transaction: DataLoader batch reads, the Admin API usage tally.
    Checking a connection out of SQLAlchemy's pool and back (a session, greenlet hops,
    transaction bookkeeping) costs several times such a statement, so these come from a
    small asyncpg pool of their own beside the engine's. (A class, not a generator
    context manager: it runs several times per GraphQL request.)

    A connection the server dropped needs nothing here: asyncpg's pool reconnects a
    closed connection on acquire and drops it on release."""

    __slots__ = ("_connection", "_pool")

    async def __aenter__(self) -> asyncpg.Connection:
        self._pool = await _read_pool()
        self._connection = await self._pool.acquire()
        return self._connection

    async def __aexit__(self, *exc: object) -> None:
        await self._pool.release(self._connection)


async def driver_connection(session: AsyncSession, *, transactional: bool = True) -> Any:
    """The asyncpg connection under ``session``, for hot paths that run their few
    statements as asyncpg prepared statements (SQLAlchemy's per-statement overhead is
    several times the database's own work for a one-row statement).

    With ``transactional`` (the default), SQLAlchemy is made to BEGIN first, so the raw
    statements run inside the session's transaction and commit or roll back with it.
    Without it they join the transaction if one has begun, and otherwise each statement
    is its own transaction (a read with its own snapshot, or a write committed at once).
    """
    transaction = session.sync_session.get_transaction()
    cached = session.info.get(_DRIVER_KEY)
    if cached is not None and transaction is not None and cached[0] is transaction:
        driver = cached[1]
    else:
        connection = await session.connection()
        driver = (await connection.get_raw_connection()).driver_connection
        session.info[_DRIVER_KEY] = (session.sync_session.get_transaction(), driver)
    if transactional and not driver.is_in_transaction():
        # SQLAlchemy's asyncpg adapter sends BEGIN lazily, before its first statement.
        await session.execute(_BEGIN_PROBE)
    return driver


async def plan_each_statement(session: AsyncSession) -> None:
    """Until the session's transaction ends, plan every statement for its own values
    (``plan_cache_mode = force_custom_plan``), never with a prepared statement's generic
    plan. For bulk work whose statements take arrays of thousands of values into tables
    it is growing fast (an import of a million customers): a generic plan is made once
    from the estimates of the moment, e.g. a nested loop over a table still nearly empty
    and without statistics, and kept as the table grows a hundredfold (measured: one
    lookup went from 0.3 s to 18 s per 100,000 rows); a custom plan sees each array's
    length and the table's current size. Planning a statement that moves thousands of
    rows costs nothing next to running it."""
    driver = await driver_connection(session)
    await driver.execute("SET LOCAL plan_cache_mode = force_custom_plan")


async def refresh_statistics(tables: Sequence[str], *, lock_timeout_ms: int = 5_000) -> bool:
    """``ANALYZE`` these tables (names from code, never input), on a connection of its
    own: what PostgreSQL advises after loading many rows. Bulk work (an import) calls it
    as the tables it fills grow: planned from statistics taken when a table was nearly
    empty, a lookup of a chunk's thousands of keys read the whole of the import's rows,
    or the shop's customers, per chunk (two minutes of a million rows' validation).
    ``autovacuum`` does it too, later, where it is on.

    Only an optimisation, so it never holds the work up or fails it: behind a VACUUM
    or another ANALYZE of the same table (they take the same lock) it gives up after
    ``lock_timeout_ms`` and the work goes on with the statistics it has. Returns whether
    the tables were analyzed."""
    async with plain_connection() as connection:
        try:
            async with connection.transaction():
                await connection.execute(f"SET LOCAL lock_timeout = {int(lock_timeout_ms)}")
                await connection.execute("ANALYZE " + ", ".join(tables))
        except asyncpg.LockNotAvailableError:
            log.warning("statistics not refreshed: the tables were busy", extra={"tables": list(tables)})
            return False
    return True


async def dispose_engine() -> None:
    loop = asyncio.get_running_loop()
    pool = _read_pools.pop(loop, None)
    if pool is not None:
        await pool.close()
    _sessionmakers.pop(loop, None)
    engine = _engines.pop(loop, None)
    if engine is not None:
        await engine.dispose()
