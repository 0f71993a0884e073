"""An import's lanes run all or none (applying._all_or_none): when one fails, the others
are stopped (their chunk's transaction rolls back) before the error is raised, and an
import stopped from outside (a time limit, a shutdown) stops every lane."""

from __future__ import annotations

import asyncio

import pytest

from loyalnest.contexts.imports import applying


class _Lane:
    """A lane that works until it is stopped, saying whether it was."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.stopped = False

    async def run(self) -> None:
        self.started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            self.stopped = True
            raise


async def test_a_failing_lane_stops_the_others_before_its_error_is_raised() -> None:
    busy = _Lane()

    async def failing() -> None:
        await busy.started.wait()
        raise RuntimeError("chunk failed")

    with pytest.raises(RuntimeError, match="chunk failed"):
        await asyncio.wait_for(applying._all_or_none([busy.run(), failing()]), 10)
    assert busy.stopped


async def test_an_import_stopped_from_outside_stops_every_lane() -> None:
    lanes = [_Lane(), _Lane()]
    running = asyncio.create_task(applying._all_or_none([lane.run() for lane in lanes]))
    for lane in lanes:
        await asyncio.wait_for(lane.started.wait(), 10)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert [lane.stopped for lane in lanes] == [True, True]


async def test_lanes_that_finish_finish_the_run() -> None:
    finished: list[int] = []

    async def lane(n: int) -> None:
        await asyncio.sleep(0.01 * n)
        finished.append(n)

    await asyncio.wait_for(applying._all_or_none([lane(2), lane(1)]), 10)
    assert finished == [1, 2]
