"""Periodic jobs: re-send what never reached the broker, and start the recurring
actors (declared by each context with ``@jobs.periodic``: expiry, pending points,
birthdays, ...).

Runs as its own small loop (``loyalnest scheduler``, or beside the workers in
``loyalnest worker``). Redis locks let several run without doubling the work: each
job is sent at most once per its period across the fleet. The actors themselves are
idempotent and work on "what is due now", so a pass sent twice or late is harmless.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from loyalnest import contexts
from loyalnest.platform import jobs, outbox, queue
from loyalnest.platform.jobs import PeriodicJob
from loyalnest.platform.redis import get_async_redis, key
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

LOCK_KEY = "scheduler:relay"


def periodic_jobs() -> list[PeriodicJob]:
    """Every context's recurring work, declared with ``@jobs.periodic`` in its tasks.py."""
    contexts.load()
    return jobs.periodic_jobs()


async def send_due_jobs(due: list[PeriodicJob] | None = None) -> list[str]:
    """Send each job whose period has passed since it was last sent (by any scheduler);
    returns the actor names sent."""
    redis = get_async_redis()
    sent: list[str] = []
    for job in periodic_jobs() if due is None else due:
        lock = key(f"scheduler:job:{job.actor_name}")
        if await redis.set(lock, "1", nx=True, px=int(job.every_seconds * 1000)):
            queue.send(job.actor_name, job.queue_name, dict(job.kwargs))
            sent.append(job.actor_name)
    return sent


async def relay_once(*, stale_after_seconds: float) -> dict[str, int]:
    """Re-send what never reached the broker: each context's own relay (declared with
    ``@jobs.relay``, e.g. webhook inbox rows), then the outbox."""
    contexts.load()
    relayed: dict[str, int] = {}
    for name, relay in sorted(jobs.relays().items()):
        relayed[name] = await relay(older_than_seconds=stale_after_seconds)
    async with unit_of_work() as uow:
        relayed["outbox_messages"] = await outbox.relay_pending(
            uow.session, older_than=utcnow() - timedelta(seconds=stale_after_seconds)
        )
    if any(relayed.values()):
        log.info("relayed", extra=relayed)
    return relayed


async def run_forever(*, interval_seconds: float, stale_after_seconds: float) -> None:
    redis = get_async_redis()
    while True:
        try:
            # hold the lock for one interval: one relay pass per interval across the fleet
            if await redis.set(key(LOCK_KEY), "1", nx=True, px=int(interval_seconds * 1000)):
                await relay_once(stale_after_seconds=stale_after_seconds)
            await send_due_jobs()
        except Exception:  # keep the loop alive through a database or Redis outage
            log.exception("scheduler pass failed")
        await asyncio.sleep(interval_seconds)
