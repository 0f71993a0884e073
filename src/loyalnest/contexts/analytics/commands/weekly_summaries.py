"""The ``weekly_summary`` staff email: the program's last week, for the shops that
switched it on (it is off by default). An hourly pass queues each shop's once its week
has ended in the shop's timezone; the week is the message's cause, so a second pass, or
two at once, queue nothing more."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from loyalnest.contexts.analytics.queries.program import program_analytics
from loyalnest.contexts.analytics.rules import program as rules
from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.rewards import api as rewards
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

WEEKLY_SUMMARY = "weekly_summary"


async def queue_weekly_summaries(*, now: datetime | None = None) -> int:
    """Queue the last week's summary of every installed shop that switched it on;
    returns how many messages wait to be sent."""
    now = now or utcnow()
    shops = await notifications.shops_that_turned_on(WEEKLY_SUMMARY)
    if not shops:
        return 0
    gone = set(await merchants.uninstalled_shops())
    zones = await merchants.get_timezones([s for s in shops if s not in gone])
    queued = 0
    for merchant_id, zone in sorted(zones.items()):
        queued += await _queue_one(merchant_id, zone, now)
    return queued


async def _queue_one(merchant_id: int, zone: str, now: datetime) -> int:
    start, end = rules.previous_week(now, zone)
    cause = f"week:{start.isoformat()}"
    if await notifications.was_queued(merchant_id, WEEKLY_SUMMARY, cause):
        return 0  # the hourly passes after the first: nothing to compute
    totals = (await program_analytics(merchant_id, start, end)).totals
    issued = await rewards.count_rewards_issued(
        merchant_id,
        rules.local_midnight(start, zone),
        rules.local_midnight(end + timedelta(days=1), zone),  # the Monday after
    )
    async with unit_of_work() as uow:
        return await notifications.queue_messages(
            uow,
            merchant_id,
            [
                notifications.Outgoing(
                    WEEKLY_SUMMARY,
                    cause,
                    None,
                    {
                        "week_start": start,
                        "points_earned": totals.points_issued,
                        "points_redeemed": totals.points_redeemed,
                        "new_members": totals.new_members,
                        "rewards_issued": issued,
                    },
                )
            ],
        )
