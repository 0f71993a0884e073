"""Async SQLAlchemy engine on asyncpg, one per event loop.

asyncpg connections belong to the loop that opened them. The API process has one loop,
but a Dramatiq worker runs its async actors on the AsyncIO middleware's loop and the
test suite has its own, so engines are kept per loop instead of per process.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

_database_url: str | None = None
_pool_size = 10
_engines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncEngine] = weakref.WeakKeyDictionary()
_sessionmakers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, async_sessionmaker[AsyncSession]] = (
    weakref.WeakKeyDictionary()
)


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
            pool_size=_pool_size,
            max_overflow=_pool_size,
            pool_pre_ping=False,
            # asyncpg's own prepared-statement cache does the heavy lifting on hot paths.
            connect_args={"server_settings": {"application_name": "loyalnest"}},
        )
        _engines[loop] = engine
    return engine


def get_sessionmaker() -> async_sessionmaker[AsyncSession]:
    loop = asyncio.get_running_loop()
    maker = _sessionmakers.get(loop)
    if maker is None:
        maker = async_sessionmaker(get_engine(), expire_on_commit=False, autoflush=False)
        _sessionmakers[loop] = maker
    return maker


@asynccontextmanager
async def read_session() -> AsyncIterator[AsyncSession]:
    """A short session for reads. Strawberry resolves sibling fields concurrently and one
    AsyncSession cannot serve two coroutines, so each loader/resolver takes its own."""
    async with get_sessionmaker()() as session:
        yield session


async def dispose_engine() -> None:
    loop = asyncio.get_running_loop()
    _sessionmakers.pop(loop, None)
    engine = _engines.pop(loop, None)
    if engine is not None:
        await engine.dispose()
