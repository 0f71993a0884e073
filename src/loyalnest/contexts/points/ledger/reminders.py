""" "Points expiring soon" reminders, recorded by the expiry pass."""

from __future__ import annotations

from datetime import datetime, timedelta

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import repository
from loyalnest.platform.uow import UnitOfWork

REMINDER_DAYS = 30


async def record_expiry_reminders(uow: UnitOfWork, *, now: datetime) -> tuple[int, int]:
    """Record the "points expiring soon" reminders that are due (lots expiring within
    ``REMINDER_DAYS``), one per customer and expiry date in the shop's timezone, and
    cancel due reminders whose date no longer has points expiring. Returns (recorded,
    cancelled)."""
    session = uow.session
    until = now + timedelta(days=REMINDER_DAYS)
    shops = await repository.shops_with_lots_expiring(session, after=now, until=until)
    stale_shops = await repository.shops_with_due_reminders(session, now=now)
    timezones = await merchants.get_timezones(sorted(set(shops) | set(stale_shops)))
    recorded = await repository.record_expiry_reminders(
        session, after=now, until=until, timezones={m: timezones[m] for m in shops if m in timezones}
    )
    cancelled = await repository.cancel_stale_reminders(
        session, now=now, timezones={m: timezones[m] for m in stale_shops if m in timezones}
    )
    return recorded, cancelled
