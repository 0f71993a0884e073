"""Starlette application factory: routes, lifespan, the one GraphQL schema."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute

from loyalnest import contexts
from loyalnest.graphql.core.view import AppProxyGraphQL, StaffGraphQL
from loyalnest.graphql.schema import build_schema
from loyalnest.http.health import health, metrics_endpoint, ready
from loyalnest.http.reviews import review_webhook
from loyalnest.http.webhooks import shopify_webhook
from loyalnest.platform.db import dispose_engine
from loyalnest.platform.redis import close_async_redis
from loyalnest.settings import Settings, get_settings


def server_config(app: Any, *, host: str, port: int) -> uvicorn.Config:
    """How every LoyalNest API process is served (``loyalnest serve``/``run`` and the
    bench's bare-Strawberry baseline, which must run on identical server settings)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        log_config=None,
        access_log=False,
        ws="websockets-sansio",
        timeout_graceful_shutdown=5,
    )


def create_app(settings: Settings | None = None) -> Starlette:
    """The ASGI app. The process must be configured first (``platform.runtime`` and
    ``workers.broker``): ``loyalnest serve`` and the test fixtures do that."""
    settings = settings or get_settings()
    contexts.load()
    schema = build_schema(settings)
    staff_graphql = StaffGraphQL(schema, settings)
    proxy_graphql = AppProxyGraphQL(schema, settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Everything built by now (schema, ORM metadata, modules) lives as long as the
        # process: freezing it keeps full collections (50-110 ms over ~130,000 startup
        # objects, measured) from walking it, which is where the p99 spikes came from.
        gc.collect()
        gc.freeze()
        yield
        await close_async_redis()
        await dispose_engine()

    app = Starlette(
        routes=[
            Route("/graphql", staff_graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", staff_graphql),
            Route("/proxy/graphql", proxy_graphql, methods=["GET", "POST"]),
            Route("/webhooks/shopify", shopify_webhook, methods=["POST"]),
            Route("/webhooks/reviews/{provider}", review_webhook, methods=["POST"]),
            Route("/health", health),
            Route("/ready", ready),
            Route("/metrics", metrics_endpoint),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app
