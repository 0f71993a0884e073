"""The in-transaction event bus and the unit of work's typed cache, on the real
database: handlers run inside the publisher's transaction and roll back with it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from loyalnest.platform import events
from loyalnest.platform.uow import CacheKey, UnitOfWork, unit_of_work


@dataclass(frozen=True, slots=True)
class _Pinged(events.Event):
    n: int


@dataclass(frozen=True, slots=True)
class _Ponged(events.Event):
    n: int


seen: list[tuple[str, tuple[int, ...]]] = []


@events.handles(_Pinged)
async def _first(uow: UnitOfWork, batch: Sequence[_Pinged]) -> None:
    seen.append(("first", tuple(e.n for e in batch)))
    # inside the publisher's transaction: what the handler writes commits with it
    await uow.session.execute(text("CREATE TEMP TABLE IF NOT EXISTS pinged (n int)"))
    await uow.session.execute(
        text("INSERT INTO pinged SELECT unnest(CAST(:ns AS int[]))"), {"ns": [e.n for e in batch]}
    )


@events.handles(_Pinged, _Ponged)
async def _second(uow: UnitOfWork, batch: Sequence[events.Event]) -> None:
    seen.append(("second", tuple(e.n for e in batch)))  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _clear(broker: object) -> None:  # broker: the process is configured, contexts loaded
    seen.clear()


async def test_handlers_get_each_run_of_one_type_as_a_batch_in_registration_order() -> None:
    async with unit_of_work() as uow:
        await uow.publish_events([_Pinged(1), _Pinged(2), _Ponged(3), _Pinged(4)])
        count = (await uow.session.execute(text("SELECT count(*) FROM pinged"))).scalar_one()
    assert seen == [
        ("first", (1, 2)),
        ("second", (1, 2)),
        ("second", (3,)),
        ("first", (4,)),
        ("second", (4,)),
    ]
    assert count == 3


async def test_a_failing_handler_rolls_back_the_publisher() -> None:
    class Boom(RuntimeError):
        pass

    @events.handles(_Ponged)
    async def explode(uow: UnitOfWork, batch: Sequence[_Ponged]) -> None:
        raise Boom

    async def create_and_publish() -> None:
        async with unit_of_work() as uow:
            await uow.session.execute(text("CREATE TABLE ponged_probe (n int)"))
            await uow.publish_events([_Ponged(1)])

    try:
        with pytest.raises(Boom):
            await create_and_publish()
        async with unit_of_work() as uow:
            exists = (await uow.session.execute(text("SELECT to_regclass('ponged_probe')"))).scalar_one()
        assert exists is None
    finally:
        events._handlers[_Ponged].remove(explode)


async def test_the_cache_loads_once_per_unit_of_work_and_scope() -> None:
    key: CacheKey[int] = CacheKey("tests.answer")
    loads: list[int] = []

    async def load(value: int) -> int:
        loads.append(value)
        return value

    async with unit_of_work() as uow:
        assert await uow.cached(key, 1, lambda: load(10)) == 10
        assert await uow.cached(key, 1, lambda: load(11)) == 10
        assert await uow.cached(key, 2, lambda: load(20)) == 20
        uow.forget(key, 1)
        assert await uow.cached(key, 1, lambda: load(12)) == 12
    async with unit_of_work() as uow:
        assert await uow.cached(key, 1, lambda: load(13)) == 13
    assert loads == [10, 20, 12, 13]
