"""The Strawberry ASGI views: staff and storefront-token requests on /graphql (HTTP and
graphql-transport-ws), storefront app-proxy requests on /proxy/graphql."""

from __future__ import annotations

import contextlib
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from loyalnest.graphql.core.context import Context
from loyalnest.graphql.core.introspection import OPEN
from loyalnest.graphql.core.subscription_events import encoded_next
from loyalnest.graphql.core.ws_fanout import FanoutTransportWSHandler
from loyalnest.graphql.graphiql.page import graphiql_page
from loyalnest.http.auth import (
    BAD_REQUEST,
    FORBIDDEN,
    AuthError,
    app_proxy_customer,
    app_proxy_visitor,
    authenticate_customer_token,
    authenticate_session_token,
    client_address,
    verify_app_proxy_request,
)
from loyalnest.platform.metrics import GRAPHQL_REQUESTS
from loyalnest.settings import Settings

# the labelled children, looked up once (a labels() call per request is measurable)
_STAFF_REQUESTS = GRAPHQL_REQUESTS.labels(endpoint="graphql")
_PROXY_REQUESTS = GRAPHQL_REQUESTS.labels(endpoint="proxy")


def _bearer(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


MISSING_TOKEN = "missing Authorization: Bearer <session token>"

# What Shopify's app libraries answer for a session token that failed verification, so
# App Bridge fetches a fresh token and sends the request again.
RETRY_INVALID_SESSION_HEADER = "X-Shopify-Retry-Invalid-Session-Request"
_HTTP_STATUS = {FORBIDDEN: 403, BAD_REQUEST: 400}  # anything else: 401
# graphql-transport-ws close codes: 4401 makes graphql-ws clients stop and ask for a new
# credential; 4403 (a genuine credential that grants nothing) is retried
_WS_CLOSE = {FORBIDDEN: 4403}  # anything else: 4401


class _Refused(Exception):
    """Raised from get_context to answer with ``response`` before the body is read."""

    def __init__(self, response: Response):
        super().__init__(response.status_code)
        self.response = response


def _refusal(error: AuthError, *, session_token: bool = True) -> _Refused:
    """The answer to a request refused before its body is read. ``session_token``: the
    refused credential was a session token (App Bridge retries with a fresh one)."""
    status = _HTTP_STATUS.get(error.code, 401)
    headers: dict[str, str] = {}
    if status == 401 and session_token:
        headers = {"WWW-Authenticate": 'Bearer error="invalid_token"', RETRY_INVALID_SESSION_HEADER: "1"}
    # a GraphQL-over-HTTP request error: no "data", the reason in "errors"
    body = {"errors": [{"message": error.message, "extensions": {"code": error.code}}]}
    return _Refused(Response(orjson.dumps(body), status, headers, media_type="application/json"))


class _RefusingView:
    """Both views: a _Refused raised while building the context becomes its response."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)  # type: ignore[misc]
        except _Refused as refused:  # raised before anything was sent
            await refused.response(scope, receive, send)


class _ClosingWebSocket(ASGIWebSocketAdapter):
    """Strawberry closes every connection_init that on_ws_connect rejects with 4403;
    on_ws_connect leaves the code that fits on the socket's state (4401 for a missing or
    invalid credential), and this adapter closes with it."""

    async def close(self, code: int, reason: str) -> None:
        refusal = getattr(self.ws.state, "loyalnest_refusal", None)
        if code == 4403 and refusal is not None:
            code, reason = refusal
        await self.ws.close(code=code, reason=reason)


class _StrictJson:
    """JSON parsing for both views: orjson refuses what would only fail later, deep in a
    resolver or the database, as "Unexpected error." (lone UTF-16 surrogates, NaN,
    bytes that are not UTF-8); a body or ``variables`` that is not an object is a 400
    rather than a crash."""

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)  # orjson.JSONDecodeError is a json.JSONDecodeError

    def encode_json(self, data: object) -> str:
        # several times faster than json.dumps on a page of results (the values are
        # already serialised by the scalars, so it is the same JSON). A str, not bytes:
        # Strawberry sends bytes over WebSockets as binary frames, which graphql-ws
        # clients cannot read. A subscription result shared by many sockets is encoded once.
        return encoded_next(data) or orjson.dumps(data).decode()

    def parse_json(self, data: str | bytes) -> Any:
        value = super().parse_json(data)  # type: ignore[misc]
        if not isinstance(value, dict):
            raise HTTPException(400, "The request body (and variables) must be a JSON object")
        return value


class StaffGraphQL(_RefusingView, _StrictJson, GraphQL[Context, None]):
    """/graphql: Shopify session tokens (staff from App Bridge, customers from checkout and
    customer-account extensions); storefront customer tokens on WebSockets."""

    websocket_adapter_class = _ClosingWebSocket  # type: ignore[assignment]
    # shared subscription results written straight to the sockets (core/ws_fanout.py)
    graphql_transport_ws_handler_class = FanoutTransportWSHandler

    def __init__(self, schema: Any, settings: Settings):
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            # urql (and Apollo with useGETForQueries) send queries by GET: the same guards
            # apply, and GET never runs a mutation (Strawberry refuses one with 405)
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            keep_alive=True,
            keep_alive_interval=15,
            # importCustomers takes its file as a GraphQL multipart request (staff only:
            # the token is refused before the body is read; a bearer token, not a
            # cookie, so no other site can make a browser send one)
            multipart_uploads_enabled=True,
        )
        self.settings = settings

    async def render_graphql_ide(self, request: Request) -> Response:
        # our page, loading GraphiQL from the app's own files rather than unpkg
        return graphiql_page(request)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        context = Context(settings=self.settings, request=request)
        if isinstance(request, WebSocket):
            return context  # authenticated from connection_init, in on_ws_connect
        _STAFF_REQUESTS.inc()
        token = _bearer(request.headers.get("authorization"))
        if token is None:
            if request.method == "GET" and "query" not in request.query_params:
                return context  # the GraphiQL page (or a 400 for a GET without a query)
            if self.settings.introspection != OPEN:
                # nothing on /graphql answers a caller without a credential, so its
                # document is never parsed or validated (an anonymous client must not
                # be able to spend the process's CPU); with introspection open to
                # everyone, the schema is the one thing it may ask for
                missing = _refusal(AuthError(MISSING_TOKEN), session_token=False)
                missing.response.headers["WWW-Authenticate"] = "Bearer"
                raise missing
            context.auth_error = MISSING_TOKEN
            return context
        try:
            context.principal = await authenticate_session_token(token, self.settings)
        except AuthError as exc:
            # refused before the body is read or parsed: 401 (App Bridge retries with a
            # fresh token) or 403; a request without any token gets GraphQL errors instead
            raise _refusal(exc) from exc
        return context

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:  # type: ignore[override]
        params = context.connection_params or {}
        try:
            staff_token = _bearer(str(params.get("Authorization") or params.get("authorization") or ""))
            customer_token = params.get("customerToken")
            if staff_token:
                context.principal = await authenticate_session_token(staff_token, self.settings)
            elif isinstance(customer_token, str) and customer_token:
                context.principal = await authenticate_customer_token(customer_token, self.settings)
            else:
                raise AuthError("connection_init needs Authorization or customerToken")
        except AuthError as exc:
            # the reason is the refusal's message (ASCII; a close reason holds 123 bytes)
            context.request.state.loyalnest_refusal = (_WS_CLOSE.get(exc.code, 4401), exc.message[:120])
            raise ConnectionRejectionError({"message": exc.message}) from exc
        return None


class AppProxyGraphQL(_RefusingView, _StrictJson, GraphQL[Context, None]):
    """/proxy/graphql: requests Shopify's app proxy signed for a storefront customer.
    Only customer fields (``me``) resolve here; staff fields refuse the principal."""

    def __init__(self, schema: Any, settings: Settings):
        super().__init__(schema, graphql_ide=None, allow_queries_via_get=True, subscription_protocols=())
        self.settings = settings

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        _PROXY_REQUESTS.inc()
        context = Context(settings=self.settings, request=request)
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        try:
            verify_app_proxy_request(params, self.settings)
        except AuthError as exc:
            # not from Shopify's proxy (a bad or stale signature: 401) or parameters it
            # never sends (a signed query re-cut: 400): refused before the body is read,
            # so an unsigned caller cannot make the process parse or validate anything
            raise _refusal(exc, session_token=False) from exc
        try:
            context.principal = await app_proxy_customer(params)
        except AuthError as exc:
            # a storefront visitor who is not logged in still gets a GraphQL answer: the
            # fields that need a customer say why they refuse
            context.auth_error = exc.message
            if not (params.get("logged_in_customer_id") or [""])[0]:
                # nobody signed in, on a genuine request: an anonymous visitor, whom only
                # claimReferral accepts (the principal stays None for everything else)
                address = client_address(
                    request.headers.get("x-forwarded-for"), request.client.host if request.client else None
                )
                with contextlib.suppress(AuthError):  # a shop that is not ours: nobody
                    context.visitor = await app_proxy_visitor(params, self.settings, address=address)
        return context
