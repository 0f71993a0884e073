"""Actors of the points context: both periodic (see ``workers.scheduler``), both
idempotent (work on what is due now; a lot expires once, a pending row is released
once, under the locks of the accounts and orders they belong to)."""

from __future__ import annotations

import logging

import dramatiq

from loyalnest.contexts.points import api as points

log = logging.getLogger(__name__)


@dramatiq.actor(actor_name=points.EXPIRE_LOTS_ACTOR, queue_name=points.POINTS_QUEUE)
async def expire_lots() -> None:
    """Expire every lot whose time has come and record the reminders now due."""
    report = await points.expire_lots()
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


@dramatiq.actor(actor_name=points.RELEASE_PENDING_ACTOR, queue_name=points.POINTS_QUEUE)
async def release_pending() -> None:
    """Make pending points whose period is over spendable."""
    released = await points.release_pending_points()
    if released:
        log.info("pending points released", extra={"points": released})
