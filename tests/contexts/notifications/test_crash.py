"""A worker dies in the middle of a batch: nothing is lost, nothing is sent twice at
Klaviyo (its ``unique_id`` is the idempotency key), and SMTP re-sends at most the rows
whose send had reached the server before the mark committed, with the same Message-ID.

The worker's death is the delivery task cancelled while sends are in flight (what a
killed process leaves behind: rows marked sent, rows still ``sending``, connections cut),
and, in the last test, a real worker process SIGKILLed mid-batch; then the lease passes
and the sweep re-queues the stuck rows."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.notifications import delivery
from loyalnest.integrations.notify import message_id_for
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from loyalnest.settings import get_settings
from tests.contexts.notifications.support import (
    deliveries,
    make_customer,
    reward_issued,
    set_klaviyo,
    set_smtp,
    settle,
)

N = 40


async def _owe_without_actor_message(merchant_id: int) -> list[str]:
    """N reward messages owed in one transaction whose deliver_batch message never
    reaches a worker (as if the broker lost it): only this test's own runs deliver, so
    the session's real worker cannot finish the batch before the kill."""
    ids = [await make_customer(merchant_id, email=f"c{i}@example.com") for i in range(N)]
    async with unit_of_work() as uow:

        async def already() -> bool:
            return True

        await uow.cached(delivery._ENQUEUED, merchant_id, already)
        await uow.publish_events(
            [reward_issued(merchant_id, c, redemption_id=500 + i) for i, c in enumerate(ids)]
        )
    return [f"reward_issued:{500 + i}:email" for i in range(N)]


async def _kill_after(merchant_id: int, arrived: Any, at_least: int) -> Counter[str]:
    task = asyncio.create_task(notifications.deliver_batch(merchant_id))
    deadline = time.monotonic() + 20
    while arrived() < at_least:
        assert not task.done(), "the batch finished before it could be killed"
        assert time.monotonic() < deadline
        await asyncio.sleep(0.005)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return Counter(r["status"] for r in await deliveries(merchant_id))


async def _recover(merchant_id: int) -> list[dict[str, Any]]:
    # before the lease ends nobody takes the stuck rows
    await notifications.deliver_batch(merchant_id)
    assert "sending" in {r["status"] for r in await deliveries(merchant_id)}
    later = utcnow() + timedelta(seconds=get_settings().notifications_lease_seconds + 1)
    assert merchant_id in await notifications.sweep(now=later)
    # the sweep also woke the session's real worker, if one runs: both share the claim
    return await settle(merchant_id)


async def test_smtp_batch_killed_mid_way_loses_nothing_and_resends_only_the_unmarked(shop, sink) -> None:
    await set_smtp(shop.id, sink)
    keys = await _owe_without_actor_message(shop.id)
    sink.delay_next(N, seconds=0.05)
    at_kill = await _kill_after(shop.id, lambda: sink.received, 10)
    assert at_kill["sending"] > 0, at_kill
    assert at_kill["sent"] + at_kill["sending"] == N

    final = await _recover(shop.id)
    assert Counter(r["status"] for r in final) == {"sent": N}
    expected = {message_id_for(f"{shop.id}:{k}", "loyalnest.local"): k for k in keys}
    received = Counter(m.message["Message-ID"] for m in sink.messages)
    # never lost: every cause's message arrived, under its own stable Message-ID
    assert set(received) == set(expected)
    # re-sent only where the kill fell between the server's answer and the mark
    resent = sum(n - 1 for n in received.values())
    assert resent <= at_kill["sending"]
    for row in final:
        assert row["provider_message_id"] == message_id_for(
            f"{shop.id}:{row['idempotency_key']}", "loyalnest.local"
        )


async def test_klaviyo_batch_killed_mid_way_gets_each_event_exactly_once(shop, klaviyo) -> None:
    await set_klaviyo(shop.id, klaviyo)
    keys = await _owe_without_actor_message(shop.id)
    klaviyo.delay_next(N, seconds=0.05)
    at_kill = await _kill_after(shop.id, lambda: len(klaviyo.events), 10)
    assert at_kill["sending"] > 0, at_kill

    final = await _recover(shop.id)
    assert Counter(r["status"] for r in final) == {"sent": N}
    assert sorted(e.unique_id for e in klaviyo.events) == sorted(keys)
    assert all(r["provider"] == "klaviyo" for r in final)


_WORKER = """
import asyncio, sys
from loyalnest import contexts
from loyalnest.platform.runtime import configure_process
from loyalnest.contexts.notifications import api as notifications

configure_process(
    database_url=sys.argv[1], redis_url=sys.argv[2], redis_namespace=sys.argv[3], log_level="ERROR",
    log_format="console",
)
contexts.load()
asyncio.run(notifications.deliver_batch(int(sys.argv[4])))
"""


@pytest.mark.heavy
async def test_a_worker_process_killed_with_sigkill_mid_batch(shop, klaviyo, settings) -> None:
    """The real thing: a separate process delivering, SIGKILLed while sends are in flight."""
    import os
    import signal
    import sys

    await set_klaviyo(shop.id, klaviyo)
    keys = await _owe_without_actor_message(shop.id)
    klaviyo.delay_next(N, seconds=0.1)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _WORKER,
        settings.database_url,
        settings.redis_url,
        settings.redis_namespace,
        str(shop.id),
        env={**os.environ, "LOYALNEST_ENV": "test"},
    )
    # a bound for a hung worker, not a speed check: a loaded machine boots it slowly
    deadline = time.monotonic() + 120
    while len(klaviyo.events) < 10:
        assert process.returncode is None, "the worker ended before it could be killed"
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    await process.wait()
    at_kill = Counter(r["status"] for r in await deliveries(shop.id))
    assert at_kill["sending"] > 0, at_kill

    final = await _recover(shop.id)
    assert Counter(r["status"] for r in final) == {"sent": N}
    assert sorted(e.unique_id for e in klaviyo.events) == sorted(keys)
