"""The ``analytics.refresh_custom_segment`` actor: materialises one custom segment's
members after it was created or its rule changed. Idempotent: it sets the members to
what the rule says now, so a second run (Dramatiq is at-least-once) changes nothing,
and a segment deleted meanwhile is skipped."""

from __future__ import annotations

import logging

from loyalnest.contexts.analytics.commands import segments as commands
from loyalnest.platform import jobs
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

REFRESH_CUSTOM_SEGMENT_ACTOR = commands.REFRESH_CUSTOM_SEGMENT_ACTOR
ANALYTICS_QUEUE = commands.ANALYTICS_QUEUE


@jobs.actor(REFRESH_CUSTOM_SEGMENT_ACTOR, queue_name=ANALYTICS_QUEUE)
async def refresh_custom_segment(merchant_id: int, segment_id: int) -> None:
    async with unit_of_work() as uow:
        members = await commands.refresh_custom_segment(uow, merchant_id, segment_id)
    log.info(
        "custom segment refreshed",
        extra={"merchant_id": merchant_id, "segment_id": segment_id, "members": members},
    )
