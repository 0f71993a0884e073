"""``ShopifyFake``: the fake's HTTP server (Starlette under uvicorn, on loopback),
from a background thread for tests or in the foreground for the CLI."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from loyalnest.devtools.shopify_fake.execution import FakeExecution


class ShopifyFake(FakeExecution):
    """The fake Admin API server. Thread-safe: the server thread and the test share it."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, auto_register: bool = False):
        super().__init__(auto_register=auto_register)
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.app = Starlette(
            routes=[
                Route("/{shop}/admin/api/{version}/graphql.json", self._graphql_endpoint, methods=["POST"]),
                Route("/__fake__/state", self._state_endpoint, methods=["GET"]),
                Route("/__fake__/bulk/{shop}/{number:int}.jsonl", self._bulk_endpoint, methods=["GET"]),
                Route(
                    "/__fake__/shops/{shop}/discount-codes/{code}/use",
                    self._use_code_endpoint,
                    methods=["POST"],
                ),
            ]
        )

    # --- running ----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What ``LOYALNEST_SHOPIFY_ADMIN_BASE_URL`` should be (the shop is appended)."""
        return f"http://{self.host}:{self.port}"

    def _public_base(self) -> str:
        return self.base_url

    def _bind(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        return sock

    def _config(self) -> uvicorn.Config:
        return uvicorn.Config(
            self.app,
            log_config=None,
            access_log=False,
            lifespan="off",
            loop="asyncio",
            timeout_graceful_shutdown=1,
        )

    def start(self, *, timeout: float = 10.0) -> str:
        """Serve from a background thread; returns the base URL once it accepts."""
        if self._thread is not None:
            return self.base_url
        sock = self._bind()
        self._server = uvicorn.Server(self._config())
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="shopify-fake", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Shopify fake did not start")
            time.sleep(0.01)
        return self.base_url

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def serve_forever(self, on_bound: Callable[[str], None] | None = None) -> None:
        """Serve in this thread until interrupted (the CLI); ``on_bound`` gets the base
        URL once the port is bound."""
        sock = self._bind()
        if on_bound is not None:
            on_bound(self.base_url)
        uvicorn.Server(self._config()).run(sockets=[sock])

    def __enter__(self) -> ShopifyFake:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- HTTP ---------------------------------------------------------------------------

    async def _graphql_endpoint(self, request: Request) -> Response:
        body = await request.body()
        with self._lock:
            answer = self._answer(
                request.path_params["shop"],
                request.path_params["version"],
                request.headers.get("x-shopify-access-token"),
                body,
            )
        if answer.delay > 0:
            await asyncio.sleep(answer.delay)
        return Response(
            orjson.dumps(answer.body),
            status_code=answer.status,
            media_type="application/json",
            headers=answer.headers,
        )

    async def _state_endpoint(self, request: Request) -> Response:
        with self._lock:
            state = {
                "shops": {
                    domain: {
                        "plan": shop.plan,
                        "maximumAvailable": shop.maximum,
                        "restoreRate": shop.restore_rate,
                        "discountCodes": {
                            d.code: {"id": d.gid, "type": d.typename, "usageCount": d.usage_count}
                            for d in shop.discounts.values()
                        },
                    }
                    for domain, shop in self._shops.items()
                },
                "requests": len(self._requests),
                "throttled": sum(1 for r in self._requests if r.outcome == "throttled"),
            }
        return Response(orjson.dumps(state), media_type="application/json")

    async def _bulk_endpoint(self, request: Request) -> Response:
        """A bulk operation's JSONL, as the signed storage URL Shopify hands out serves
        it (no access token; streamed in chunks of lines)."""
        lines = self.bulk_download(request.path_params["shop"], request.path_params["number"])
        if lines is None:
            return Response(b"Not Found", status_code=404, media_type="text/plain")

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(lines), 50):
                yield b"".join(lines[start : start + 50])

        return StreamingResponse(chunks(), media_type="application/jsonl")

    async def _use_code_endpoint(self, request: Request) -> Response:
        try:
            discount = self.mark_code_used(request.path_params["shop"], request.path_params["code"])
        except KeyError:
            return Response(
                orjson.dumps({"errors": "Not Found"}), status_code=404, media_type="application/json"
            )
        return Response(
            orjson.dumps({"code": discount.code, "usageCount": discount.usage_count}),
            media_type="application/json",
        )
