"""``rfmSegmentsChanged``: a shop's segment counts pushed when they change, at most once a
second per shop.

The RFM work publishes a signal on ``segments_changed_channel(shop)`` after each commit
that moved customers (Redis pub/sub, so a worker's change reaches dashboards on any API
process). A burst of orders makes a burst of signals; one feed per shop and process
coalesces them: the first signal after a quiet second is answered at once, later ones
wait for the second to end and are answered together, with the counts read then
(trailing edge: the last change is always pushed). The counts are read once per push
and handed to every dashboard of that shop in this process. Each subscriber first gets
the counts at subscription time (pub/sub is at-most-once: a reconnecting dashboard
starts from the current state)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics.events import segments_changed_channel
from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.analytics.segments.queries import rfm_segments_of
from loyalnest.graphql.analytics.segments.types import RfmSegments
from loyalnest.graphql.core.errors import PublicError
from loyalnest.platform import pubsub

# the "at most once a second per shop"
MIN_INTERVAL_SECONDS = 1.0


class _ShopFeed:
    """The coalesced counts of one shop in this process, fanned out to its subscribers."""

    def __init__(self, merchant_id: int):
        self.merchant_id = merchant_id
        self.subscribers: set[asyncio.Queue[RfmSegments | BaseException]] = set()
        self.dirty = asyncio.Event()
        self.listening = asyncio.Event()
        self.tasks = [asyncio.ensure_future(self._listen()), asyncio.ensure_future(self._push())]

    async def _listen(self) -> None:
        signals = pubsub.subscribe(segments_changed_channel(self.merchant_id))
        waiting = asyncio.ensure_future(anext(signals))
        try:
            await asyncio.sleep(0)  # the subscriber registers on its first step
            # counts read from here on miss no signal
            await pubsub.confirmed(segments_changed_channel(self.merchant_id))
            self.listening.set()
            while True:
                try:
                    await waiting
                except StopAsyncIteration:
                    return  # the process is shutting pub/sub down
                except pubsub.SubscriberLagged:
                    # signals carry nothing but "changed": a lag loses no information
                    signals = pubsub.subscribe(segments_changed_channel(self.merchant_id))
                self.dirty.set()
                waiting = asyncio.ensure_future(anext(signals))
        finally:
            waiting.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await waiting
            await signals.aclose()

    async def _push(self) -> None:
        last = 0.0
        while True:
            await self.dirty.wait()
            wait = last + MIN_INTERVAL_SECONDS - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            # signals arriving from here on set it again: they get a push of their own
            self.dirty.clear()
            last = time.monotonic()
            try:
                counts: RfmSegments | BaseException = await rfm_segments_of(self.merchant_id, None)
            except Exception as error:  # a failed read ends the subscribers' streams, not the feed silently
                counts = error
            for queue in self.subscribers:
                if queue.full():
                    queue.get_nowait()  # an unread older count is superseded
                queue.put_nowait(counts)

    def close(self) -> None:
        for task in self.tasks:
            task.cancel()


_feeds: dict[int, _ShopFeed] = {}


async def segment_count_updates(merchant_id: int) -> AsyncGenerator[RfmSegments, None]:
    feed = _feeds.get(merchant_id)
    if feed is None:
        feed = _feeds[merchant_id] = _ShopFeed(merchant_id)
    queue: asyncio.Queue[RfmSegments | BaseException] = asyncio.Queue(maxsize=1)
    feed.subscribers.add(queue)
    try:
        await feed.listening.wait()  # registered before the first read: no change falls in between
        yield await rfm_segments_of(merchant_id, None)
        while True:
            counts = await queue.get()
            if isinstance(counts, BaseException):
                raise PublicError(
                    "segment counts could not be read: subscribe again", code="INTERNAL"
                ) from counts
            # the same object for every subscriber of the shop: executed once per audience
            yield counts
    finally:
        feed.subscribers.discard(queue)
        if not feed.subscribers and _feeds.get(merchant_id) is feed:
            del _feeds[merchant_id]
            feed.close()


@strawberry.type
class SegmentsSubscription:
    @strawberry.subscription(
        permission_classes=[CanUseAnalytics],
        description="The shop's built-in segment counts (as rfmSegments): at once, then whenever customers "
        "move between segments, at most once a second (changes within a second arrive together, the "
        "last one never lost). Names are in the shop's locale unless `name(locale:)` asks for another. "
        "admin:full or admin:analytics.",
    )
    async def rfm_segments_changed(self, info: Info) -> AsyncGenerator[RfmSegments, None]:
        async for counts in segment_count_updates(info.context.merchant_id):
            yield counts
