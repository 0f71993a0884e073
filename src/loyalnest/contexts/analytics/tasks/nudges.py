"""Actors of nudges: email nudges (``analytics.send_nudge_email``), and the daily
conversion catch-up for shops where real-time analytics is off. Thin and idempotent:
each opens units of work and calls the nudges' commands."""

from __future__ import annotations

import time
from datetime import timedelta

from loyalnest.contexts.analytics.commands import nudges as commands
from loyalnest.contexts.analytics.repository import nudges as repository
from loyalnest.contexts.analytics.rules.nudges import CONVERSION_WINDOW_DAYS
from loyalnest.platform import jobs
from loyalnest.platform.db import plain_connection
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

__all__ = ["CATCH_UP_NUDGE_CONVERSIONS_ACTOR", "catch_up_nudge_conversions", "send_nudge_email"]

CATCH_UP_NUDGE_CONVERSIONS_ACTOR = "analytics.catch_up_nudge_conversions"
# one delivery of send_nudge_email works this long, then hands the rest to a new message
TIME_BUDGET_SECONDS = 120.0


@jobs.actor(commands.SEND_NUDGE_EMAIL_ACTOR, queue_name=commands.ANALYTICS_QUEUE)
async def send_nudge_email(merchant_id: int, run_id: int) -> None:
    """Work a run page by page, each page its own transaction (a delivery of this
    message after a crash resumes at the run's cursor; a finished run does nothing).
    After ``TIME_BUDGET_SECONDS`` the rest goes to a new message, committed with the
    page that hands it over, so a segment of 100,000 does not hold a worker thread."""
    deadline = time.monotonic() + TIME_BUDGET_SECONDS
    while True:
        async with unit_of_work() as uow:
            done = await commands.send_nudge_email_page(uow, merchant_id=merchant_id, run_id=run_id)
            handing_over = not done and time.monotonic() > deadline
            if handing_over:
                uow.enqueue(
                    commands.SEND_NUDGE_EMAIL_ACTOR,
                    queue_name=commands.ANALYTICS_QUEUE,
                    merchant_id=merchant_id,
                    run_id=run_id,
                )
        if done or handing_over:
            return


# daily: with LOYALNEST_ANALYTICS_REALTIME off, orders convert here from the stored
# orders (a conversion is one per order by key, so overlapping passes add nothing)
@jobs.periodic(every_seconds=24 * 3600)
@jobs.actor(CATCH_UP_NUDGE_CONVERSIONS_ACTOR, queue_name=commands.ANALYTICS_QUEUE)
async def catch_up_nudge_conversions() -> None:
    from loyalnest.settings import get_settings  # read per call, as the other contexts do

    if get_settings().analytics_realtime:
        return
    since = utcnow() - timedelta(days=CONVERSION_WINDOW_DAYS + 2)
    async with plain_connection() as conn:
        shops = await repository.shops_with_clicks_since(conn, since - timedelta(days=CONVERSION_WINDOW_DAYS))
    for merchant_id in shops:
        async with unit_of_work() as uow:
            await commands.catch_up_conversions(uow, merchant_id, since)
