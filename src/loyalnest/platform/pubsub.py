"""Live updates over Redis pub/sub, so an event published by a worker reaches a
subscriber connected to any API process.

Pub/sub is at-most-once: a subscriber that reconnects refetches the authoritative state.
Channel names are built by the owning context and always include the merchant id.

Each process (each event loop) holds ONE Redis connection for all its subscribers, its
own, not borrowed from the shared pool: a connection per subscriber exhausted that pool
(100) and with it every other Redis use of the process. The process subscribes to a
channel when its first local subscriber arrives and unsubscribes when the last leaves;
a reader task hands each message to every local subscriber's bounded queue.

A message is decoded once, however many local subscribers it reaches: they all get the
same object (not to be mutated), and ``subscribe(channel, convert=...)`` converts it
once per converter, so every subscriber of a message holds the same converted value.
With thousands of sockets on one channel, per-subscriber work is what the fan-out costs
(graphql/core/subscription_events.py then executes each event once per audience). It
is handed out ``DELIVERY_SLICE`` subscribers per event-loop iteration: a subscriber
woken runs its whole send in that iteration, and 5,000 at once held every other request
of the process behind them (the mutation that made the change answered after 0.7 s).

A subscriber that falls ``queue_size`` messages behind (its client stopped reading, so
its sends block) is ended with ``SubscriberLagged``, its queued messages dropped:
memory stays bounded and the client, told so, subscribes again and refetches, as after
any reconnect. Publishing uses the shared pool and never waits behind subscribers.

A subscriber may come with a direct sink (``direct_sink``, a context variable read when
it subscribes): the GraphQL WebSocket layer's way to write an event's frame straight to
its socket when the result is already computed for another socket of the same group
(graphql/core/ws_fanout.py). Only a subscriber with nothing queued or in flight is
offered a message that way, so its order holds; per message, the first subscriber of a
group goes through its queue (it computes the result) and the rest of the group waits
an event-loop turn for it. Whatever the sink declines goes through the queue as before.

A subscriber is registered with this process at once, but Redis hears of it a round trip
later: ``confirmed(channel)`` waits for Redis's answer to the SUBSCRIBE, after which no
message published on the channel passes it by. Whoever reads a state and then follows
its changes waits for that before reading (else a change made in that round trip, the
last one say, is never heard of).

When the connection is lost the reader reconnects (backing off while Redis is down) and
subscribes again to every channel that still has local subscribers; their iterators
carry on. Messages published meanwhile are lost, as pub/sub allows.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import weakref
from collections.abc import AsyncGenerator, Callable, Hashable, Sequence
from typing import Any, Protocol, TypeVar, overload

import orjson
import redis.asyncio as aioredis
from prometheus_client import Counter, Gauge
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from loyalnest.platform.redis import get_async_redis, key, redis_url

log = logging.getLogger(__name__)

DEFAULT_QUEUE_SIZE = 64
# A silent peer (a half-open TCP connection) is noticed after two of these: a PING sent
# after one quiet interval must be answered within the next.
KEEPALIVE_SECONDS = 15.0
_BACKOFF_FIRST = 0.05
_BACKOFF_MAX = 5.0
# subscribers handed a message per event-loop iteration
DELIVERY_SLICE = 64
# event-loop turns a sink's subscriber waits for its group's result before it goes
# through its own queue (a result whose execution awaits I/O takes longer)
_WAIT_TURNS = 3

SUBSCRIBERS = Gauge("loyalnest_pubsub_subscribers", "Live-update subscriptions served by this process")
CHANNELS = Gauge("loyalnest_pubsub_channels", "Redis channels this process listens on")
LAGGED = Counter("loyalnest_pubsub_lagged_total", "Subscriptions ended because their client read too slowly")
RECONNECTS = Counter("loyalnest_pubsub_reconnects_total", "Times the pub/sub connection was lost")

_queue_size = DEFAULT_QUEUE_SIZE

T = TypeVar("T")


class DirectSink(Protocol):
    """Where a subscriber's messages may be written without waking its consumer."""

    @property
    def group(self) -> Hashable | None:
        """Subscribers of one group get the same result for a message; None: no group
        (yet), every message goes through the queue."""

    def deliver(self, value: Any) -> bool | None:
        """Handle ``value`` (the converted message) now: True when done, None when its
        result is not computed yet (ask again later), False to go through the queue."""


# the sink of the subscriptions made in this context (set per GraphQL operation)
direct_sink: contextvars.ContextVar[DirectSink | None] = contextvars.ContextVar(
    "loyalnest_pubsub_direct_sink", default=None
)


