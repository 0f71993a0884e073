"""Actors of the earning context: the hourly birthday pass (see ``workers.scheduler``)
and the per-shop awards it fans out to. Both idempotent: a birthday is celebrated once
per customer per year (recorded, and keyed in the ledger), so a pass sent twice, late,
or retried after a failure awards nothing twice."""

from __future__ import annotations

import logging
from datetime import date

import dramatiq

from loyalnest.contexts.earning import api as earning
from loyalnest.platform.errors import ValidationFailed

log = logging.getLogger(__name__)


def _day(on: str | None) -> date | None:
    return None if on is None else date.fromisoformat(on)


# A malformed or future ``on`` will not improve with retries.
@dramatiq.actor(
    actor_name=earning.AWARD_BIRTHDAYS_ACTOR, queue_name=earning.EARNING_QUEUE, throws=(ValueError,)
)
async def award_birthdays(on: str | None = None) -> None:
    """Send one award_shop_birthdays per shop holding birthdays. ``on`` (ISO date) awards
    the birthdays of a past day instead of each shop's today (a day the scheduler missed)."""
    sent = await earning.send_birthday_awards(on=_day(on))
    log.info("birthday awards sent", extra={"shops": sent})


@dramatiq.actor(
    actor_name=earning.AWARD_SHOP_BIRTHDAYS_ACTOR,
    queue_name=earning.EARNING_QUEUE,
    throws=(ValueError, ValidationFailed),
)
async def award_shop_birthdays(merchant_id: int, on: str | None = None) -> None:
    """Award one shop's customers whose birthday is today in its timezone (or ``on``)."""
    awarded = await earning.award_shop_birthdays(merchant_id, on=_day(on))
    if awarded:
        log.info("birthdays awarded", extra={"merchant_id": merchant_id, "customers": awarded})
