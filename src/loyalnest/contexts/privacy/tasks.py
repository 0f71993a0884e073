"""Actors of the privacy context, all idempotent (each request is claimed once; see
``shop_deletion``)."""

from __future__ import annotations

import logging

from loyalnest.contexts.privacy import customer_erasure, data_export, deadlines, retention, shop_deletion
from loyalnest.contexts.privacy.commands import (
    EXPORT_CUSTOMER_ACTOR,
    PRIVACY_QUEUE,
    REDACT_CUSTOMER_ACTOR,
    REDACT_SHOP_ACTOR,
)
from loyalnest.platform import jobs

log = logging.getLogger(__name__)

SWEEP_ACTOR = "privacy.sweep_requests"
RETENTION_ACTOR = "privacy.enforce_retention"


@jobs.actor(REDACT_SHOP_ACTOR, queue_name=PRIVACY_QUEUE, time_limit=6 * 60 * 60 * 1000)
async def redact_shop(request_id: int) -> None:
    """Delete a shop's data (its ``shop_redact`` request); nothing if it was done."""
    await shop_deletion.redact_shop(request_id)


@jobs.actor(REDACT_CUSTOMER_ACTOR, queue_name=PRIVACY_QUEUE)
async def redact_customer(request_id: int) -> None:
    """Erase a customer's personal data (its ``customer_redact`` request); nothing if done."""
    await customer_erasure.redact_customer(request_id)


@jobs.actor(EXPORT_CUSTOMER_ACTOR, queue_name=PRIVACY_QUEUE, time_limit=30 * 60 * 1000)
async def export_customer_data(request_id: int) -> None:
    """Build a customer's data archive (its ``data_request``); nothing if it was done."""
    await data_export.export_customer_data(request_id)


@jobs.periodic(every_seconds=60 * 60)
@jobs.actor(SWEEP_ACTOR, queue_name=PRIVACY_QUEUE)
async def sweep_requests() -> None:
    """Shops uninstalled a week ago whose shop/redact never came, unfinished requests,
    requests past their deadline (staff told once), unconfirmed ones whose link ended."""
    sent = await shop_deletion.sweep()
    overdue = await deadlines.alert_overdue()
    expired = await deadlines.expire_unconfirmed()
    if sent or overdue or expired:
        log.info(
            "privacy requests swept",
            extra={"sent": len(sent), "overdue": len(overdue), "expired": expired},
        )


@jobs.periodic(every_seconds=24 * 60 * 60)
@jobs.actor(RETENTION_ACTOR, queue_name=PRIVACY_QUEUE, time_limit=2 * 60 * 60 * 1000)
async def enforce_retention() -> None:
    """Delete what is older than the retention limits (``retention``)."""
    done = await retention.enforce()
    if any(done.values()):
        log.info("retention enforced", extra={"rows": done})
