"""``loyalnest bench subscriptions``: one customer's balance change fanned out to N
graphql-transport-ws sockets (staff ``pointsBalanceChanged``) on ONE API process.

Opens the sockets (each with its own ``connection_init``, as N dashboards would), then
makes a few ``adjustPoints`` over HTTP and times, from each mutation's request, when
every socket has the event: "change to last socket" per change (p50/p99/max over the
changes; the target) and the per-socket delivery times. The clock starts at the request,
not the response: the event is published after commit, before the answer is written,
and the answer then waits behind the fan-out on the API's event loop, so the response
is no point to measure from (it is reported beside, as "the mutation answered").

Also how many sockets got each change, how much the API process's resident memory
grew per open socket (VmRSS, Linux), and the CPU time the API process and this client
spent per change (Linux): with everything on two shared cores, that says whether a slow
change was the API's work, the client's, or waiting for a core.

The client is a minimal WebSocket client on raw asyncio (no per-socket reader task, the
arrival time taken as bytes arrive): thousands of sockets in one process must cost it
little, or the bench would measure itself on the cores it shares with the API."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import resource
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from loyalnest.devtools.bench.latency import Latency
from loyalnest.devtools.bench.seeding import create_customers
from loyalnest.devtools.loadgen import loopback_address, percentile
from loyalnest.devtools.shopify_data import Catalog
from loyalnest.settings import Settings

SUBSCRIPTION = (
    "subscription ($id: ID!) { pointsBalanceChanged(customerId: $id) {"
    " customerId transactionId kind delta pointsBalance lifetimePoints } }"
)
ADJUST = (
    "mutation ($id: ID!, $delta: Int!) { adjustPoints(customerId: $id, delta: $delta,"
    ' reason: "bench") { customer { pointsBalance } userErrors { code message } } }'
)
# what the README states the target against
TARGET_P99_MS = 200.0
# how the API made each socket's frame of a change (its /metrics counters): executing
# the event, another socket's execution of it, or written directly by the pub/sub reader
FRAME_SOURCES = {
    "executed": "loyalnest_subscription_event_executions_total",
    "shared": "loyalnest_subscription_event_shared_total",
    "written directly": "loyalnest_subscription_direct_frames_total",
}
# descriptors besides the sockets: the database and Redis pools, logs, the HTTP client
_SPARE_FDS = 512


# --- a minimal graphql-transport-ws client ---------------------------------------------


def _frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (RFC 6455 5.3), FIN set."""
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        header = bytes((0x80 | opcode, 0x80 | n))
    elif n < 1 << 16:
        header = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    stream = (mask * (n // 4 + 1))[:n]
    masked = (int.from_bytes(payload, "little") ^ int.from_bytes(stream, "little")).to_bytes(n, "little")
    return header + mask + masked


class _Socket(asyncio.Protocol):
    """One graphql-transport-ws connection with one subscription. Every ``next`` is
    reported to ``on_event`` with the time its bytes arrived; anything else ends it."""

    def __init__(self, on_event: Callable[[dict[str, Any], float], None]):
        self.on_event = on_event
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.fragments: list[bytes] = []
        self.upgraded = False
        loop = asyncio.get_running_loop()
        self.upgrade: asyncio.Future[None] = loop.create_future()
        self.acknowledged: asyncio.Future[None] = loop.create_future()
        self.failure: str | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(f"connection lost ({exc})" if exc else "connection closed")

    def send(self, message: dict[str, Any]) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(_frame(0x1, orjson.dumps(message)))

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(_frame(0x8, (1000).to_bytes(2, "big")))
            self.transport.close()

    def _fail(self, reason: str) -> None:
        if self.failure is None:
            self.failure = reason
        for waiter in (self.upgrade, self.acknowledged):
            if not waiter.done():
                waiter.set_exception(ConnectionError(reason))

    def data_received(self, data: bytes) -> None:
        arrived = time.perf_counter()
        self.buffer += data
        if not self.upgraded:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end])
            del self.buffer[: end + 4]
            if not head.startswith(b"HTTP/1.1 101"):
                self._fail(head.split(b"\r\n", 1)[0].decode(errors="replace"))
                return
            self.upgraded = True
            self.upgrade.set_result(None)
        self._read_frames(arrived)

    def _read_frames(self, arrived: float) -> None:
        buffer = self.buffer
        pos = 0
        while len(buffer) - pos >= 2:
            first, second = buffer[pos], buffer[pos + 1]
            length, start = second & 0x7F, pos + 2
            if length == 126:
                if len(buffer) - pos < 4:
                    break
                length, start = int.from_bytes(buffer[pos + 2 : pos + 4], "big"), pos + 4
            elif length == 127:
                if len(buffer) - pos < 10:
                    break
                length, start = int.from_bytes(buffer[pos + 2 : pos + 10], "big"), pos + 10
            if len(buffer) - start < length:
                break
            payload = bytes(buffer[start : start + length])
            pos = start + length
            self._frame_received(first & 0x0F, bool(first & 0x80), payload, arrived)
        del buffer[:pos]

    def _frame_received(self, opcode: int, fin: bool, payload: bytes, arrived: float) -> None:
        if opcode == 0x9:  # ping: uvicorn closes sockets that do not answer
            if self.transport is not None and not self.transport.is_closing():
                self.transport.write(_frame(0xA, payload))
        elif opcode == 0x8:
            code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
            self._fail(f"closed by the server ({code} {payload[2:].decode(errors='replace')})")
            if self.transport is not None:
                self.transport.close()
        elif opcode in (0x0, 0x1):
            self.fragments.append(payload)
            if fin:
                message, self.fragments = b"".join(self.fragments), []
                self._message(orjson.loads(message), arrived)

    def _message(self, message: dict[str, Any], arrived: float) -> None:
        kind = message.get("type")
        if kind == "connection_ack":
            self.acknowledged.set_result(None)
        elif kind == "ping":
            self.send({"type": "pong"})
        elif kind == "next" and not message["payload"].get("errors"):
            self.on_event(message["payload"]["data"]["pointsBalanceChanged"], arrived)
        elif kind != "pong":
            self._fail(orjson.dumps(message).decode()[:300])


