"""Periodic jobs: re-send what never reached the broker, and start the recurring
actors (``PERIODIC_JOBS``: expiry, pending points, birthdays, ...).

Runs as its own small loop (``loyalnest scheduler``, or beside the workers in
``loyalnest worker``). Redis locks let several run without doubling the work: each
job is sent at most once per its period across the fleet. The actors themselves are
idempotent and work on "what is due now", so a pass sent twice or late is harmless.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.points import api as points
from loyalnest.contexts.rewards import api as rewards
from loyalnest.contexts.shopify import api as shopify
from loyalnest.platform import outbox, queue
from loyalnest.platform.redis import get_async_redis, key
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

LOCK_KEY = "scheduler:relay"


@dataclass(frozen=True)
class PeriodicJob:
    """An actor the scheduler sends every ``every_seconds`` (named, never imported)."""

    actor_name: str
    queue_name: str
    every_seconds: float
    kwargs: dict[str, Any] = field(default_factory=dict)


# Each context's recurring work; add a line here when a context gains some.
PERIODIC_JOBS: list[PeriodicJob] = [
    # redemptions whose Shopify answer was lost (each pass takes those pending > 5 min)
    PeriodicJob(rewards.SETTLE_PENDING_ACTOR, rewards.REWARDS_QUEUE, every_seconds=60),
    # points of codes never used come back (expiry + 48 h grace), checked hourly
    PeriodicJob(rewards.EXPIRE_UNUSED_CODES_ACTOR, rewards.REWARDS_QUEUE, every_seconds=3600),
    # birthdays: hourly, so each shop's day is seen soon after it begins in its timezone
    PeriodicJob(earning.AWARD_BIRTHDAYS_ACTOR, earning.EARNING_QUEUE, every_seconds=3600),
    # lots whose time has come expire, and expiry reminders are recorded: hourly
    PeriodicJob(points.EXPIRE_LOTS_ACTOR, points.POINTS_QUEUE, every_seconds=3600),
    # pending points whose period is over become spendable: every 15 minutes
    PeriodicJob(points.RELEASE_PENDING_ACTOR, points.POINTS_QUEUE, every_seconds=900),
]


async def send_due_jobs(jobs: list[PeriodicJob] | None = None) -> list[str]:
    """Send each job whose period has passed since it was last sent (by any scheduler);
    returns the actor names sent."""
    redis = get_async_redis()
    sent: list[str] = []
    for job in PERIODIC_JOBS if jobs is None else jobs:
        lock = key(f"scheduler:job:{job.actor_name}")
        if await redis.set(lock, "1", nx=True, px=int(job.every_seconds * 1000)):
            queue.send(job.actor_name, job.queue_name, dict(job.kwargs))
            sent.append(job.actor_name)
    return sent


async def relay_once(*, stale_after_seconds: float) -> dict[str, int]:
    webhooks = await shopify.relay_stale_webhooks(older_than_seconds=stale_after_seconds)
    async with unit_of_work() as uow:
        messages = await outbox.relay_pending(
            uow.session, older_than=utcnow() - timedelta(seconds=stale_after_seconds)
        )
    if webhooks or messages:
        log.info("relayed", extra={"webhooks": webhooks, "outbox_messages": messages})
    return {"webhooks": webhooks, "outbox_messages": messages}


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
