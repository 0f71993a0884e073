"""The ``analytics.refresh_program_rollups`` periodic actor through the real broker and
worker: it rolls up a shop with new ledger entries, two runs at once (Dramatiq is
at-least-once) leave exactly the rows of one, a run with nothing new changes nothing and
publishes nothing, and a change nudges the shop's channel after commit."""

from __future__ import annotations

import asyncio
import contextlib
import random
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.analytics.tasks.program import ANALYTICS_QUEUE, REFRESH_PROGRAM_ROLLUPS_ACTOR
from loyalnest.platform import pubsub, queue
from loyalnest.platform.timeutil import utcnow
from tests.contexts.analytics.test_program_rollups import TZ, expected, generate, install, stored


async def run_periodic(drain: Any, times: int = 1) -> None:
    for _ in range(times):
        queue.send(REFRESH_PROGRAM_ROLLUPS_ACTOR, ANALYTICS_QUEUE, {})
    await drain()


async def test_the_periodic_actor_rolls_up_once_whatever_it_runs(drain):
    merchant_id = await install()
    now = utcnow()
    await generate(merchant_id, random.Random(3), now - timedelta(days=12), 10, {})
    signals = pubsub.subscribe(analytics.program_channel(merchant_id))
    waiting = asyncio.ensure_future(anext(signals))
    try:
        await asyncio.sleep(0.05)  # registered before the worker publishes
        await run_periodic(drain, times=2)  # two deliveries at once
        today = utcnow().astimezone(ZoneInfo(TZ)).date()
        want = await expected(merchant_id, today)
        assert await stored(merchant_id) == want
        assert (await asyncio.wait_for(waiting, 10))["merchant_id"] == merchant_id

        # nothing new: the shop is not due, nothing is rewritten or published
        waiting = asyncio.ensure_future(anext(signals))
        await run_periodic(drain)
        assert await stored(merchant_id) == want
        await asyncio.sleep(0.2)
        assert not waiting.done()
    finally:
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await waiting
        await signals.aclose()
