"""Planner statistics kept fresh while an import fills tables.

PostgreSQL plans each statement from statistics of the tables it reads, gathered by
``ANALYZE`` (``autovacuum`` runs it, late, where it is on). An import grows tables from
a few rows to a million in minutes: planned from statistics taken when they were nearly
empty, a chunk's lookup of thousands of keys read every row staged so far, or every
customer of the shop, once per chunk (quadratic: two of the three and a half minutes a
million rows' validation took). So the tables are analyzed each time the rows written
double: after 1, 2, 4, 8... chunks, a few times per import, each costing a sample of
the table (30,000 rows), not a read of it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from loyalnest.contexts.imports import rules


class Growth:
    """Calls ``refresh`` when the rows written reach 1, 2, 4... chunks (once each, however
    many lanes report)."""

    def __init__(self, refresh: Callable[[], Awaitable[None]]) -> None:
        self._refresh = refresh
        self._next = rules.CHUNK_ROWS
        self._lock = asyncio.Lock()

    async def reached(self, rows: int) -> None:
        if rows < self._next:
            return
        async with self._lock:
            if rows < self._next:
                return
            while self._next <= rows:
                self._next *= 2
            await self._refresh()
