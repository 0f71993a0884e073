"""The Strawberry ASGI views: staff and storefront-token requests on /graphql (HTTP and
graphql-transport-ws), storefront app-proxy requests on /proxy/graphql."""

from __future__ import annotations

from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from loyalnest.graphql.core.context import Context
from loyalnest.http.auth import (
    AuthError,
    authenticate_app_proxy,
    authenticate_customer_token,
    authenticate_staff,
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
        # clients cannot read.
        return orjson.dumps(data).decode()

    def parse_json(self, data: str | bytes) -> Any:
        value = super().parse_json(data)  # type: ignore[misc]
        if not isinstance(value, dict):
            raise HTTPException(400, "The request body (and variables) must be a JSON object")
        return value


class StaffGraphQL(_StrictJson, GraphQL[Context, None]):
    """/graphql: staff session tokens; storefront customer tokens on WebSockets."""

    def __init__(self, schema: Any, settings: Settings):
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            keep_alive=True,
            keep_alive_interval=15,
        )
        self.settings = settings

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        context = Context(settings=self.settings, request=request)
        if isinstance(request, WebSocket):
            return context  # authenticated from connection_init, in on_ws_connect
        _STAFF_REQUESTS.inc()
        token = _bearer(request.headers.get("authorization"))
        if token is None:
            context.auth_error = "missing Authorization: Bearer <session token>"
            return context
        try:
            context.principal = await authenticate_staff(token, self.settings)
        except AuthError as exc:
            context.auth_error = exc.message
        return context

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:  # type: ignore[override]
        params = context.connection_params or {}
        try:
            staff_token = _bearer(str(params.get("Authorization") or params.get("authorization") or ""))
            customer_token = params.get("customerToken")
            if staff_token:
                context.principal = await authenticate_staff(staff_token, self.settings)
            elif isinstance(customer_token, str) and customer_token:
                context.principal = await authenticate_customer_token(customer_token, self.settings)
            else:
                raise AuthError("connection_init needs Authorization or customerToken")
        except AuthError as exc:
            raise ConnectionRejectionError({"message": exc.message}) from exc
        return None


class AppProxyGraphQL(_StrictJson, GraphQL[Context, None]):
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
            context.principal = await authenticate_app_proxy(params, self.settings)
        except AuthError as exc:
            context.auth_error = exc.message
        return context