class SubscriberLagged(Exception):
    """The subscriber fell ``queue_size`` messages behind and was ended; what it missed
    is gone, so its client must refetch."""


# queue markers, never messages (those are _Message)
_LAGGED = object()
_CLOSED = object()


class _Message:
    """One published message, shared by every local subscriber it is handed to: decoded
    on first use, converted once per converter."""

    __slots__ = ("_converted", "_data", "_decoded")

    def __init__(self, data: bytes):
        self._data = data
        self._decoded: dict[str, Any] | None = None
        self._converted: dict[Callable[[dict[str, Any]], Any], Any] = {}

    def decoded(self) -> dict[str, Any]:
        if self._decoded is None:
            self._decoded = orjson.loads(self._data)
        return self._decoded

    def converted(self, convert: Callable[[dict[str, Any]], T]) -> T:
        value = self._converted.get(convert, _CLOSED)
        if value is _CLOSED:  # not converted yet (no converter returns the marker)
            # a converter that raises is not remembered: each subscriber raises its own
            value = self._converted[convert] = convert(self.decoded())
        return value  # type: ignore[no-any-return]


def configure(*, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
    """Messages one subscriber may have waiting before it is ended as lagging."""
    global _queue_size
    if queue_size < 1:
        raise ValueError("queue_size must be at least 1")
    _queue_size = queue_size


async def publish(channel: str, payload: dict[str, Any]) -> None:
    await get_async_redis().publish(key(channel), orjson.dumps(payload))


# One command publishing many messages, in order. The channels go as arguments, not
# keys: PUBLISH touches no key, and arguments keep the script valid on a cluster.
_PUBLISH_ALL = "for i = 1, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end return #ARGV / 2"
# Messages per script call: a bound on the command's size (and the time Redis is busy).
PUBLISH_CHUNK = 1000


async def publish_many(messages: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Several publishes in one round trip, in order: a worker's batch of 200 orders
    changes up to 200 balances, and one round trip each was 9 % of its CPU. With tiers
    and campaigns an order posts several ledger rows, each announced: as one pipeline
    command each, parsing the replies alone cost a fifth of the worker's CPU; one script
    call per thousand messages has one reply."""
    if len(messages) == 1:
        await publish(*messages[0])
        return
    client = get_async_redis()
    for start in range(0, len(messages), PUBLISH_CHUNK):
        arguments: list[str | bytes] = []
        for channel, payload in messages[start : start + PUBLISH_CHUNK]:
            arguments += (key(channel), orjson.dumps(payload))
        await client.eval(_PUBLISH_ALL, 0, *arguments)


@overload
def subscribe(channel: str) -> AsyncGenerator[dict[str, Any], None]: ...
@overload
def subscribe(
    channel: str, convert: Callable[[dict[str, Any]], T], *, direct: bool = False
) -> AsyncGenerator[T, None]: ...
async def subscribe(
    channel: str, convert: Callable[[dict[str, Any]], Any] | None = None, *, direct: bool = False
) -> AsyncGenerator[Any, None]:
    """Yield messages published on ``channel`` until the consumer stops iterating.

    Every local subscriber of a message gets the same decoded dict (never mutate it) or,
    with ``convert``, the same ``convert(message)``, computed once per message for all
    subscribers passing that same function.

    ``direct``: the consumer yields every converted value as is, so the context's
    ``direct_sink`` may handle a value instead of it (see the module's docstring).

    Raises ``SubscriberLagged`` if the consumer falls too far behind; ends (returns)
    when the process shuts its pub/sub down."""
    hub = _hub()
    subscriber = hub.add(key(channel))
    if direct and convert is not None:  # a sink is handed converted values only
        subscriber.sink = direct_sink.get()
        subscriber.convert = convert
    queue = subscriber.queue
    try:
        while True:
            # back here, the consumer is done with the previous message (its frame is
            # written): with nothing queued, a sink may take the next one
            if queue.empty():
                subscriber.busy = False
            item = await queue.get()
            if type(item) is not _Message:
                if item is _LAGGED:
                    raise SubscriberLagged(f"fell {subscriber.queue.maxsize} messages behind on {channel}")
                return  # _CLOSED
            yield item.decoded() if convert is None else item.converted(convert)
    finally:
        hub.discard(subscriber)


def local_subscribers(channel: str) -> int:
    """Subscribers of ``channel`` in this event loop (Redis sees one per process)."""
    hub = _hubs.get(asyncio.get_running_loop())
    return 0 if hub is None else len(hub.channels.get(key(channel), ()))


async def close() -> None:
    """Close this event loop's pub/sub connection (at shutdown); its subscribers end."""
    hub = _hubs.pop(asyncio.get_running_loop(), None)
    if hub is not None:
        await hub.close()


# how long ``confirmed`` waits by default: Redis answers a SUBSCRIBE in a round trip;
# while it is unreachable, a follower reads without it rather than not at all
CONFIRM_WAIT_SECONDS = 2.0


async def confirmed(channel: str, timeout: float = CONFIRM_WAIT_SECONDS) -> bool:
    """Wait until Redis has answered this process's SUBSCRIBE to ``channel`` (which a
    local subscriber of it must have asked for): True then, False on ``timeout`` or when
    nobody here subscribes to it."""
    hub = _hubs.get(asyncio.get_running_loop())
    answered = None if hub is None else hub.answered.get(key(channel))
    if answered is None:
        return False
    try:
        await asyncio.wait_for(answered.wait(), timeout)
    except TimeoutError:
        return False
    return True


# how long closing waits for the reader and writer to end (at shutdown)
CLOSE_WAIT_SECONDS = 1.0


class _Subscriber:
    __slots__ = ("busy", "channel", "convert", "queue", "sink")

    def __init__(self, channel: str, queue_size: int):
        self.channel = channel
        self.queue: asyncio.Queue[object] = asyncio.Queue(maxsize=queue_size)
        self.sink: DirectSink | None = None
        self.convert: Callable[[dict[str, Any]], Any] | None = None
        # something was queued that the consumer has not finished with
        self.busy = False


class _Hub:
    """One event loop's subscribers and its one Redis connection.

    ``channels`` is what local subscribers want; ``_told`` is what Redis was asked for
    on the current connection. The writer task sends the difference, so bursts of
    subscribers cost one SUBSCRIBE, and a reconnect (``_told`` emptied) resubscribes
    everything."""

    def __init__(self, url: str):
        self.channels: dict[str, set[_Subscriber]] = {}
        self._told: set[str] = set()
        # per wanted channel: Redis has answered its SUBSCRIBE on the current connection
        self.answered: dict[str, asyncio.Event] = {}
        self._changed = asyncio.Event()
        self._connected = False
        self._closed = False
        # its own pool of one: never the process's shared pool. RESP2, so messages come
        # back from read_response rather than through RESP3's push handler.
        pool = aioredis.ConnectionPool.from_url(
            url, protocol=2, client_name=f"loyalnest-pubsub-{os.getpid()}"
        )
        self._connection = pool.make_connection()
        self._tasks: list[asyncio.Task[None]] = []

    def add(self, channel: str) -> _Subscriber:
        if self._closed:
            raise RuntimeError("pub/sub is closed")
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self._read(), name="pubsub-reader"),
                asyncio.create_task(self._write(), name="pubsub-writer"),
            ]
        subscriber = _Subscriber(channel, _queue_size)
        listeners = self.channels.get(channel)
        if listeners is None:
            listeners = self.channels[channel] = set()
            CHANNELS.inc()
            answered = self.answered[channel] = asyncio.Event()
            if channel in self._told:
                # its last subscriber left a moment ago and the UNSUBSCRIBE is not sent:
                # Redis still has it, and the writer will send nothing
                answered.set()
            self._changed.set()
        listeners.add(subscriber)
        SUBSCRIBERS.inc()
        return subscriber

    def discard(self, subscriber: _Subscriber) -> None:
        listeners = self.channels.get(subscriber.channel)
        if listeners is None or subscriber not in listeners:
            return  # already dropped as lagging, or closed
        listeners.remove(subscriber)
        SUBSCRIBERS.dec()
        if not listeners:
            del self.channels[subscriber.channel]
            del self.answered[subscriber.channel]
            CHANNELS.dec()
            self._changed.set()

    async def _deliver(self, channel: str, data: bytes) -> None:
        listeners = self.channels.get(channel)
        if not listeners:
            return  # unsubscribed while the message was on its way
        message = _Message(data)
        lagging: list[_Subscriber] = []
        # a group whose first subscriber was handed the message to compute its result
        led: set[Hashable] = set()
        waiting: list[_Subscriber] = []  # their group's result is not computed yet
        # a slice per loop iteration (see the module's docstring); the next message waits
        # for this one, so each subscriber's order holds. Those who subscribe meanwhile
        # did so after it was published: it is not theirs.
        targets = list(listeners)
        for turn in range(_WAIT_TURNS + 1):
            for start in range(0, len(targets), DELIVERY_SLICE):
                if start or turn:
                    await asyncio.sleep(0)
                    listeners = self.channels.get(channel) or set()
                for subscriber in targets[start : start + DELIVERY_SLICE]:
                    if subscriber not in listeners:
                        continue  # left (or was ended) while the message was handed out
                    sink = subscriber.sink
                    if sink is not None and not subscriber.busy:
                        group = sink.group
                        if group is not None:
                            try:
                                done = sink.deliver(message.converted(subscriber.convert))  # type: ignore[arg-type]
                            except Exception:
                                done = False  # its consumer converts again and raises its own
                            if done:
                                continue
                            if done is None and group in led and turn < _WAIT_TURNS:
                                waiting.append(subscriber)
                                continue
                            led.add(group)
                    try:
                        subscriber.queue.put_nowait(message)
                        subscriber.busy = True
                    except asyncio.QueueFull:
                        lagging.append(subscriber)
            if not waiting:
                break
            targets, waiting = waiting, []
        for subscriber in lagging:
            self.discard(subscriber)
            _replace_queued(subscriber.queue, _LAGGED)
            LAGGED.inc()
            log.warning("pubsub subscriber lagging; ended", extra={"channel": channel})

    async def _read(self) -> None:
        backoff = _BACKOFF_FIRST
        connection = self._connection
        # closing: redis-py's timed read may hold a cancellation until its timeout, so the
        # loop also stops on the flag ``close`` sets before it cancels and disconnects
        while not self._closed:
            try:
                await connection.connect()
                backoff = _BACKOFF_FIRST
                self._told.clear()
                for answered in self.answered.values():
                    answered.clear()
                self._connected = True
                self._changed.set()
                await self._read_messages(connection)
            except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                RECONNECTS.inc()
                log.warning(
                    "pubsub connection lost; reconnecting", extra={"error": f"{type(exc).__name__}: {exc}"}
                )
            except Exception:
                # anything else (a refused command, a bug) must not leave subscribers
                # waiting on a dead reader: start over on a fresh connection
                RECONNECTS.inc()
                log.exception("pubsub reader failed; reconnecting")
            finally:
                self._connected = False
                await connection.disconnect(nowait=True)
            if self._closed:
                return
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, _BACKOFF_MAX)

    async def _read_messages(self, connection: Any) -> None:
        ping_sent = False
        while True:
            response = await connection.read_response(timeout=KEEPALIVE_SECONDS)
            if response is None:  # nothing for a whole interval
                if ping_sent:
                    raise RedisTimeoutError("no answer to PING on the pub/sub connection")
                await connection.send_command("PING", check_health=False)
                ping_sent = True
                continue
            ping_sent = False
            if response[0] == b"message":
                await self._deliver(response[1].decode(), response[2])
            elif response[0] == b"subscribe":
                channel = response[1].decode()
                # only while it is still wanted and asked for: the answer to a SUBSCRIBE
                # that an UNSUBSCRIBE has since followed says nothing of the next one
                answered = self.answered.get(channel)
                if answered is not None and channel in self._told:
                    answered.set()

    async def _write(self) -> None:
        while True:
            await self._changed.wait()
            if self._closed:
                return
            self._changed.clear()
            if not self._connected:
                continue  # the reader sets it again once connected
            wanted = set(self.channels)
            leaving = sorted(self._told - wanted)
            joining = sorted(wanted - self._told)
            try:
                # _told first: whatever changes while a command is on its way is sent next
                self._told = wanted
                if leaving:
                    await self._connection.send_command("UNSUBSCRIBE", *leaving, check_health=False)
                if joining:
                    await self._connection.send_command("SUBSCRIBE", *joining, check_health=False)
            except Exception:
                # the reader notices the lost connection, reconnects and subscribes to
                # everything again; anything else is logged, and retried the same way
                log.debug("pubsub subscribe command not sent", exc_info=True)
                with contextlib.suppress(Exception):
                    await self._connection.disconnect(nowait=True)

    async def close(self) -> None:
        self._closed = True
        self._changed.set()  # the writer wakes, sees it and returns
        for task in self._tasks:
            task.cancel()
        # a read blocked in redis-py ends with its connection (a cancellation alone can
        # wait for the read's timeout); what still runs after a moment is left behind
        await self._connection.disconnect(nowait=True)
        await asyncio.wait(self._tasks, timeout=CLOSE_WAIT_SECONDS)
        for channel in list(self.channels):
            for subscriber in list(self.channels.get(channel, ())):
                self.discard(subscriber)
                _replace_queued(subscriber.queue, _CLOSED)


def _replace_queued(queue: asyncio.Queue[object], marker: object) -> None:
    """Drop what is queued (the subscriber will not see it) and leave only ``marker``."""
    while not queue.empty():
        queue.get_nowait()
    queue.put_nowait(marker)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Hub] = weakref.WeakKeyDictionary()


def _hub() -> _Hub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = _Hub(redis_url())
    return hub
