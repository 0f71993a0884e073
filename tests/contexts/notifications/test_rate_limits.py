"""Per-shop and per-provider budgets are shared by every worker through Redis: two
senders of one shop together never pass the budget in any second."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter

from loyalnest.contexts.notifications.sending import RateGate


async def test_two_workers_share_one_budget(broker) -> None:
    scope = f"test:{uuid.uuid4().hex}"
    first, second = RateGate(scope, 5), RateGate(scope, 5)
    seconds: Counter[int] = Counter()

    async def send(gate: RateGate, n: int) -> None:
        for _ in range(n):
            await gate.acquire()
            seconds[int(time.time())] += 1

    started = time.monotonic()
    await asyncio.gather(send(first, 6), send(second, 6))
    assert sum(seconds.values()) == 12
    assert max(seconds.values()) <= 5
    # 12 sends at 5 per second cross at least two second boundaries
    assert len(seconds) >= 3
    assert time.monotonic() - started >= 1.0


async def test_no_budget_means_no_wait(broker) -> None:
    gate = RateGate(f"test:{uuid.uuid4().hex}", 0)
    started = time.monotonic()
    for _ in range(1000):
        await gate.acquire()
    assert time.monotonic() - started < 0.5
