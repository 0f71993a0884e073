"""The server settings every connection of the product runs with."""

from __future__ import annotations

from sqlalchemy import text

from loyalnest.platform.db import plain_connection, read_session


async def test_every_connection_runs_without_the_jit_compiler(broker: object) -> None:
    """JIT compiles on every execution of a plan estimated as costly: 400 ms instead of
    18 ms for the analytics real-time statement. Both kinds of connection turn it off."""
    async with read_session() as session:
        assert (await session.execute(text("SHOW jit"))).scalar_one() == "off"
    async with plain_connection() as connection:
        assert await connection.fetchval("SHOW jit") == "off"
