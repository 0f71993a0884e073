"""Work of the points context that spans several transactions: the expiry pass."""

from __future__ import annotations

import logging

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.points import repository
from loyalnest.contexts.points.dto import ExpiryReport
from loyalnest.contexts.points.ledger.posting import expire_due
from loyalnest.contexts.points.ledger.reminders import record_expiry_reminders
from loyalnest.platform.db import read_session
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

# Due lots looked at per pass step; each shop's share is one transaction.
PASS_BATCH_SIZE = 500
MAX_BATCHES_PER_PASS = 100


async def expire_lots(
    *, batch_size: int = PASS_BATCH_SIZE, max_batches: int = MAX_BATCHES_PER_PASS
) -> ExpiryReport:
    """The expiry pass (``points.expire_lots``, hourly): every lot whose time has come
    gives up its unspent remainder, one ``expire`` row each, once; then the reminders
    for points expiring within ``REMINDER_DAYS`` are recorded. Safe to run twice or
    concurrently: a lot is expired under its owner's account lock, and only while it
    still holds points. A shop that fails is logged and skipped for this pass; so is a
    shop that uninstalled the app (its data waits as it was for a reinstall, and a lot
    expires by its own date whenever the pass reaches it)."""
    now = utcnow()
    expired = 0
    failed: set[int] = set()
    uninstalled = set(await merchants.uninstalled_shops())
    for _ in range(max_batches):
        async with read_session() as session:
            due = await repository.customers_with_due_lots(
                session, now=now, limit=batch_size, skip_shops=sorted(failed | uninstalled)
            )
        if not due:
            break
        by_shop: dict[int, list[int]] = {}
        for merchant_id, customer_id in due:
            by_shop.setdefault(merchant_id, []).append(customer_id)
        for merchant_id, customer_ids in by_shop.items():
            try:
                async with unit_of_work() as uow:
                    expired += await expire_due(uow, merchant_id, customer_ids)
            except Exception:
                log.exception("expiring points failed", extra={"merchant_id": merchant_id})
                failed.add(merchant_id)
    async with unit_of_work() as uow:
        recorded, cancelled = await record_expiry_reminders(uow, now=now)
    return ExpiryReport(expired, recorded, cancelled, tuple(sorted(failed)))
