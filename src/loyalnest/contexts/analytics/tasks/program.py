"""The ``analytics.refresh_program_rollups`` periodic actor: every minute, the rollup
pass of each shop whose rollups may be behind, one transaction per shop.

Idempotent: a pass rewrites the live days whole from the ledger and the orders (see
``commands.program``), so a second run, or two runs at once (they queue on the shop's
state row), leave the same rows; only a pass that changed something nudges
``analyticsUpdated``."""

from __future__ import annotations

import logging

from loyalnest.contexts.analytics.commands import program as commands
from loyalnest.contexts.analytics.commands import weekly_summaries
from loyalnest.contexts.analytics.queries import program as queries
from loyalnest.platform import jobs
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

REFRESH_PROGRAM_ROLLUPS_ACTOR = "analytics.refresh_program_rollups"
QUEUE_WEEKLY_SUMMARIES_ACTOR = "analytics.queue_weekly_summaries"
BACKFILL_PROGRAM_ROLLUPS_ACTOR = "analytics.backfill_program_rollups"
ANALYTICS_QUEUE = "analytics"


async def refresh_due_shops() -> int:
    """One pass over the shops that are due; returns how many changed."""
    now = utcnow()
    changed = 0
    for merchant_id, timezone in await queries.shops_due_for_refresh(now):
        async with unit_of_work() as uow:
            changed += await commands.refresh_program_rollups(uow, merchant_id, timezone=timezone, now=now)
    return changed


# every minute: the dashboard lags the ledger by at most that
@jobs.periodic(every_seconds=60)
@jobs.actor(REFRESH_PROGRAM_ROLLUPS_ACTOR, queue_name=ANALYTICS_QUEUE)
async def refresh_program_rollups() -> None:
    changed = await refresh_due_shops()
    if changed:
        log.info("program rollups refreshed", extra={"shops": changed})


@jobs.actor(BACKFILL_PROGRAM_ROLLUPS_ACTOR, queue_name=ANALYTICS_QUEUE)
async def backfill_program_rollups(merchant_id: int) -> None:
    """Rebuild one shop's rollups from its whole ledger (after an import, or on demand)."""
    await commands.backfill_program_rollups(merchant_id)


# hourly: a shop's week ends at its own midnight, whatever its timezone; the week is the
# message's cause, so the passes after the first queue nothing for it
@jobs.periodic(every_seconds=3600)
@jobs.actor(QUEUE_WEEKLY_SUMMARIES_ACTOR, queue_name=ANALYTICS_QUEUE)
async def queue_weekly_summaries() -> None:
    queued = await weekly_summaries.queue_weekly_summaries()
    if queued:
        log.info("weekly summaries queued", extra={"messages": queued})
