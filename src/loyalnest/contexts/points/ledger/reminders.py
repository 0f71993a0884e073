""" "Points expiring soon" reminders, recorded by the expiry pass."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import repository
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

REMINDER_DAYS = 30


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A "points expiring soon" notice to send: ``points`` expire on ``expires_on`` (the
    shop's calendar day), the first of them at ``expires_at``."""

    id: int
    merchant_id: int
    customer_id: int
    points: int
    expires_on: date
    expires_at: datetime


async def claim_due_reminders(uow: UnitOfWork, *, limit: int) -> list[DueReminder]:
    """Take up to ``limit`` due reminders of any shop for sending, marking them sent in
    the caller's transaction: whoever sends them (notifications) writes its deliveries in
    the same transaction, so a reminder is handed on exactly once or stays due."""
    rows = await repository.claim_due_reminders(uow.session, now=utcnow(), limit=limit)
    return [
        DueReminder(row.id, row.merchant_id, row.customer_id, row.points, row.expires_on, row.expires_at)
        for row in rows
    ]


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
