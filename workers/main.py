"""Entry module for ``dramatiq workers.main`` (what ``loyalnest worker`` runs)."""

from __future__ import annotations

import asyncio
import gc

import uvloop

from loyalnest.platform.runtime import configure_process
from loyalnest.settings import get_settings
from workers.broker import configure_broker

settings = get_settings()
if settings.database_url is None or settings.redis_url is None:
    raise SystemExit(
        "workers need LOYALNEST_DATABASE_URL and LOYALNEST_REDIS_URL (loyalnest worker sets them)"
    )
configure_process(
    database_url=settings.database_url,
    redis_url=settings.redis_url,
    redis_namespace=settings.redis_namespace,
    pool_size=settings.db_pool_size,
    log_level=settings.log_level,
    log_format=settings.log_format,
)
broker = configure_broker(
    settings.redis_url, namespace=settings.redis_namespace, metrics_port=settings.worker_metrics_port
)

import workers.actors  # noqa: E402,F401  (declares the actors on the broker above)
from loyalnest.platform import startup  # noqa: E402

startup.run_warmers()

# The AsyncIO middleware creates its event loop when the worker boots, after this
# module is imported: make it a uvloop (as in the API process; asyncpg and redis I/O
# cost less on it).
asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
# Everything imported so far lives as long as the process: keep it out of the cyclic
# collector's full passes (each would walk ~100k objects, 50-100 ms on this hardware).
gc.collect()
gc.freeze()
