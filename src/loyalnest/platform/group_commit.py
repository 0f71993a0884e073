"""Group commit: many concurrent callers' rows written by one statement.

Rows arriving together are stored by one ``write_many`` call, so one commit (one WAL
flush) serves many callers. Each caller waits until the statement holding its row has
committed and ``after_write`` has run (e.g. the rows were handed to the broker): it is
stored before its caller answers. At most ``max_in_flight`` statements run at once; a
row arriving while they are all busy joins the next one. Under light load a row is
written at once, alone; under heavy load batches grow with the load.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

WriteMany = Callable[[Sequence[T]], Awaitable[list[R]]]
AfterWrite = Callable[[list[tuple[T, R]]], None]


class GroupCommit(Generic[T, R]):
    def __init__(
        self,
        write_many: WriteMany[T, R],
        *,
        after_write: AfterWrite[T, R] | None = None,
        max_batch: int,
        max_in_flight: int,
    ):
        self._write_many = write_many
        self._after_write = after_write
        self._max_batch = max_batch
        self._max_in_flight = max_in_flight
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._in_flight = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, row: T) -> R:
        """Write ``row`` (with whatever else is waiting) and return its result."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, future))
        if self._in_flight < self._max_in_flight:
            self._start()
        return await future

    def _start(self) -> None:
        batch = self._waiting[: self._max_batch]
        del self._waiting[: self._max_batch]
        self._in_flight += 1
        task = asyncio.create_task(self._write(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _write(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        released = False
        try:
            results = await self._store(batch)
            # the database part is done: let the next batch start while this one's
            # after-write step runs
            released = True
            self._release()
            written = [
                (row, result)
                for (row, _), result in zip(batch, results, strict=True)
                if not isinstance(result, BaseException)
            ]
            if written and self._after_write is not None:
                # after_write is synchronous (a broker client): off the event loop, so
                # the loop keeps serving requests meanwhile
                await asyncio.to_thread(self._after_write, written)
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():  # the caller went away; its row is stored all the same
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
        except BaseException as exc:
            for _, future in batch:
                if not future.done():
                    if isinstance(exc, asyncio.CancelledError):
                        future.cancel()
                    else:
                        future.set_exception(exc)
            raise
        finally:
            if not released:
                self._release()

    async def _store(self, batch: list[tuple[T, asyncio.Future[R]]]) -> list[R | BaseException]:
        try:
            return list(await self._write_many([row for row, _ in batch]))
        except Exception:
            # one bad row must not fail the rows it was batched with
            results: list[R | BaseException] = []
            for row, _ in batch:
                try:
                    [result] = await self._write_many([row])
                    results.append(result)
                except Exception as exc:
                    results.append(exc)
            return results

    def _release(self) -> None:
        self._in_flight -= 1
        if self._waiting and self._in_flight < self._max_in_flight:
            self._start()
