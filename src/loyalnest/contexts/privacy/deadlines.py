"""Watching the deadlines: a request past its due date (30 days from receipt, or from
the customer's confirmation) tells the shop's staff once, by email, and shows as
overdue in the admin until it completes (an overdue shop deletion is logged for the
operator: the shop that left reads no email); a customer's own request whose emailed link
was never followed expires when the link does (nothing was done)."""

from __future__ import annotations

import logging
from datetime import datetime

from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.privacy import rules
from loyalnest.contexts.privacy.repository import requests
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)


async def alert_overdue(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Tell staff of each request newly past its deadline; returns their ids."""
    moment = now or utcnow()
    async with unit_of_work() as uow:
        overdue = await requests.take_overdue(uow.session, now=moment, limit=limit)
        for request in overdue:
            if request.type == rules.SHOP_REDACT:
                continue  # the shop left: the operator's log says it (below), not an email
            await notifications.queue_messages(
                uow,
                request.merchant_id,
                [
                    notifications.Outgoing(
                        type="privacy_request_overdue",
                        cause=f"request:{request.id}",
                        customer_id=None,
                        variables={
                            "request_number": request.id,
                            "request_type": request.type,
                            "due_at": request.due_at,
                        },
                    )
                ],
            )
    for request in overdue:
        log.warning(
            "privacy request overdue",
            extra={"request_id": request.id, "merchant_id": request.merchant_id, "status": request.status},
        )
    return [request.id for request in overdue]


async def expire_unconfirmed(*, now: datetime | None = None) -> int:
    moment = now or utcnow()
    async with unit_of_work() as uow:
        return await requests.expire_unconfirmed(
            uow.session, received_before=moment - (rules.confirm_link_expires_at(moment) - moment)
        )
