"""Actors of the RFM concern: the full recompute of one shop (on demand, after a
configuration change, and daily for every shop through the scheduler's fan-out).
Both idempotent: a recompute run twice leaves the same scores (the second writes
nothing), and the fan-out only enqueues recomputes."""

from __future__ import annotations

import logging

from loyalnest.contexts.analytics.commands import rfm as commands
from loyalnest.platform import jobs, queue

log = logging.getLogger(__name__)


@jobs.actor(commands.RECOMPUTE_RFM_ACTOR, queue_name=commands.ANALYTICS_QUEUE, time_limit=30 * 60 * 1000)
async def recompute_rfm(merchant_id: int) -> None:
    """Rebuild, rescore and resegment every customer of the shop."""
    report = await commands.recompute_rfm(merchant_id)
    log.info(
        "rfm recomputed",
        extra={
            "merchant_id": merchant_id,
            "customers": report.customers_scored,
            "changed": report.segments_changed,
            "seconds": report.seconds,
        },
    )


# daily: quintile boundaries move slowly and recency ages by days; real time keeps every
# customer who orders current in between
@jobs.periodic(every_seconds=24 * 60 * 60)
@jobs.actor(commands.SCHEDULE_RECOMPUTES_ACTOR, queue_name=commands.ANALYTICS_QUEUE)
async def schedule_rfm_recomputes() -> None:
    """One ``analytics.recompute_rfm`` per shop with orders (each shop in its own job,
    so one slow shop holds no other back)."""
    shops = await commands.shops_to_recompute()
    for merchant_id in shops:
        queue.send(commands.RECOMPUTE_RFM_ACTOR, commands.ANALYTICS_QUEUE, {"merchant_id": merchant_id})
    log.info("rfm recomputes scheduled", extra={"shops": len(shops)})
