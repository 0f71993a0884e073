"""Following a state a worker changes (graphql/core/progress.py): the first read comes
after Redis has the subscription, so a change committed right after that read, the
last one a quick worker makes, is still heard of; before, its follower waited for ever
(seen in CI as a segment export's progress stuck at its first answer)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from loyalnest.graphql.core.progress import follow
from loyalnest.platform.redis import get_async_redis, key

TIMEOUT = 10.0


async def _followed_while_a_nudge_comes_with_the_first_read() -> list[str]:
    channel = f"test-follow:{uuid.uuid4().hex}"
    reads = 0

    async def read() -> str:
        nonlocal reads
        reads += 1
        if reads == 1:
            # the worker finishes just as the first read is answered, and nudges once
            await get_async_redis().publish(key(channel), b"{}")
            return "RUNNING"
        return "COMPLETED"

    return [state async for state in follow(channel, read, done=lambda s: s == "COMPLETED")]


async def test_a_change_committed_as_the_first_read_returns_is_followed(broker: Any) -> None:
    for _ in range(20):  # the window was a round trip: tried often enough to be met
        followed = await asyncio.wait_for(_followed_while_a_nudge_comes_with_the_first_read(), TIMEOUT)
        assert followed == ["RUNNING", "COMPLETED"]
