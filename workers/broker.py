"""Broker setup. Senders (API, outbox) only need the broker; worker processes also
get the Prometheus exporter. Set the broker before importing actor modules: actors
bind to the broker that is current when they are declared."""

from __future__ import annotations

import logging
import os
import socket

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import (
    AgeLimit,
    AsyncIO,
    Callbacks,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

# Retries: 1 s, 2 s, 4 s... up to 5 min between tries, 12 tries (about 40 min in all),
# enough to ride out a database failover or a deploy.
RETRY_MIN_BACKOFF_MS = 1_000
RETRY_MAX_BACKOFF_MS = 300_000
MAX_RETRIES = 12
TIME_LIMIT_MS = 120_000


log = logging.getLogger(__name__)


def _port_free(port: int) -> bool:
    host = os.environ.get("dramatiq_prom_host", "127.0.0.1")  # noqa: SIM112 (dramatiq's own name)
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def configure_broker(redis_url: str, *, namespace: str = "loyalnest", metrics_port: int = 0) -> RedisBroker:
    middleware: list[dramatiq.Middleware] = [
        AgeLimit(),
        TimeLimit(time_limit=TIME_LIMIT_MS),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(max_retries=MAX_RETRIES, min_backoff=RETRY_MIN_BACKOFF_MS, max_backoff=RETRY_MAX_BACKOFF_MS),
        AsyncIO(),
    ]
    if metrics_port and not _port_free(metrics_port):
        # another process (often a second `loyalnest worker`) holds it: run without metrics
        # rather than let the exporter's fork die with a traceback
        log.warning(
            "worker metrics port %s is in use: Prometheus metrics are off for this worker "
            "(set LOYALNEST_WORKER_METRICS_PORT to a free port, or 0)",
            metrics_port,
        )
        metrics_port = 0
    if metrics_port:
        # The exporter reads its port from the environment at import time.
        os.environ.setdefault("dramatiq_prom_port", str(metrics_port))
        os.environ.setdefault("dramatiq_prom_host", "127.0.0.1")
        from dramatiq.middleware.prometheus import Prometheus

        middleware.insert(0, Prometheus())
    broker = RedisBroker(url=redis_url, middleware=middleware, namespace=f"{namespace}:dramatiq")
    dramatiq.set_broker(broker)
    return broker
