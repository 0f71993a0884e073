"""Deleting old rows a bounded batch at a time (the privacy context's retention pass
asks each context to delete its own; the statement's shape is the same everywhere).

It works across every shop at once: housekeeping by age, not a tenant's read or write
(the same limits hold for every shop until they become per-shop settings).

Rows are taken by ``ctid``, the first ``limit`` matching in the table's physical order:
append-mostly tables keep their oldest rows at the front, so each batch finds them
early; a batch is one statement of the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection


async def delete_older(
    session: AsyncSession, table: str, predicate: str, cutoff: datetime, *, limit: int
) -> int:
    """Delete up to ``limit`` rows of ``table`` where ``predicate`` holds (a code
    constant; ``$1`` is ``cutoff``); returns how many went."""
    connection = await driver_connection(session)
    status = await connection.execute(
        f"DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} WHERE {predicate} LIMIT $2))",
        cutoff,
        limit,
    )
    return int(status.rsplit(" ", 1)[-1])


async def count_older(session: AsyncSession, table: str, predicate: str, cutoff: datetime) -> int:
    """How many rows ``delete_older`` would delete, in all."""
    connection = await driver_connection(session)
    return int(await connection.fetchval(f"SELECT count(*) FROM {table} WHERE {predicate}", cutoff))