async def _open_socket(
    host: str, port: int, token: str, customer_gid: str, on_event: Callable[[dict[str, Any], float], None]
) -> _Socket:
    loop = asyncio.get_running_loop()
    _, socket = await loop.create_connection(lambda: _Socket(on_event), host, port)
    assert socket.transport is not None
    key = base64.b64encode(os.urandom(16)).decode()
    socket.transport.write(
        (
            f"GET /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
        ).encode()
    )
    await socket.upgrade
    socket.send({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    await socket.acknowledged
    socket.send(
        {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": SUBSCRIPTION, "variables": {"id": customer_gid}},
        }
    )
    return socket


# --- the bench ----------------------------------------------------------------------------


def raise_fd_limit(sockets: int) -> int:
    """Lift this process's soft descriptor limit to what ``sockets`` need (up to the hard
    limit); processes it starts afterwards (the API) inherit it. Returns the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = sockets + _SPARE_FDS
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raise RuntimeError(
            f"{sockets} sockets need {wanted} file descriptors; the hard limit is {hard} (ulimit -Hn)"
        )
    return soft


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time ``pid`` has used (/proc/<pid>/stat); None where /proc
    does not say."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        # the fields after the command name, which is in parentheses and may hold spaces
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return None


def rss_kib(pid: int) -> int | None:
    """Resident memory of ``pid`` (VmRSS) in KiB; None where /proc does not say."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


@dataclass
class _Change:
    """One adjustment: the balance its event carries and when each socket had it."""

    balance: int
    expected: int
    arrivals: list[float] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    sent: float = 0.0
    answered: float = 0.0


@dataclass
class SubscriptionBenchReport:
    sockets: int
    opened: int = 0
    open_seconds: float = 0.0
    refused: int = 0
    refusals: list[str] = field(default_factory=list)
    # per measured change: sockets that had it; seconds from the mutation's request to
    # the last socket; the mutation's own time (request to response)
    received: list[int] = field(default_factory=list)
    to_last: list[float] = field(default_factory=list)
    mutation: list[float] = field(default_factory=list)
    # CPU seconds over the measured changes (None where /proc does not say)
    api_cpu_seconds: float | None = None
    client_cpu_seconds: float | None = None
    # every (socket, change): seconds from the request
    deliveries: list[float] = field(default_factory=list)
    rss_before_kib: int | None = None
    rss_after_kib: int | None = None
    # FRAME_SOURCES over the measured changes (empty where /metrics did not say)
    frame_sources: dict[str, float] = field(default_factory=dict)
    setup: str = ""

    @property
    def missed(self) -> int:
        """Deliveries to open sockets that never came, over all measured changes."""
        return sum(self.opened - got for got in self.received)

    @property
    def to_last_latency(self) -> Latency:
        return _latency(self.to_last)

    @property
    def delivery_latency(self) -> Latency:
        return _latency(self.deliveries)

    @property
    def rss_per_socket_kib(self) -> float | None:
        if self.rss_before_kib is None or self.rss_after_kib is None or not self.opened:
            return None
        return (self.rss_after_kib - self.rss_before_kib) / self.opened

    def lines(self) -> list[str]:
        changes = len(self.received)
        out = [
            f"bench subscriptions: {self.sockets:,} graphql-transport-ws sockets on one API process,"
            f" pointsBalanceChanged of one customer, {changes} adjustPoints"
            + (f"; {self.setup}" if self.setup else ""),
            f"  opened        {self.opened:,}/{self.sockets:,} sockets in {self.open_seconds:.1f} s"
            f" (refused {self.refused})",
            f"  received      {', '.join(f'{n:,}' for n in self.received) or '-'} of {self.opened:,}"
            f" open sockets per change (missed {self.missed:,})",
            f"  change → last socket    {self.to_last_latency} (target p99 < {TARGET_P99_MS:.0f} ms)",
            f"  change → each socket    {self.delivery_latency}",
            f"  the mutation answered   {_latency(self.mutation)}",
        ]
        if changes and self.api_cpu_seconds is not None and self.client_cpu_seconds is not None:
            per_event = self.api_cpu_seconds / changes
            out.append(
                f"  CPU per change          API {per_event * 1000:,.1f} ms"
                f" ({per_event / max(self.opened, 1) * 1e6:,.1f} µs per socket),"
                f" this client {self.client_cpu_seconds / changes * 1000:,.1f} ms"
            )
        if changes and self.frame_sources:
            out.append(
                "  frames per change       "
                + ", ".join(f"{count / changes:,.0f} {how}" for how, count in self.frame_sources.items())
            )
        per_socket = self.rss_per_socket_kib
        if per_socket is not None and self.rss_before_kib is not None and self.rss_after_kib is not None:
            out.append(
                f"  API memory    VmRSS {self.rss_before_kib / 1024:,.1f} →"
                f" {self.rss_after_kib / 1024:,.1f} MiB: {per_socket:,.1f} KiB per socket"
            )
        out.extend(f"  refused: {reason}" for reason in self.refusals[:3])
        return out


async def frame_counters(http: httpx.AsyncClient) -> dict[str, float]:
    """The API's FRAME_SOURCES counters now (those it does not report are left out)."""
    with contextlib.suppress(httpx.HTTPError):
        names = set(FRAME_SOURCES.values())
        values: dict[str, float] = {}
        for line in (await http.get("/metrics")).text.splitlines():
            name, _, value = line.partition(" ")
            if name in names:
                values[name] = float(value)
        return {how: values[name] for how, name in FRAME_SOURCES.items() if name in values}
    return {}


def _latency(seconds: list[float]) -> Latency:
    return Latency(
        percentile(seconds, 0.50) * 1000, percentile(seconds, 0.99) * 1000, max(seconds, default=0.0) * 1000
    )


async def seed_customer(merchant_id: int) -> str:
    """One customer of the bench shop; its GraphQL id."""
    from loyalnest.graphql.core.ids import encode_id

    catalog = Catalog(1, id_base=8_000_000_000_000 + uuid.uuid4().int % 10**12)
    (customer_id,) = await create_customers(merchant_id, [catalog.customer()])
    return encode_id("Customer", customer_id)


async def run_subscription_bench(
    url: str,
    *,
    settings: Settings,
    merchant_id: int,
    shop_domain: str,
    sockets: int,
    changes: int = 10,
    api_pid: int | None = None,
    connect_concurrency: int = 100,
    timeout: float = 300.0,
    change_timeout: float = 10.0,
) -> SubscriptionBenchReport:
    from loyalnest.http.auth import mint_session_token

    raise_fd_limit(sockets)
    host, port = loopback_address(url)
    token = mint_session_token(settings, shop_domain, ttl_seconds=3600)
    customer = await seed_customer(merchant_id)
    report = SubscriptionBenchReport(sockets=sockets)
    waiting: dict[int, _Change] = {}

    def on_event(event: dict[str, Any], arrived: float) -> None:
        change = waiting.get(event["pointsBalance"])
        if change is not None:
            change.arrivals.append(arrived)
            if len(change.arrivals) >= change.expected:
                change.done.set()

    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        balance = 0

        async def make_change(expected: int) -> _Change:
            nonlocal balance
            change = waiting[balance + 1] = _Change(balance=balance + 1, expected=expected)
            change.sent = time.perf_counter()
            response = await http.post(
                "/graphql",
                json={"query": ADJUST, "variables": {"id": customer, "delta": 1}},
                headers={"Authorization": f"Bearer {token}"},
            )
            change.answered = time.perf_counter()
            result = response.json()
            payload = (result.get("data") or {}).get("adjustPoints") or {}
            if response.status_code != 200 or payload.get("userErrors") or not payload.get("customer"):
                raise RuntimeError(f"adjustPoints failed: HTTP {response.status_code} {result}")
            balance = payload["customer"]["pointsBalance"]
            if balance != change.balance:
                raise RuntimeError(
                    f"balance {balance}, expected {change.balance}: is something else adjusting?"
                )
            return change

        await make_change(0)  # the API's first mutation and publish, before measuring
        if api_pid is not None:
            report.rss_before_kib = rss_kib(api_pid)

        gate = asyncio.Semaphore(connect_concurrency)

        async def open_one() -> _Socket | str:
            async with gate:
                try:
                    return await asyncio.wait_for(_open_socket(host, port, token, customer, on_event), 60)
                except (OSError, ConnectionError, TimeoutError) as exc:
                    return f"{type(exc).__name__}: {exc}"

        started = time.perf_counter()
        opened = await asyncio.gather(*(open_one() for _ in range(sockets)))
        report.open_seconds = time.perf_counter() - started
        live = [s for s in opened if isinstance(s, _Socket)]
        report.refusals = [s for s in opened if isinstance(s, str)]
        try:
            # Subscriptions reach Redis some time after their subscribe message: keep
            # adjusting until one change reaches every socket still open.
            deadline = time.monotonic() + timeout
            while True:
                for socket in live:
                    if socket.failure is not None:
                        report.refusals.append(socket.failure)
                live = [s for s in live if s.failure is None]
                change = await make_change(len(live))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(change.done.wait(), 1.0)
                if change.done.is_set() or time.monotonic() > deadline:
                    break
            report.opened = len(live)
            report.refused = sockets - len(live)
            if api_pid is not None:
                report.rss_after_kib = rss_kib(api_pid)

            api_cpu = 0.0 if api_pid is not None else None
            client_cpu = 0.0
            counted = await frame_counters(http)
            for _ in range(changes):
                await asyncio.sleep(0.2)  # each change on its own, after the last settled
                api_before = cpu_seconds(api_pid) if api_pid is not None else None
                client_before = time.process_time()
                change = await make_change(len(live))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(change.done.wait(), change_timeout)
                client_cpu += time.process_time() - client_before
                api_after = cpu_seconds(api_pid) if api_pid is not None else None
                if api_cpu is not None and api_before is not None and api_after is not None:
                    api_cpu += api_after - api_before
                else:
                    api_cpu = None
                report.received.append(len(change.arrivals))
                report.mutation.append(change.answered - change.sent)
                report.deliveries.extend(t - change.sent for t in change.arrivals)
                # a change some socket never got took at least the time waited for it
                last = (
                    max(change.arrivals)
                    if len(change.arrivals) >= len(live)
                    else change.answered + change_timeout
                )
                report.to_last.append(last - change.sent)
            report.api_cpu_seconds = api_cpu
            report.client_cpu_seconds = client_cpu
            now = await frame_counters(http)
            report.frame_sources = {how: now[how] - counted[how] for how in now if how in counted}
        finally:
            for socket in live:
                socket.close()
    return report
