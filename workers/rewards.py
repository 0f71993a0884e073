"""Actors of the rewards context: both periodic (see ``workers.scheduler``), both
idempotent (a row changes state once, points come back under one key)."""

from __future__ import annotations

import logging
from datetime import timedelta

import dramatiq

from loyalnest.contexts.rewards import api as rewards

log = logging.getLogger(__name__)


@dramatiq.actor(actor_name=rewards.SETTLE_PENDING_ACTOR, queue_name=rewards.REWARDS_QUEUE)
async def settle_pending_redemptions(older_than_seconds: float | None = None) -> None:
    """Finish redemptions left pending (request died, Shopify's answer lost): ask Shopify
    again with the same code. ``older_than_seconds`` overrides how old a pending row
    must be before it is taken over (default ``rewards.SETTLE_AFTER``)."""
    older_than = rewards.SETTLE_AFTER if older_than_seconds is None else timedelta(seconds=older_than_seconds)
    report = await rewards.settle_pending_redemptions(older_than=older_than)
    if report.issued or report.failed or report.still_pending:
        log.info(
            "pending redemptions settled",
            extra={"issued": report.issued, "failed": report.failed, "still_pending": report.still_pending},
        )


@dramatiq.actor(actor_name=rewards.EXPIRE_UNUSED_CODES_ACTOR, queue_name=rewards.REWARDS_QUEUE)
async def expire_unused_codes() -> None:
    """Give back the points of discount codes never used before expiry + grace."""
    expired = await rewards.expire_unused_codes()
    if expired:
        log.info("unused discount codes expired", extra={"expired": expired})
