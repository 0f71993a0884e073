"""A lean HTTP/1.1 keep-alive load generator on raw asyncio protocols.

httpx spends more CPU per request than the server under test does, so a benchmark
driven by it measures the client. This one sends request bytes built (and signed)
before timing starts, over persistent connections, and parses only what it needs:
the status line, Content-Length (or chunked framing) and the body.

Loopback only: a benchmark is never pointed at someone else's server.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})


class LoadError(Exception):
    """The load generator could not do what it was asked (bad URL, server gone)."""


def loopback_address(url: str) -> tuple[str, int]:
    """(host, port) of an http:// URL on this machine; anything else is refused."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        raise LoadError(f"only http://127.0.0.1 targets are allowed, not {url!r}")
    return "127.0.0.1", parts.port or 80


def build_request(
    method: str, path: str, *, port: int, headers: Sequence[tuple[str, str]] = (), body: bytes = b""
) -> bytes:
    """The exact bytes of one HTTP/1.1 keep-alive request."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{name}: {value}" for name, value in headers]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@dataclass
class Response:
    status: int
    body: bytes


class _Connection(asyncio.Protocol):
    """One keep-alive connection; one request in flight at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._waiter: asyncio.Future[Response] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transport is not an asyncio.Transport subclass, but has its methods
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(LoadError(f"connection closed: {exc!r}"))

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._waiter is None or self._waiter.done():
            return
        try:
            response = self._parse()
        except LoadError as exc:
            self._waiter.set_exception(exc)
            return
        if response is not None:
            self._waiter.set_result(response)

    def _parse(self) -> Response | None:
        buffer = self._buffer
        head_end = buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return None
        head = bytes(buffer[:head_end]).lower()
        try:
            status = int(head[9:12])
        except ValueError as exc:
            raise LoadError(f"bad status line: {head[:40]!r}") from exc
        start = head_end + 4
        position = head.find(b"\r\ncontent-length:")
        if position >= 0:
            line_end = head.find(b"\r\n", position + 2)
            length = int(head[position + 17 : line_end if line_end >= 0 else len(head)])
            if len(buffer) < start + length:
                return None
            body = bytes(buffer[start : start + length])
            del buffer[: start + length]
            return Response(status, body)
        if b"\r\ntransfer-encoding: chunked" in head:
            return self._parse_chunked(status, start)
        raise LoadError("response without Content-Length or chunked framing")

    def _parse_chunked(self, status: int, start: int) -> Response | None:
        buffer = self._buffer
        body = bytearray()
        position = start
        while True:
            size_end = buffer.find(b"\r\n", position)
            if size_end < 0:
                return None
            size = int(bytes(buffer[position:size_end]).split(b";")[0], 16)
            chunk_start = size_end + 2
            if len(buffer) < chunk_start + size + 2:
                return None
            if size == 0:
                del buffer[: chunk_start + 2]
                return Response(status, bytes(body))
            body += buffer[chunk_start : chunk_start + size]
            position = chunk_start + size + 2

    async def request(self, data: bytes, timeout: float) -> Response:
        if self.closed or self.transport is None:
            raise LoadError("connection closed")
        loop = asyncio.get_running_loop()
        waiter = self._waiter = loop.create_future()
        # call_later rather than asyncio.wait_for: no extra task per request
        timer = loop.call_later(timeout, self._expire, waiter)
        self.transport.write(data)
        try:
            return await waiter
        finally:
            timer.cancel()

    @staticmethod
    def _expire(waiter: asyncio.Future[Response]) -> None:
        if not waiter.done():
            waiter.set_exception(LoadError("request timed out"))

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def connect(host: str, port: int) -> _Connection:
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(_Connection, host, port)
    return protocol


@dataclass
class LoadResult:
    """What a load run saw. Latencies are in seconds, in completion order."""

    sent: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    bodies: list[bytes | None] = field(default_factory=list)
    client_cpu_seconds: float = 0.0
    timed_out: bool = False

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def rate(self) -> float:
        return self.sent / self.elapsed if self.elapsed > 0 else 0.0

    def percentile(self, fraction: float) -> float:
        return percentile(self.latencies, fraction)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (0 < fraction <= 1); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


async def run_load(
    url: str,
    requests: Sequence[bytes | Sequence[bytes]],
    *,
    concurrency: int,
    timeout: float = 120.0,
    request_timeout: float = 30.0,
    keep_bodies: bool = False,
) -> LoadResult:
    """Send every request once over ``concurrency`` keep-alive connections, each
    sending its next request when the previous answer has arrived (closed loop).

    An item may be a sequence of requests: a chain, sent in order on one connection
    (e.g. a cancellation that must reach the server before its order). Bodies are kept
    in request order (flattened) when ``keep_bodies``. Stops at ``timeout`` seconds.
    """
    host, port = loopback_address(url)
    result = LoadResult()
    flat_index: list[int] = []
    total = 0
    for item in requests:
        flat_index.append(total)
        total += 1 if isinstance(item, bytes | bytearray) else len(item)
    if keep_bodies:
        result.bodies = [None] * total
    next_item = iter(range(len(requests)))
    deadline = time.monotonic() + timeout
    latencies = result.latencies
    statuses = result.statuses

    async def worker() -> None:
        connection: _Connection | None = None
        try:
            for index in next_item:
                if time.monotonic() > deadline:
                    result.timed_out = True
                    return
                item = requests[index]
                chain = [item] if isinstance(item, bytes | bytearray) else list(item)
                for offset, data in enumerate(chain):
                    if connection is None or connection.closed:
                        connection = await connect(host, port)
                    started = time.perf_counter()
                    result.sent += 1
                    try:
                        response = await connection.request(data, request_timeout)
                    except (LoadError, OSError):
                        result.errors += 1
                        if connection is not None:
                            connection.close()
                        connection = None
                        continue
                    latencies.append(time.perf_counter() - started)
                    statuses[response.status] = statuses.get(response.status, 0) + 1
                    if keep_bodies:
                        result.bodies[flat_index[index] + offset] = response.body
        finally:
            if connection is not None:
                connection.close()

    cpu_started = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(max(1, concurrency))))
    result.elapsed = time.perf_counter() - started
    result.client_cpu_seconds = time.process_time() - cpu_started
    return result
