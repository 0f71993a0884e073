"""Actors of the tiers context, thin and idempotent: the whole-shop re-tier (sent after
a change of the ladder or the settings commits), and the hourly pass over customers
whose standing changes with time (fanned out one message per shop)."""

from __future__ import annotations

import logging

from loyalnest.contexts.tiers import flows
from loyalnest.contexts.tiers.commands import RETIER_SHOP_ACTOR, TIERS_QUEUE
from loyalnest.platform import jobs

log = logging.getLogger(__name__)

REEVALUATE_DUE_ACTOR = "tiers.reevaluate_due"
REEVALUATE_SHOP_ACTOR = flows.REEVALUATE_SHOP_ACTOR


# a whole shop in one message: 200,000 customers take well under the default limit
@jobs.actor(RETIER_SHOP_ACTOR, queue_name=TIERS_QUEUE, time_limit=30 * 60 * 1000)
async def retier_shop(merchant_id: int, run_id: int) -> None:
    """Re-evaluate every customer of the shop (see ``flows.retier_shop``)."""
    run = await flows.retier_shop(merchant_id, run_id)
    if run is not None:
        log.info(
            "shop re-tiered",
            extra={
                "merchant_id": merchant_id,
                "run_id": run_id,
                "customers": run.total,
                "changed": run.changed,
            },
        )


# hourly, though windows slide by the day: a manual tier's end or a calendar year's
# first hour (shop time) is then honoured within the hour
@jobs.periodic(every_seconds=3600)
@jobs.actor(REEVALUATE_DUE_ACTOR, queue_name=TIERS_QUEUE)
async def reevaluate_due() -> None:
    """Send one ``tiers.reevaluate_shop`` per shop with tiers."""
    sent = await flows.send_reevaluations()
    log.info("tier re-evaluations sent", extra={"shops": sent})


@jobs.actor(REEVALUATE_SHOP_ACTOR, queue_name=TIERS_QUEUE)
async def reevaluate_shop(merchant_id: int) -> None:
    """Evaluate the shop's customers whose window slid or whose retention or manual
    tier ended."""
    changed = await flows.reevaluate_shop(merchant_id)
    if changed:
        log.info("tiers changed with time", extra={"merchant_id": merchant_id, "customers": changed})
