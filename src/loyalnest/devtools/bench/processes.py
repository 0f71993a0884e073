"""What the bench runs against and starts: servers (embedded unless configured),
migrations, the API, worker and bare GraphQL processes (each dies with the bench),
and waiting until one serves; everything started is stopped on the way out."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from loyalnest.devtools.loadgen import LoadError, build_request, connect, loopback_address
from loyalnest.settings import Settings

STOP_TIMEOUT_SECONDS = 20.0


# --- processes -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """In a child: SIGTERM when the bench dies, so no server outlives it (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def spawn(args: Sequence[str], env: dict[str, str], *, stdout: int | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(list(args), env=env, stdout=stdout, preexec_fn=_die_with_parent)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_SECONDS)


async def wait_until_serving(
    url: str, path: str, *, timeout: float, process: subprocess.Popen[bytes]
) -> None:
    """Poll ``GET path`` until the server answers at all (or the process died, or time
    is up): any HTTP status below 500 means it is serving."""
    host, port = loopback_address(url)
    request = build_request("GET", path, port=port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{' '.join(map(str, process.args))} exited with {process.returncode}")  # type: ignore[arg-type]
        with contextlib.suppress(OSError, LoadError):
            connection = await connect(host, port)
            try:
                if (await connection.request(request, 2.0)).status < 500:
                    return
            finally:
                connection.close()
        await asyncio.sleep(0.1)
    raise RuntimeError(f"nothing answered on {url}{path} within {timeout:.0f} s")


@dataclass
class Stack:
    """Servers and processes the bench runs against."""

    database_url: str
    redis_url: str
    namespace: str
    env: dict[str, str]
    embedded: bool
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def process_trees(self) -> dict[str, int]:
        """Root pids of what this bench started, for CPU accounting."""
        labels = {"serve": "api", "worker": "worker", "loyalnest.devtools.bare_graphql": "bare-graphql"}
        trees: dict[str, int] = {}
        for process in self.processes:
            args = [str(a) for a in process.args]  # type: ignore[union-attr]
            label = next((labels[a] for a in args if a in labels), str(process.pid))
            trees[label] = process.pid
        return trees

    def describe(self) -> str:
        where = "embedded PostgreSQL/Redis" if self.embedded else "configured PostgreSQL/Redis"
        return f"{where}, 1 API process, 1 worker process"


@contextlib.contextmanager
def bench_stack(settings: Settings) -> Iterator[Stack]:
    """Servers (embedded unless configured), migrations, and this process configured
    for them; everything started here is stopped on the way out."""
    from loyalnest.migrations import upgrade_to_head
    from loyalnest.platform.embedded import ensure_servers
    from loyalnest.platform.runtime import configure_process
    from workers.broker import configure_broker

    database_url, redis_url, embedded = ensure_servers(
        database_url=settings.database_url, redis_url=settings.redis_url, data_dir=settings.data_dir
    )
    namespace = f"{settings.redis_namespace}-bench-{os.getpid()}"
    env = {
        **os.environ,
        "LOYALNEST_DATABASE_URL": database_url,
        "LOYALNEST_REDIS_URL": redis_url,
        "LOYALNEST_REDIS_NAMESPACE": namespace,
        "LOYALNEST_LOG_LEVEL": os.environ.get("LOYALNEST_LOG_LEVEL", "WARNING"),
        "LOYALNEST_WORKER_METRICS_PORT": "0",
        "LOYALNEST_WORKER_PROCESSES": "1",
    }
    stack = Stack(
        database_url=database_url,
        redis_url=redis_url,
        namespace=namespace,
        env=env,
        embedded=settings.database_url is None,
    )
    try:
        upgrade_to_head(database_url)
        configure_process(
            database_url=database_url,
            redis_url=redis_url,
            redis_namespace=namespace,
            pool_size=settings.db_pool_size,
            log_level="WARNING",
            log_format=settings.log_format,
        )
        configure_broker(redis_url, namespace=namespace)
        yield stack
    finally:
        for process in reversed(stack.processes):
            stop(process)
        _clear_namespace(redis_url, namespace)
        embedded.stop()


def _clear_namespace(redis_url: str, namespace: str) -> None:
    import redis

    with contextlib.suppress(Exception):
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{namespace}:*", count=1000):
            client.delete(key)
        client.close()


def start_api(stack: Stack, port: int) -> str:
    env = {**stack.env, "LOYALNEST_HOST": "127.0.0.1", "LOYALNEST_PORT": str(port)}
    stack.processes.append(spawn([sys.executable, "-m", "loyalnest", "serve"], env))
    return f"http://127.0.0.1:{port}"


def start_worker(stack: Stack) -> None:
    stack.processes.append(spawn([sys.executable, "-m", "loyalnest", "worker"], stack.env))


def start_bare_graphql(stack: Stack, port: int) -> str:
    stack.processes.append(
        spawn([sys.executable, "-m", "loyalnest.devtools.bare_graphql", str(port)], stack.env)
    )
    return f"http://127.0.0.1:{port}"
