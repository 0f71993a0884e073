"""Redis connections: one asyncio client per event loop, keys inside one namespace."""

from __future__ import annotations

import asyncio
import weakref

import redis.asyncio as aioredis

_redis_url: str | None = None
_namespace = "loyalnest"
_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aioredis.Redis] = (
    weakref.WeakKeyDictionary()
)


def configure(redis_url: str, *, namespace: str = "loyalnest") -> None:
    global _redis_url, _namespace
    _redis_url = redis_url
    _namespace = namespace


def key(name: str) -> str:
    """A Redis key or channel name inside this deployment's namespace."""
    return f"{_namespace}:{name}"


def shop_key(merchant_id: int, name: str) -> str:
    """A key holding one shop's state. Every such key lives under
    ``<namespace>:shop:<id>:``, so the shop's deletion (privacy) finds them all with one
    pattern, whichever context made them."""
    return key(f"shop:{merchant_id}:{name}")


def shop_domain_key(shop_domain: str, name: str) -> str:
    """A key of one shop's state looked up by its domain before its id is known (a
    storefront redirect): under ``<namespace>:shop-domain:<domain>:``, for the same
    reason as ``shop_key``."""
    return key(f"shop-domain:{shop_domain}:{name}")


def shop_patterns(merchant_id: int, shop_domain: str) -> tuple[str, str]:
    """The patterns (SCAN MATCH) of every key ``shop_key`` and ``shop_domain_key`` make
    for the shop."""
    escaped = "".join(f"[{c}]" if c in "*?[]\\" else c for c in shop_domain)
    return key(f"shop:{merchant_id}:*"), key(f"shop-domain:{escaped}:*")


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


async def close_async_redis() -> None:
    client = _async_clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()
