"""A second LoyalNest API server for tests that need settings the session's server does
not have (CORS origins, short timeouts): the real app, served as ``loyalnest serve``
serves it (``app.server_config``), on its own loopback port, in the test loop."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import uvicorn


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def serving(settings: Any, **overrides: Any) -> AsyncIterator[tuple[str, int]]:
    """(base URL, port) of the app built with ``settings`` plus ``overrides``."""
    from loyalnest.app import create_app, server_config

    changed = settings.model_copy(update=overrides)
    port = _free_port()
    config = server_config(create_app(changed), host="127.0.0.1", port=port)
    # the session's server owns the engine and Redis pool: this one must not close them
    config.lifespan = "off"
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", port
    finally:
        server.should_exit = True
        await task


class RawConnection:
    """A client that writes exactly the bytes it is given, when it is told to: for
    requests no HTTP library would send (unfinished headers, short bodies)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> RawConnection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def answer(self, timeout: float) -> bytes:
        """Everything the server sends until it closes the connection; raises
        TimeoutError if it is still open after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            return await self.reader.read(-1)

    async def trickle(self, pieces: Iterable[bytes], interval: float) -> bytes:
        """Send ``pieces`` one every ``interval`` seconds, watching for an answer in
        between (read before each write, so the answer is not lost to a write into a
        connection the server already closed). Returns the answer, or b"" if every
        piece was sent and none came."""
        for piece in pieces:
            try:
                answer = await asyncio.wait_for(self.reader.read(65536), interval)
            except TimeoutError:
                await self.send(piece)
                continue
            return answer + await self.answer(timeout=5)
        return b""

    async def close(self) -> None:
        try:
            self.writer.close()
            await self.writer.wait_closed()
        except ConnectionError:
            pass  # the server closed it first, as it should have


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
