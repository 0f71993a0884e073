"""Starlette application factory: routes, lifespan, the one GraphQL schema."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp

from loyalnest import contexts
from loyalnest.contexts.merchants import api as merchants
from loyalnest.graphql.core.view import AppProxyGraphQL, StaffGraphQL
from loyalnest.graphql.graphiql.assets import graphiql_routes
from loyalnest.graphql.schema import build_schema
from loyalnest.http.analytics import segment_export_download_route
from loyalnest.http.connection import guarded_http_protocol
from loyalnest.http.cors import cors_middleware
from loyalnest.http.exports import customer_export_download_route
from loyalnest.http.health import health, metrics_endpoint, ready
from loyalnest.http.imports import error_report_route, upload_route
from loyalnest.http.limits import BodyLimits
from loyalnest.http.notifications import unsubscribe_page
from loyalnest.http.privacy import confirm_route, export_download_route
from loyalnest.http.referrals import referral_link, serve_referral_links_first
from loyalnest.http.reviews import review_webhook
from loyalnest.http.security_headers import SecurityHeaders
from loyalnest.http.webhooks import serve_shopify_webhooks_first, shopify_webhook
from loyalnest.platform import pubsub, startup
from loyalnest.platform.db import dispose_engine
from loyalnest.platform.redis import close_async_redis
from loyalnest.settings import Settings, get_settings


def server_config(app: Any, *, host: str, port: int, settings: Settings | None = None) -> uvicorn.Config:
    """How every LoyalNest API process is served (``loyalnest serve``/``run``, the Docker
    image's ``loyalnest serve``, and the bench's bare-Strawberry baseline, which must run
    on identical server settings)."""
    # the app's own settings when it is ours; the environment's for the bare baseline
    settings = settings or getattr(getattr(app, "state", None), "settings", None) or get_settings()
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop",
        # httptools, with a deadline and a size cap on request headers (http/connection.py)
        http=guarded_http_protocol(settings.http_header_timeout_seconds),
        timeout_keep_alive=settings.http_keep_alive_seconds,
        log_config=None,
        access_log=False,
        ws="websockets-sansio",
        # a graphql-transport-ws message carries one operation: the same cap as a POST
        ws_max_size=settings.graphql_max_body_bytes,
        timeout_graceful_shutdown=5,
    )


class _App(Starlette):
    def build_middleware_stack(self) -> ASGIApp:
        # Outside Starlette's ServerErrorMiddleware, so its 500 answers carry them too;
        # Shopify webhooks and referral links skip the stack inside (http/webhooks.py,
        # http/referrals.py say why).
        inner = super().build_middleware_stack()
        return SecurityHeaders(serve_referral_links_first(serve_shopify_webhooks_first(inner)))


def create_app(settings: Settings | None = None) -> Starlette:
    """The ASGI app. The process must be configured first (``platform.runtime`` and
    ``workers.broker``): ``loyalnest serve`` and the test fixtures do that."""
    settings = settings or get_settings()
    pubsub.configure(queue_size=settings.pubsub_subscriber_queue)
    contexts.load()
    schema = build_schema(settings)
    staff_graphql = StaffGraphQL(schema, settings)
    proxy_graphql = AppProxyGraphQL(schema, settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        startup.run_warmers()
        # Everything built by now (schema, ORM metadata, modules) lives as long as the
        # process: freezing it keeps full collections (50-110 ms over ~130,000 startup
        # objects, measured) from walking it, which is where the p99 spikes came from.
        gc.collect()
        gc.freeze()
        # shops installed again, uninstalled or deleted: forgotten by this process at once
        following = asyncio.create_task(merchants.follow_shop_changes(), name="merchants.follow_shop_changes")
        yield
        following.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await following
        await pubsub.close()
        await close_async_redis()
        await dispose_engine()

    middleware = [
        cors_middleware(settings),
        # inside CORS, so a browser can read its 413/408 answers
        Middleware(
            BodyLimits,
            max_body_bytes=settings.graphql_max_body_bytes,
            body_timeout_seconds=settings.http_body_timeout_seconds,
        ),
    ]
    app = _App(
        middleware=[m for m in middleware if m is not None],
        routes=[
            Route("/graphql", staff_graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", staff_graphql),
            Route("/proxy/graphql", proxy_graphql, methods=["GET", "POST"]),
            Route("/proxy/r/{code}", referral_link, methods=["GET"]),
            Route("/webhooks/shopify", shopify_webhook, methods=["POST"]),
            Route("/webhooks/reviews/{provider}", review_webhook, methods=["POST"]),
            Route("/notifications/unsubscribe", unsubscribe_page, methods=["GET", "POST"]),
            segment_export_download_route,
            export_download_route,
            confirm_route,
            upload_route,
            error_report_route,
            customer_export_download_route,
            Route("/health", health),
            Route("/ready", ready),
            Route("/metrics", metrics_endpoint),
            # GraphiQL's scripts and styles, served here rather than from a CDN
            *(graphiql_routes() if settings.graphiql else []),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
