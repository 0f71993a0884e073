"""Process bootstrap shared by the API, the workers, the CLI and the tests."""

from __future__ import annotations

from loyalnest.platform import db, redis
from loyalnest.platform.logs import configure_logging


def configure_process(
    *,
    database_url: str,
    redis_url: str,
    redis_namespace: str = "loyalnest",
    pool_size: int = 10,
    log_level: str = "INFO",
    log_format: str = "json",
) -> None:
    configure_logging(log_level, log_format)
    db.configure(database_url, pool_size=pool_size)
    redis.configure(redis_url, namespace=redis_namespace)
