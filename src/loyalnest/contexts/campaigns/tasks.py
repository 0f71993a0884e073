"""Actors of the campaigns context, both idempotent (see ``flows``)."""

from __future__ import annotations

import logging

from loyalnest.contexts.campaigns import flows
from loyalnest.contexts.campaigns.commands import CAMPAIGNS_QUEUE, SYNC_DISCOUNT_ACTOR
from loyalnest.platform import jobs

log = logging.getLogger(__name__)

ADVANCE_STATUSES_ACTOR = "campaigns.advance_statuses"


# a campaign starts or ends within a minute of its moment (the rules already apply the
# window to the minute: the status is what the dashboard and the discount follow)
@jobs.periodic(every_seconds=60)
@jobs.actor(ADVANCE_STATUSES_ACTOR, queue_name=CAMPAIGNS_QUEUE)
async def advance_statuses() -> None:
    """Start scheduled campaigns whose start came; end those whose end passed."""
    report = await flows.advance_statuses()
    if report.started or report.ended:
        log.info("campaign statuses advanced", extra={"started": report.started, "ended": report.ended})


@jobs.actor(SYNC_DISCOUNT_ACTOR, queue_name=CAMPAIGNS_QUEUE)
async def sync_discount(merchant_id: int, campaign_id: int) -> None:
    """Create, switch on or switch off the campaign's Shopify discount as its status wants."""
    await flows.sync_discount(merchant_id, campaign_id)
