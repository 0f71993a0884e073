"""/health (the process answers), /ready (its dependencies answer), /metrics."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from loyalnest.migrations import head_revision
from loyalnest.platform import metrics
from loyalnest.platform.db import get_engine
from loyalnest.platform.redis import get_async_redis

CHECK_TIMEOUT_SECONDS = 2.0


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def _database_state() -> str:
    async with get_engine().connect() as connection:
        revision = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    if revision != head_revision():
        return f"migrations not at head (at {revision}, head {head_revision()})"
    return "ok"


async def _redis_state() -> str:
    await get_async_redis().ping()
    return "ok"


async def ready(request: Request) -> JSONResponse:
    checks: dict[str, str] = {}
    for name, check in (("database", _database_state), ("redis", _redis_state)):
        try:
            checks[name] = await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
        except Exception as exc:  # any failure means "not ready", with its reason
            checks[name] = f"unavailable: {type(exc).__name__}"
    ok = all(state == "ok" for state in checks.values())
    return JSONResponse(
        {"status": "ready" if ok else "not ready", "checks": checks}, status_code=200 if ok else 503
    )


async def metrics_endpoint(request: Request) -> Response:
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)
