"""The ``referrals.flush_clicks`` periodic actor: Redis click counters into
``referral_clicks_daily`` every minute (clicks.py says why it is idempotent)."""

from __future__ import annotations

from loyalnest.contexts.referrals import clicks
from loyalnest.contexts.referrals.commands import REFERRALS_QUEUE
from loyalnest.platform import jobs

__all__ = ["FLUSH_CLICKS_ACTOR", "REFERRALS_QUEUE", "flush_clicks"]

FLUSH_CLICKS_ACTOR = "referrals.flush_clicks"


# every minute: staff analytics and the advocate's "clicked" count lag by at most that
@jobs.periodic(every_seconds=60)
@jobs.actor(FLUSH_CLICKS_ACTOR, queue_name=REFERRALS_QUEUE)
async def flush_clicks() -> None:
    """Move the counted clicks of every shop into PostgreSQL."""
    await clicks.flush_clicks()
