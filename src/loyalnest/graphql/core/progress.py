"""Following something a worker changes, over a subscription: the worker nudges a Redis
pub/sub channel after each commit, and every nudge is answered with the thing read
afresh (so a missed nudge costs nothing: pub/sub is at-most-once, and no client merges
deltas). The first answer is read after Redis has confirmed the subscription, so no
change falls between it and the nudges; ``tick`` also reads it afresh when that long
passes without a nudge (progress that must move at least every second)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, TypeVar

from loyalnest.graphql.core.errors import PublicError
from loyalnest.platform import pubsub

T = TypeVar("T")


async def follow(
    channel: str,
    read: Callable[[], Awaitable[T | None]],
    *,
    done: Callable[[T], bool] = lambda _: False,
    tick: float | None = None,
) -> AsyncGenerator[T, None]:
    """``read()`` now, then on every nudge of ``channel`` (and every ``tick`` seconds),
    until it is None (gone) or ``done`` says it stands still."""
    nudges = pubsub.subscribe(channel)
    # waiting for the next nudge starts the subscriber (it registers on its first step)
    waiting: asyncio.Future[dict[str, Any]] = asyncio.ensure_future(anext(nudges))
    try:
        await asyncio.sleep(0)  # registered here on its first step
        # and with Redis before the first read: a change committed between that read and
        # the SUBSCRIBE (a worker that finishes at once) would never be heard of, and its
        # follower would wait for ever
        await pubsub.confirmed(channel)
        while True:
            found = await read()
            if found is None:
                return
            yield found
            if done(found):
                return
            finished, _ = await asyncio.wait({waiting}, timeout=tick)
            if finished:
                try:
                    waiting.result()
                except StopAsyncIteration:
                    return  # the process is shutting its pub/sub down
                waiting = asyncio.ensure_future(anext(nudges))
    except pubsub.SubscriberLagged:
        raise PublicError(
            "updates came faster than this connection read them: subscribe again", code="SUBSCRIPTION_LAGGED"
        ) from None
    finally:
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await waiting
        await nudges.aclose()
