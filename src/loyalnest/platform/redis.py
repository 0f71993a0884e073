"""Redis connections: one asyncio client per event loop, one sync client per process."""

from __future__ import annotations

import asyncio
import weakref

import redis
import redis.asyncio as aioredis

_redis_url: str | None = None
_namespace = "loyalnest"
_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aioredis.Redis] = (
    weakref.WeakKeyDictionary()
)
_sync_client: redis.Redis | None = None


def configure(redis_url: str, *, namespace: str = "loyalnest") -> None:
    global _redis_url, _sync_client, _namespace
    _redis_url = redis_url
    _namespace = namespace
    _sync_client = None


def key(name: str) -> str:
    """A Redis key or channel name inside this deployment's namespace."""
    return f"{_namespace}:{name}"


def redis_url() -> str:
    if _redis_url is None:
        raise RuntimeError("redis not configured: call platform.redis.configure() first")
    return _redis_url


def get_async_redis() -> aioredis.Redis:
    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None:
        client = aioredis.Redis.from_url(redis_url())
        _async_clients[loop] = client
    return client


def get_sync_redis() -> redis.Redis:
    global _sync_client
    if _sync_client is None:
        _sync_client = redis.Redis.from_url(redis_url())
    return _sync_client


async def close_async_redis() -> None:
    client = _async_clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()
