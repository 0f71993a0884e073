"""One Redis pub/sub connection per process carries every local subscription (issue 8,
item 24): hundreds of subscribers, one connection, one Redis subscription per channel,
released with its last subscriber; a slow subscriber is ended rather than buffered
without bound; a killed connection comes back with every channel subscribed again."""

from __future__ import annotations

import asyncio
import inspect
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from prometheus_client import REGISTRY

from loyalnest.platform import pubsub
from loyalnest.platform.redis import get_async_redis, key

TIMEOUT = 10.0


@pytest.fixture
def channel(broker: Any) -> str:
    """A channel nobody else uses (the process configured as an API process)."""
    return f"test-pubsub:{uuid.uuid4().hex}"


async def until(check: Callable[[], Any], what: str) -> None:
    """Poll ``check`` (plain or async) until it is true."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        assert time.monotonic() < deadline, f"not within {TIMEOUT}s: {what}"
        await asyncio.sleep(0.01)


async def redis_listeners(channel: str) -> int:
    """Connections subscribed to ``channel`` as Redis counts them (PUBSUB NUMSUB)."""
    found = dict(await get_async_redis().pubsub_numsub(key(channel)))
    return int(next(iter(found.values()), 0))


def listening(channel: str, local: int, remote: int = 1) -> Callable[[], Awaitable[bool]]:
    """Subscribers in this process, and connections Redis counts on the channel."""

    async def check() -> bool:
        return pubsub.local_subscribers(channel) == local and await redis_listeners(channel) == remote

    return check


async def our_pubsub_connections() -> list[dict[str, Any]]:
    clients = await get_async_redis().client_list()
    return [c for c in clients if c["name"] == f"loyalnest-pubsub-{os.getpid()}"]


def counter(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


async def first_messages(channel: str, count: int, into: list[dict[str, Any]]) -> None:
    async for message in pubsub.subscribe(channel):
        into.append(message)
        if len(into) == count:
            return


@pytest.fixture
async def tasks() -> AsyncIterator[list[asyncio.Task[Any]]]:
    started: list[asyncio.Task[Any]] = []
    yield started
    for task in started:
        task.cancel()
    await asyncio.gather(*started, return_exceptions=True)


async def test_300_subscribers_share_one_connection_and_all_receive(channel, tasks):
    received: list[list[dict[str, Any]]] = [[] for _ in range(300)]
    tasks.extend(asyncio.create_task(first_messages(channel, 1, r)) for r in received)

    await until(listening(channel, 300), "300 local subscribers on one Redis subscription")
    assert len(await our_pubsub_connections()) == 1

    await pubsub.publish(channel, {"n": 1})
    await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT)
    assert received == [[{"n": 1}]] * 300


async def test_a_message_is_decoded_and_converted_once_for_all_its_subscribers(channel, tasks):
    """With thousands of sockets on one channel, per-subscriber work is the fan-out's
    cost: every subscriber gets the same object, converted once per converter."""
    conversions: list[dict[str, Any]] = []

    def convert(message: dict[str, Any]) -> tuple[int]:
        conversions.append(message)
        return (message["n"],)

    async def first(convert: Any) -> Any:
        async for item in pubsub.subscribe(channel, convert) if convert else pubsub.subscribe(channel):
            return item
        raise AssertionError("the subscription ended without a message")

    converted = [asyncio.create_task(first(convert)) for _ in range(5)]
    plain = [asyncio.create_task(first(None)) for _ in range(5)]
    tasks.extend(converted + plain)
    await until(listening(channel, 10), "10 local subscribers")

    await pubsub.publish(channel, {"n": 7})
    got = await asyncio.wait_for(asyncio.gather(*converted), TIMEOUT)
    dicts = await asyncio.wait_for(asyncio.gather(*plain), TIMEOUT)
    assert got == [(7,)] * 5
    assert all(item is got[0] for item in got)
    assert len(conversions) == 1
    assert dicts == [{"n": 7}] * 5
    assert all(item is dicts[0] for item in dicts)


async def test_messages_handed_out_a_slice_at_a_time_keep_their_order(channel, tasks):
    """More subscribers than one slice: every subscriber gets every message, in order,
    although a message is handed out over several event-loop iterations."""
    count = pubsub.DELIVERY_SLICE * 3 + 1
    received: list[list[dict[str, Any]]] = [[] for _ in range(count)]
    tasks.extend(asyncio.create_task(first_messages(channel, 3, r)) for r in received)
    await until(listening(channel, count), f"{count} local subscribers")

    for n in range(3):
        await pubsub.publish(channel, {"n": n})
    await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT)
    assert received == [[{"n": 0}, {"n": 1}, {"n": 2}]] * count


async def test_the_channel_is_released_with_its_last_subscriber(channel, tasks):
    first: list[dict[str, Any]] = []
    second: list[dict[str, Any]] = []
    tasks.append(asyncio.create_task(first_messages(channel, 2, first)))
    tasks.append(asyncio.create_task(first_messages(channel, 1, second)))

    await until(listening(channel, 2), "both subscribed")
    await pubsub.publish(channel, {"n": 1})
    await asyncio.wait_for(tasks[1], TIMEOUT)  # the second leaves after one message
    await until(listening(channel, 1), "the first still subscribed")
    await pubsub.publish(channel, {"n": 2})
    await asyncio.wait_for(tasks[0], TIMEOUT)
    assert (first, second) == ([{"n": 1}, {"n": 2}], [{"n": 1}])
    await until(listening(channel, 0, remote=0), "unsubscribed from Redis once nobody listens")

    # and subscribed again when someone comes back
    again: list[dict[str, Any]] = []
    tasks.append(asyncio.create_task(first_messages(channel, 1, again)))
    await until(listening(channel, 1), "subscribed again")
    await pubsub.publish(channel, {"n": 3})
    await asyncio.wait_for(tasks[2], TIMEOUT)
    assert again == [{"n": 3}]


async def test_a_subscriber_that_stops_reading_is_ended_and_the_others_carry_on(channel, tasks):
    pubsub.configure(queue_size=8)
    try:
        slow = pubsub.subscribe(channel)
        slow_first = asyncio.create_task(anext(slow))
        fast: list[dict[str, Any]] = []
        tasks.append(asyncio.create_task(first_messages(channel, 20, fast)))
        await until(listening(channel, 2), "both subscribed")
    finally:
        pubsub.configure()
    lagged = counter("loyalnest_pubsub_lagged_total")

    await pubsub.publish(channel, {"n": 0})
    assert await asyncio.wait_for(slow_first, TIMEOUT) == {"n": 0}
    # from here on the slow one reads nothing: 8 messages fill its queue, the 9th
    # finds it full
    for n in range(1, 20):
        await pubsub.publish(channel, {"n": n})
    await asyncio.wait_for(tasks[0], TIMEOUT)
    assert fast == [{"n": n} for n in range(20)]

    # what was queued for it is dropped, and it is told rather than left waiting
    with pytest.raises(pubsub.SubscriberLagged):
        await asyncio.wait_for(anext(slow), TIMEOUT)
    assert counter("loyalnest_pubsub_lagged_total") == lagged + 1
    await until(listening(channel, 0, remote=0), "released once both are gone")


async def test_a_killed_connection_comes_back_subscribed_and_iterators_carry_on(channel, tasks):
    other = f"{channel}:other"
    received: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    tasks.append(asyncio.create_task(first_messages(channel, 2, received)))
    tasks.append(asyncio.create_task(first_messages(other, 1, others)))

    async def both_subscribed() -> bool:
        return await listening(channel, 1)() and await listening(other, 1)()

    await until(both_subscribed, "both channels subscribed")
    await pubsub.publish(channel, {"n": 1})
    await until(lambda: len(received) == 1, "the first message")

    (before,) = await our_pubsub_connections()
    reconnects = counter("loyalnest_pubsub_reconnects_total")
    await get_async_redis().client_kill_filter(_id=before["id"])

    async def back() -> bool:
        now = await our_pubsub_connections()
        return len(now) == 1 and now[0]["id"] != before["id"] and await both_subscribed()

    await until(back, "a new connection subscribed to both channels again")
    assert counter("loyalnest_pubsub_reconnects_total") == reconnects + 1
    await pubsub.publish(channel, {"n": 2})
    await pubsub.publish(other, {"n": 3})
    await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT)
    assert (received, others) == ([{"n": 1}, {"n": 2}], [{"n": 3}])


async def test_close_ends_every_subscriber_and_the_connection(channel, tasks):
    received: list[dict[str, Any]] = []
    tasks.append(asyncio.create_task(first_messages(channel, 1, received)))
    await until(listening(channel, 1), "subscribed")

    await pubsub.close()
    await asyncio.wait_for(tasks[0], TIMEOUT)  # the iterator ended, nothing received
    assert received == []
    assert pubsub.local_subscribers(channel) == 0
    await until(lambda: _none(our_pubsub_connections()), "the connection closed")

    # the next subscriber on this loop opens a fresh connection
    tasks.append(asyncio.create_task(first_messages(channel, 1, received)))
    await until(listening(channel, 1), "subscribed again")
    await pubsub.publish(channel, {"n": 1})
    await asyncio.wait_for(tasks[1], TIMEOUT)
    assert received == [{"n": 1}]


async def _none(found: Awaitable[list[Any]]) -> bool:
    return await found == []


async def test_publish_many_delivers_a_batch_in_order_on_each_channel(channel, tasks):
    """What a unit of work publishes after commit (a worker batch changes up to 200
    balances) goes out as one pipeline, and arrives complete and in order."""
    other = f"{channel}:other"
    first: list[dict[str, Any]] = []
    second: list[dict[str, Any]] = []
    tasks.append(asyncio.create_task(first_messages(channel, 30, first)))
    tasks.append(asyncio.create_task(first_messages(other, 30, second)))
    await until(listening(channel, 1), "a subscriber on the first channel")
    await until(listening(other, 1), "a subscriber on the second channel")

    await pubsub.publish_many([(c, {"n": n}) for n in range(30) for c in (channel, other)])
    await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT)

    assert first == [{"n": n} for n in range(30)]
    assert second == [{"n": n} for n in range(30)]


async def test_confirmed_waits_for_redis_to_answer_the_subscribe(channel, tasks):
    """A follower reads the state once Redis has its subscription: a message published
    the moment it is confirmed reaches it (the segment export finished by a worker
    between the first read and the SUBSCRIBE left its follower waiting for ever)."""
    assert not await pubsub.confirmed(channel, timeout=0.1)  # nobody here subscribes to it
    received: list[dict[str, Any]] = []
    tasks.append(asyncio.create_task(first_messages(channel, 1, received)))
    await asyncio.sleep(0)  # registered in this process, not yet in Redis
    assert pubsub.local_subscribers(channel) == 1
    assert await pubsub.confirmed(channel)
    # Redis counts the receivers of a publish: ours, at once
    assert await get_async_redis().publish(key(channel), b'{"n": 1}') == 1
    await asyncio.wait_for(tasks[0], TIMEOUT)
    assert received == [{"n": 1}]
