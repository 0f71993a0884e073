"""Group commit: concurrent submissions share a write, each gets its own result, and
one bad row does not fail the rows batched with it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from loyalnest.platform.group_commit import GroupCommit


async def test_concurrent_rows_share_writes_and_get_their_own_results() -> None:
    writes: list[list[int]] = []
    after: list[list[tuple[int, int]]] = []

    async def write_many(rows: Sequence[int]) -> list[int]:
        writes.append(list(rows))
        await asyncio.sleep(0.01)
        return [row * 10 for row in rows]

    committer: GroupCommit[int, int] = GroupCommit(
        write_many, after_write=after.append, max_batch=50, max_in_flight=1
    )
    results = await asyncio.gather(*(committer.submit(n) for n in range(20)))
    assert results == [n * 10 for n in range(20)]
    assert len(writes) < 20  # batched: the first alone, the rest together
    assert sorted(n for batch in writes for n in batch) == list(range(20))
    assert sorted(pair for batch in after for pair in batch) == [(n, n * 10) for n in range(20)]


async def test_a_bad_row_fails_only_its_own_caller() -> None:
    async def write_many(rows: Sequence[int]) -> list[int]:
        if 13 in rows:
            raise ValueError("unlucky")
        return list(rows)

    committer: GroupCommit[int, int] = GroupCommit(write_many, max_batch=50, max_in_flight=1)
    results = await asyncio.gather(*(committer.submit(n) for n in (1, 13, 2)), return_exceptions=True)
    assert results[0] == 1
    assert results[2] == 2
    assert isinstance(results[1], ValueError)
