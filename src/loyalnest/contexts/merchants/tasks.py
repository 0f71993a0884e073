"""Actors of the merchants context: the daily merchant referral sweep."""

from __future__ import annotations

import logging

from loyalnest.contexts.merchants import flows
from loyalnest.platform import jobs

log = logging.getLogger(__name__)

MERCHANTS_QUEUE = "merchants"
CREDIT_REFERRALS_ACTOR = "merchants.credit_referrals"


# daily: a referral qualifies on a day, not a minute, and credits are applied by
# billing once a month; a referral due since this morning is credited within the day
@jobs.periodic(every_seconds=24 * 3600)
@jobs.actor(CREDIT_REFERRALS_ACTOR, queue_name=MERCHANTS_QUEUE)
async def credit_referrals() -> None:
    """Credit the referring shop one month for each referred shop installed (and not
    uninstalled) for 30 days; cancel the referrals of shops that uninstalled before.
    Idempotent: a second run finds nothing due."""
    report = await flows.credit_referrals()
    if report.qualified or report.cancelled:
        log.info(
            "merchant referrals swept",
            extra={"qualified": report.qualified, "credited": report.credited, "cancelled": report.cancelled},
        )
