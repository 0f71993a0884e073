"""Actors of the points context. The expiry pass is periodic and idempotent: it works
on what is due now, and a lot expires once, under its owner's account lock."""

from __future__ import annotations

import logging

from loyalnest.contexts.points import flows
from loyalnest.platform import jobs

log = logging.getLogger(__name__)

POINTS_QUEUE = "points"
EXPIRE_LOTS_ACTOR = "points.expire_lots"


@jobs.periodic(every_seconds=3600)
@jobs.actor(EXPIRE_LOTS_ACTOR, queue_name=POINTS_QUEUE)
async def expire_lots() -> None:
    """Expire every lot whose time has come and record the reminders now due."""
    report = await flows.expire_lots()
    if report.expired or report.reminders_recorded or report.reminders_cancelled or report.failed_shops:
        log.info(
            "points expired",
            extra={
                "expired_lots": report.expired,
                "reminders_recorded": report.reminders_recorded,
                "reminders_cancelled": report.reminders_cancelled,
                "failed_shops": list(report.failed_shops),
            },
        )
