"""Actors of the earning context, all idempotent: the hourly birthday pass and the
per-shop awards it fans out to (a birthday is celebrated once per customer per year,
recorded and keyed in the ledger), and the release pass of pending points (a pending
row is released once, under its order's lock, under the order's own earn key)."""

from __future__ import annotations

import logging
from datetime import date

from loyalnest.contexts.earning import flows
from loyalnest.platform import jobs
from loyalnest.platform.errors import ValidationFailed

log = logging.getLogger(__name__)

EARNING_QUEUE = flows.EARNING_QUEUE
AWARD_BIRTHDAYS_ACTOR = "earning.award_birthdays"
AWARD_SHOP_BIRTHDAYS_ACTOR = flows.AWARD_SHOP_BIRTHDAYS_ACTOR
# Named and queued as when pending points were the points context's: messages already
# sent (and the outbox's) keep their way to it.
RELEASE_PENDING_ACTOR = "points.release_pending"
RELEASE_PENDING_QUEUE = "points"


def _day(on: str | None) -> date | None:
    return None if on is None else date.fromisoformat(on)


# A malformed or future ``on`` will not improve with retries.
@jobs.periodic(every_seconds=3600)
@jobs.actor(AWARD_BIRTHDAYS_ACTOR, queue_name=EARNING_QUEUE, throws=(ValueError,))
async def award_birthdays(on: str | None = None) -> None:
    """Send one award_shop_birthdays per shop holding birthdays. ``on`` (ISO date) awards
    the birthdays of a past day instead of each shop's today (a day the scheduler missed)."""
    sent = await flows.send_birthday_awards(on=_day(on))
    log.info("birthday awards sent", extra={"shops": sent})


@jobs.actor(AWARD_SHOP_BIRTHDAYS_ACTOR, queue_name=EARNING_QUEUE, throws=(ValueError, ValidationFailed))
async def award_shop_birthdays(merchant_id: int, on: str | None = None) -> None:
    """Award one shop's customers whose birthday is today in its timezone (or ``on``)."""
    awarded = await flows.award_shop_birthdays(merchant_id, on=_day(on))
    if awarded:
        log.info("birthdays awarded", extra={"merchant_id": merchant_id, "customers": awarded})


# pending points whose period is over become spendable: every 15 minutes
@jobs.periodic(every_seconds=900)
@jobs.actor(RELEASE_PENDING_ACTOR, queue_name=RELEASE_PENDING_QUEUE)
async def release_pending() -> None:
    """Make pending points whose period is over spendable."""
    released = await flows.release_pending_points()
    if released:
        log.info("pending points released", extra={"points": released})
