"""Live updates over Redis pub/sub, so an event published by a worker reaches a
subscriber connected to any API process.

Pub/sub is at-most-once: a subscriber that reconnects refetches the authoritative state.
Channel names are built by the owning context and always include the merchant id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson

from loyalnest.platform.redis import get_async_redis, key


async def publish(channel: str, payload: dict[str, Any]) -> None:
    await get_async_redis().publish(key(channel), orjson.dumps(payload))


async def subscribe(channel: str) -> AsyncIterator[dict[str, Any]]:
    """Yield messages published on ``channel`` until the consumer stops iterating."""
    channel = key(channel)
    pubsub = get_async_redis().pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(channel)
    try:
        async for message in pubsub.listen():
            if message.get("type") == "message":
                yield orjson.loads(message["data"])
    finally:
        await pubsub.unsubscribe(channel)
        await pubsub.aclose()
