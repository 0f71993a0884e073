"""The expiry pass and its reminders (across shops)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform.db import driver_connection

# --- expiry and reminders (the periodic passes, across shops) ----------------------------

_DUE_CUSTOMERS = """
SELECT DISTINCT merchant_id, customer_id FROM (
    SELECT merchant_id, customer_id FROM points_lots
    WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= $1 AND merchant_id <> ALL($3::bigint[])
    ORDER BY expires_at
    LIMIT $2
) due
ORDER BY merchant_id, customer_id
"""


async def customers_with_due_lots(
    session: AsyncSession, *, now: datetime, limit: int, skip_shops: Sequence[int] = ()
) -> list[tuple[int, int]]:
    """(merchant, customer) pairs owning some of the ``limit`` lots due longest, for the
    expiry pass (which then expires all their due lots under their account locks)."""
    connection = await driver_connection(session)
    records = await connection.fetch(_DUE_CUSTOMERS, now, limit, sorted(set(skip_shops)))
    return [(int(m), int(c)) for m, c in records]


_SHOPS_EXPIRING_BETWEEN = """
SELECT DISTINCT merchant_id FROM points_lots
WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at > $1 AND expires_at <= $2
"""


async def shops_with_lots_expiring(session: AsyncSession, *, after: datetime, until: datetime) -> list[int]:
    connection = await driver_connection(session)
    return [int(m) for (m,) in await connection.fetch(_SHOPS_EXPIRING_BETWEEN, after, until)]


# One reminder per customer and expiry date (in the shop's timezone), for every open
# lot expiring within the window; a date already reminded of is left alone.
_RECORD_REMINDERS = """
INSERT INTO points_expiry_reminders (merchant_id, customer_id, expires_on, expires_at, points)
SELECT l.merchant_id, l.customer_id, (l.expires_at AT TIME ZONE s.timezone)::date,
    min(l.expires_at), sum(l.remaining)
FROM points_lots l
JOIN unnest($3::bigint[], $4::text[]) AS s(merchant_id, timezone) ON s.merchant_id = l.merchant_id
WHERE l.remaining > 0 AND l.expires_at IS NOT NULL AND l.expires_at > $1 AND l.expires_at <= $2
GROUP BY l.merchant_id, l.customer_id, (l.expires_at AT TIME ZONE s.timezone)::date
ON CONFLICT (merchant_id, customer_id, expires_on) DO NOTHING
RETURNING id
"""


async def record_expiry_reminders(
    session: AsyncSession, *, after: datetime, until: datetime, timezones: dict[int, str]
) -> int:
    """Record the reminders due for lots expiring in (after, until]; returns how many."""
    if not timezones:
        return 0
    connection = await driver_connection(session)
    shops = sorted(timezones)
    records = await connection.fetch(_RECORD_REMINDERS, after, until, shops, [timezones[m] for m in shops])
    return len(records)


_SHOPS_WITH_DUE_REMINDERS = """
SELECT DISTINCT merchant_id FROM points_expiry_reminders WHERE status = 'due' AND expires_at > $1
"""

# A due reminder whose date no longer has points expiring (spent, or moved by activity)
# would tell the customer something untrue: it is cancelled.
_CANCEL_STALE_REMINDERS = """
UPDATE points_expiry_reminders AS r SET status = 'cancelled'
FROM unnest($2::bigint[], $3::text[]) AS s(merchant_id, timezone)
WHERE r.merchant_id = s.merchant_id AND r.status = 'due' AND r.expires_at > $1
    AND NOT EXISTS (
        SELECT 1 FROM points_lots l
        WHERE l.merchant_id = r.merchant_id AND l.customer_id = r.customer_id AND l.remaining > 0
            AND l.expires_at IS NOT NULL AND (l.expires_at AT TIME ZONE s.timezone)::date = r.expires_on
    )
RETURNING r.id
"""


@dataclass(frozen=True, slots=True)
class ReminderRow:
    id: int
    merchant_id: int
    customer_id: int
    points: int
    expires_on: date
    expires_at: datetime


# Claimed with SKIP LOCKED (two passes split the work), only reminders whose points have
# not expired yet (one that waited past its date would tell the customer nothing true).
_CLAIM_DUE_REMINDERS = """
UPDATE points_expiry_reminders AS r SET status = 'sent'
FROM (
    SELECT merchant_id, id FROM points_expiry_reminders
    WHERE status = 'due' AND expires_at > $1
    ORDER BY merchant_id, id LIMIT $2
    FOR UPDATE SKIP LOCKED
) AS due
WHERE r.merchant_id = due.merchant_id AND r.id = due.id AND r.status = 'due'
RETURNING r.id, r.merchant_id, r.customer_id, r.points, r.expires_on, r.expires_at
"""


async def claim_due_reminders(session: AsyncSession, *, now: datetime, limit: int) -> list[ReminderRow]:
    """Mark up to ``limit`` due reminders (every shop, shop by shop) as sent and return
    them: the caller's transaction hands them on (or rolls the claim back with its own)."""
    connection = await driver_connection(session)
    records = await connection.fetch(_CLAIM_DUE_REMINDERS, now, limit)
    return [ReminderRow(*record) for record in records]


async def shops_with_due_reminders(session: AsyncSession, *, now: datetime) -> list[int]:
    connection = await driver_connection(session)
    return [int(m) for (m,) in await connection.fetch(_SHOPS_WITH_DUE_REMINDERS, now)]


async def cancel_stale_reminders(session: AsyncSession, *, now: datetime, timezones: dict[int, str]) -> int:
    if not timezones:
        return 0
    connection = await driver_connection(session)
    shops = sorted(timezones)
    records = await connection.fetch(_CANCEL_STALE_REMINDERS, now, shops, [timezones[m] for m in shops])
    return len(records)
