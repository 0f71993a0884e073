"""The statistics of the tables an import fills are refreshed as they double."""

from __future__ import annotations

import asyncio

from loyalnest.contexts.imports import rules
from loyalnest.contexts.imports.growth import Growth


async def test_refreshed_when_the_rows_reach_one_two_four_chunks_once_each() -> None:
    refreshed: list[int] = []
    written = 0

    async def refresh() -> None:
        refreshed.append(written)
        await asyncio.sleep(0)

    growth = Growth(refresh)
    chunk = rules.CHUNK_ROWS
    for rows in (chunk - 1, chunk, chunk + 1, 2 * chunk, 3 * chunk, 4 * chunk - 1, 4 * chunk, 9 * chunk):
        written = rows
        await growth.reached(rows)
    assert refreshed == [chunk, 2 * chunk, 4 * chunk, 9 * chunk]


async def test_lanes_reporting_at_once_refresh_once() -> None:
    calls = 0

    async def refresh() -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)

    growth = Growth(refresh)
    await asyncio.gather(*(growth.reached(rules.CHUNK_ROWS + n) for n in range(5)))
    assert calls == 1
