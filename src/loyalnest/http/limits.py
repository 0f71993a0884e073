"""Request body limits for every HTTP route, as one ASGI middleware: a size cap (413)
and a deadline for the whole body (408).

The size cap is enforced before the route sees anything: a Content-Length over the cap
is refused at once, without reading a byte of the body (and without the "100 Continue"
a client waits for before sending it); a chunked or lying body is counted as it is read
and cut at the cap. Without it Strawberry buffers whatever arrives (a 200 MB body was
read whole). The review webhook route caps its own body with ``webhook_max_body_bytes``
and counts refusals in its metrics, so it is left to it; the Shopify webhook route is
served ahead of this middleware and keeps both the cap and the deadline itself
(http/webhooks.py).

The deadline bounds a client that sends its body slowly or never finishes it (a body
shorter than its Content-Length held a connection for minutes). It runs from the end of
the headers (uvicorn hands the request over then; http/connection.py bounds the headers
themselves) to the last byte of the body. Once the body is in, later ``receive()`` calls
(Starlette waiting for a disconnect) are passed through untouched.

Both answers close the connection: the rest of an unread body must not be parsed as the
next request.
"""

from __future__ import annotations

import asyncio

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Routes that cap their own body (http.webhooks.read_capped, or the Shopify route's own).
SELF_CAPPED_PREFIXES = ("/webhooks/",)
GRAPHQL_PATHS = frozenset({"/graphql", "/proxy/graphql"})
# Bodies that are files: an import's file at its upload link (2 GB, and the route counts
# again as it writes), a GraphQL multipart request carrying one (50 MB, plus the
# operations part). A file takes longer than a request to arrive, so their deadline is
# per piece (the body must keep coming), not for the whole body.
UPLOAD_PREFIX = "/imports/uploads/"
UPLOAD_MAX_BYTES = 2 * 1024 * 1024 * 1024 + 64 * 1024
MULTIPART_MAX_BYTES = 51 * 1024 * 1024


class _BodyRefused(Exception):
    status = 400
    code = "BAD_REQUEST"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BodyTooLarge(_BodyRefused):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


class BodyTimeout(_BodyRefused):
    status = 408
    code = "REQUEST_TIMEOUT"


def _multipart(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return value.lower().startswith(b"multipart/form-data")
    return False


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _refuse(scope: Scope, send: Send, refusal: _BodyRefused) -> None:
    # GraphQL clients (Apollo, urql) look for "errors" in any answer; the webhook routes
    # answer {"error": ...} as they do for their own refusals.
    if scope["path"] in GRAPHQL_PATHS:
        payload: object = {"errors": [{"message": refusal.message, "extensions": {"code": refusal.code}}]}
    else:
        payload = {"error": refusal.message}
    body = orjson.dumps(payload)
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


class BodyLimits:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, body_timeout_seconds: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout_seconds = body_timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit: int | None = None if path.startswith(SELF_CAPPED_PREFIXES) else self.max_body_bytes
        per_piece = False
        if path.startswith(UPLOAD_PREFIX):
            limit, per_piece = UPLOAD_MAX_BYTES, True
        elif path == "/graphql" and _multipart(scope):
            limit, per_piece = MULTIPART_MAX_BYTES, True
        declared = _declared_length(scope)
        if limit is not None and declared is not None and declared > limit:
            await _refuse(scope, send, BodyTooLarge(f"request body larger than {limit} bytes"))
            return

        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_timeout_seconds
        received = 0
        body_done = False
        response_started = False

        async def guarded_receive() -> Message:
            nonlocal received, body_done, deadline
            if body_done:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise BodyTimeout(
                    f"request body not received within {self.body_timeout_seconds:g} seconds"
                ) from None
            if message["type"] != "http.request":
                body_done = True  # disconnected: nothing more will come
                return message
            received += len(message.get("body", b""))
            if per_piece:
                deadline = loop.time() + self.body_timeout_seconds
            if limit is not None and received > limit:
                raise BodyTooLarge(f"request body larger than {limit} bytes")
            body_done = not message.get("more_body", False)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, guarded_receive, tracking_send)
        except _BodyRefused as refusal:
            if response_started:  # too late for an answer; uvicorn closes the connection
                raise
            await _refuse(scope, send, refusal)
