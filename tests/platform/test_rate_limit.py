"""Fixed-window rate limits in Redis (platform.rate_limit): the limit holds, hits past it
keep counting, the window ends, subjects are apart, and concurrent hits from many
callers are counted exactly (the increment and the expiry are one script)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from loyalnest.platform import rate_limit
from loyalnest.platform.redis import get_async_redis, key


@pytest.fixture
def subject(broker: Any) -> str:
    """A name nobody else counts (the process configured as an API process)."""
    return f"test:{uuid.uuid4().hex}"


async def test_the_limit_holds_and_the_refusal_says_how_long_to_wait(subject):
    decisions = [await rate_limit.hit(subject, limit=3, window_seconds=60) for _ in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.count for d in decisions] == [1, 2, 3, 4, 5]
    assert decisions[0].retry_after == 0
    assert 1 <= decisions[3].retry_after <= 60
    # the counter expires with its window: nothing is kept for good
    ttl = await get_async_redis().pttl(key(f"ratelimit:{subject}"))
    assert 0 < ttl <= 60_000


async def test_a_new_window_starts_afresh(subject):
    assert (await rate_limit.hit(subject, limit=1, window_seconds=1)).allowed
    assert not (await rate_limit.hit(subject, limit=1, window_seconds=1)).allowed
    await asyncio.sleep(1.1)
    assert (await rate_limit.hit(subject, limit=1, window_seconds=1)).allowed


async def test_subjects_are_counted_apart(subject):
    assert (await rate_limit.hit(subject, limit=1, window_seconds=60)).allowed
    assert not (await rate_limit.hit(subject, limit=1, window_seconds=60)).allowed
    assert (await rate_limit.hit(subject + ":other", limit=1, window_seconds=60)).allowed


async def test_concurrent_hits_are_counted_exactly(subject):
    decisions = await asyncio.gather(
        *(rate_limit.hit(subject, limit=10, window_seconds=60) for _ in range(60))
    )
    assert sorted(d.count for d in decisions) == list(range(1, 61))
    assert sum(d.allowed for d in decisions) == 10


async def test_a_counter_left_without_expiry_gets_one(subject):
    # a counter written by something else without a TTL must not limit its subject forever
    await get_async_redis().set(key(f"ratelimit:{subject}"), 100)
    decision = await rate_limit.hit(subject, limit=5, window_seconds=60)
    assert not decision.allowed
    assert 0 < await get_async_redis().pttl(key(f"ratelimit:{subject}")) <= 60_000


async def test_a_limit_must_allow_something(subject):
    with pytest.raises(ValueError, match="a rate limit needs"):
        await rate_limit.hit(subject, limit=0, window_seconds=60)
    with pytest.raises(ValueError, match="a rate limit needs"):
        await rate_limit.hit(subject, limit=1, window_seconds=0)
