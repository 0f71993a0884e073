"""The scheduler sends each periodic job once per period across every scheduler, and
the real worker runs what it sent."""

from __future__ import annotations

import asyncio
from typing import Any

from workers.scheduler import PeriodicJob, send_due_jobs

runs: list[str] = []


def _declare_probe(broker: Any, name: str) -> None:
    import dramatiq

    if name not in broker.get_declared_actors():

        def probe() -> None:
            runs.append(name)

        dramatiq.actor(probe, actor_name=name, queue_name="tests-periodic", broker=broker)


async def test_a_job_is_sent_once_per_period(broker: Any, drain: Any) -> None:
    job = PeriodicJob(actor_name="tests.periodic_probe", queue_name="tests-periodic", every_seconds=60)
    _declare_probe(broker, job.actor_name)
    assert await send_due_jobs([job]) == ["tests.periodic_probe"]
    # a second scheduler (or the next pass) within the period sends nothing
    assert await send_due_jobs([job]) == []
    await drain()
    assert runs.count("tests.periodic_probe") == 1


async def test_a_job_is_sent_again_once_its_period_has_passed(broker: Any, drain: Any) -> None:
    job = PeriodicJob(actor_name="tests.periodic_fast", queue_name="tests-periodic", every_seconds=0.2)
    _declare_probe(broker, job.actor_name)
    assert await send_due_jobs([job]) == ["tests.periodic_fast"]
    await asyncio.sleep(0.3)
    assert await send_due_jobs([job]) == ["tests.periodic_fast"]
    await drain()
    assert runs.count("tests.periodic_fast") == 2
