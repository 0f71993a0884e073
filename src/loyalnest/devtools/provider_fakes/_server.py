"""What the HTTP provider fakes share: a Starlette app under uvicorn on a loopback
port, run from a background thread (so a test's own loop stays free), restartable on
the same port (stop = "the provider is down", start again = "it is back"), and the
failure switches every provider fake offers."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

# The fake's generation when the current request began: a request still in flight
# across a ``reset()`` (a delayed one whose client timed out) records nothing.
_request_generation: ContextVar[int] = ContextVar("provider_fake_generation", default=-1)


@dataclass
class Fault:
    """One queued answer replacing the normal one: a status (with a JSON body and
    headers) or, when ``delay`` is set, only a delay before the normal handling."""

    status: int | None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class LoopbackHttpFake:
    """Base of ``KlaviyoFake`` and ``SmsFake``. Subclasses give ``routes()``; the
    switches (``fail_next``, ``throttle_next``, ``delay_next``) are consumed one per
    request, in order, before authentication (a provider's outage does not care who
    asks)."""

    name = "provider fake"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0):
        self.host = host
        self.port = port
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.generation = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.app = Starlette(routes=self.routes())

    def routes(self) -> list[Route]:
        """The provider's endpoints: each fake (Klaviyo, SMS) declares its own."""
        raise NotImplementedError("a fake declares its routes")

    # --- running ----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, *, timeout: float = 10.0) -> str:
        """Serve from a background thread (on the same port as before after a
        ``stop``); returns the base URL once it accepts."""
        if self._thread is not None:
            return self.base_url
        # proto given: asyncio sets TCP_NODELAY on accepted sockets only when proto is TCP
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(
                self.app,
                log_config=None,
                access_log=False,
                lifespan="off",
                loop="asyncio",
                timeout_graceful_shutdown=1,
            )
        )
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=self.name, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the {self.name} did not start")
            time.sleep(0.01)
        return self.base_url

    def stop(self) -> None:
        """Stop serving: connections to the port are refused until ``start``."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> Any:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- failure switches ---------------------------------------------------------------

    def fail_next(
        self, n: int = 1, *, status: int = 503, body: Any = None, retry_after: float | None = None
    ) -> None:
        """The next ``n`` requests answer ``status`` (default 503) with ``body`` (a
        provider-shaped error when omitted) and ``Retry-After`` when given."""
        headers = {"Retry-After": _seconds(retry_after)} if retry_after is not None else {}
        with self._lock:
            self._faults.extend(
                Fault(status, body if body is not None else self.error_body(status), dict(headers))
                for _ in range(n)
            )

    def throttle_next(self, n: int = 1, *, retry_after: float = 1) -> None:
        """The next ``n`` requests answer 429 with ``Retry-After``."""
        self.fail_next(n, status=429, retry_after=retry_after)

    def delay_next(self, n: int = 1, *, seconds: float) -> None:
        """The next ``n`` requests are answered normally after ``seconds`` (for
        timeouts)."""
        with self._lock:
            self._faults.extend(Fault(None, delay=seconds) for _ in range(n))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _new_generation(self) -> None:
        """Under the lock: requests begun before this call record nothing."""
        self.generation += 1
        self._faults.clear()

    def _stale(self) -> bool:
        """Under the lock: the current request began before the last reset."""
        return _request_generation.get() != self.generation

    def error_body(self, status: int) -> Any:
        """The provider's error document for ``status`` (subclasses shape it)."""
        return {"message": f"HTTP {status}", "status": status}

    async def take_fault(self) -> Response | None:
        """Apply the next queued fault: a response to send instead, or None (after
        sleeping when the fault is a delay) for normal handling. Every handler calls
        it first (it also stamps the request with the fake's generation)."""
        with self._lock:
            _request_generation.set(self.generation)
            fault = self._faults.pop(0) if self._faults else None
        if fault is None:
            return None
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.status is None:
            return None
        return json_response(fault.body, fault.status, headers=fault.headers)


def json_response(
    body: Any, status: int, *, headers: dict[str, str] | None = None, media_type: str = "application/json"
) -> Response:
    content = b"" if body is None else orjson.dumps(body)
    return Response(content, status_code=status, media_type=media_type, headers=headers)


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
