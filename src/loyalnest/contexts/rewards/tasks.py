"""Actors of the rewards context, all idempotent (a row changes state once, points
come back under one key)."""

from __future__ import annotations

import logging
from datetime import timedelta

from loyalnest.contexts.rewards import commands, flows
from loyalnest.platform import jobs

log = logging.getLogger(__name__)

REWARDS_QUEUE = commands.REWARDS_QUEUE
ISSUE_GRANTED_CODE_ACTOR = commands.ISSUE_GRANTED_CODE_ACTOR
SETTLE_PENDING_ACTOR = "rewards.settle_pending_redemptions"
EXPIRE_UNUSED_CODES_ACTOR = "rewards.expire_unused_codes"
DEACTIVATE_DISCOUNTS_ACTOR = commands.DEACTIVATE_DISCOUNTS_ACTOR


# redemptions whose Shopify answer was lost (each pass takes those pending > 5 min)
@jobs.periodic(every_seconds=60)
@jobs.actor(SETTLE_PENDING_ACTOR, queue_name=REWARDS_QUEUE)
async def settle_pending_redemptions(older_than_seconds: float | None = None) -> None:
    """Finish redemptions left pending (request died, Shopify's answer lost): ask Shopify
    again with the same code. ``older_than_seconds`` overrides how old a pending row
    must be before it is taken over (default ``rewards.SETTLE_AFTER``)."""
    older_than = flows.SETTLE_AFTER if older_than_seconds is None else timedelta(seconds=older_than_seconds)
    report = await flows.settle_pending_redemptions(older_than=older_than)
    if report.issued or report.failed or report.still_pending:
        log.info(
            "pending redemptions settled",
            extra={"issued": report.issued, "failed": report.failed, "still_pending": report.still_pending},
        )


# points of codes never used come back (expiry + 48 h grace), checked hourly
@jobs.periodic(every_seconds=3600)
@jobs.actor(EXPIRE_UNUSED_CODES_ACTOR, queue_name=REWARDS_QUEUE)
async def expire_unused_codes() -> None:
    """Give back the points of discount codes never used before expiry + grace."""
    expired = await flows.expire_unused_codes()
    if expired:
        log.info("unused discount codes expired", extra={"expired": expired})


# a code granted without points (a tier's entry reward), asked of Shopify after commit
@jobs.actor(ISSUE_GRANTED_CODE_ACTOR, queue_name=REWARDS_QUEUE)
async def issue_granted_code(merchant_id: int, redemption_id: int) -> None:
    """Idempotent: a redemption no longer pending is left alone; one whose answer is
    still unknown stays pending for the settle pass."""
    await flows.settle_redemption(merchant_id, redemption_id)


# discounts of a closed account, switched off after the erasure's commit
@jobs.actor(DEACTIVATE_DISCOUNTS_ACTOR, queue_name=REWARDS_QUEUE)
async def deactivate_discounts(merchant_id: int, discount_gids: list[str]) -> None:
    """Idempotent: switching a discount off twice is harmless."""
    done = await flows.deactivate_discounts(merchant_id, discount_gids)
    log.info("discounts switched off", extra={"merchant_id": merchant_id, "discounts": done})
