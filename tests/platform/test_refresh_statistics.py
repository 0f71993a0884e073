"""Refreshing planner statistics during bulk work: done, or given up without holding
the work up when the tables are busy."""

from __future__ import annotations

import time

from loyalnest.platform.db import plain_connection, refresh_statistics


async def test_the_tables_are_analyzed(broker: object) -> None:
    assert await refresh_statistics(("import_rows",)) is True
    async with plain_connection() as connection:
        assert await connection.fetchval("select reltuples >= 0 from pg_class where relname = 'import_rows'")


async def test_a_table_busy_with_a_vacuum_or_analyze_is_left_for_later(broker: object) -> None:
    # another session holds the lock a VACUUM or ANALYZE takes
    async with plain_connection() as holder, holder.transaction():
        await holder.execute("LOCK TABLE import_rows IN SHARE UPDATE EXCLUSIVE MODE")
        started = time.monotonic()
        assert await refresh_statistics(("import_rows",), lock_timeout_ms=200) is False
        assert time.monotonic() - started < 5
