"""Actors of the notifications context, thin and idempotent:

- ``notifications.deliver_batch(merchant_id)``: drain a shop's waiting deliveries (sent
  by the outbox of every transaction that queued some);
- hourly: the expiry reminders and the expiring codes, 1,000 rows per transaction;
- every minute: the sweep (rows stuck past their lease back to the queue, held rows whose
  quiet hours ended, queued rows nobody took), which sends deliver_batch where needed.
"""

from __future__ import annotations

import logging

from loyalnest.contexts.notifications import delivery, flows, rendering
from loyalnest.contexts.notifications.delivery import DELIVER_BATCH_ACTOR, NOTIFICATIONS_QUEUE
from loyalnest.platform import jobs, startup

log = logging.getLogger(__name__)

QUEUE_REMINDERS_ACTOR = "notifications.queue_reminders"

# the 22 locales' CLDR data loaded at start (~0.3 s), not by the first preview or
# message in each locale (10-20 ms each)
startup.warm(rendering.warm_up)
SWEEP_ACTOR = "notifications.sweep_deliveries"


# a batch may wait on providers (timeouts, retries): a generous limit, and the
# delivery itself hands the rest of a long backlog to a new message after 2 minutes
@jobs.actor(DELIVER_BATCH_ACTOR, queue_name=NOTIFICATIONS_QUEUE, time_limit=15 * 60 * 1000)
async def deliver_batch(merchant_id: int) -> None:
    """Send the shop's waiting messages (see ``delivery``)."""
    report = await delivery.deliver_batch(merchant_id)
    if report:
        log.info("notifications delivered", extra={"merchant_id": merchant_id, **dict(report)})


@jobs.periodic(every_seconds=3600)
@jobs.actor(QUEUE_REMINDERS_ACTOR, queue_name=NOTIFICATIONS_QUEUE, time_limit=30 * 60 * 1000)
async def queue_reminders() -> None:
    """Points expiring in 30 days and codes ending in 3 days become delivery rows."""
    reminders = await flows.queue_expiry_reminders()
    codes = await flows.queue_expiring_codes()
    if reminders or codes:
        log.info("notifications queued", extra={"points_expiring": reminders, "reward_code_expiring": codes})


@jobs.periodic(every_seconds=60)
@jobs.actor(SWEEP_ACTOR, queue_name=NOTIFICATIONS_QUEUE)
async def sweep_deliveries() -> None:
    shops = await delivery.sweep()
    if shops:
        log.info("notification deliveries woken", extra={"shops": len(shops)})
