"""Actors of the webhooks context, and its relay."""

from __future__ import annotations

from loyalnest.contexts.webhooks import flows
from loyalnest.contexts.webhooks.intake import PROCESS_WEBHOOK_ACTOR, SHOPIFY_QUEUE
from loyalnest.platform import jobs


@jobs.actor(PROCESS_WEBHOOK_ACTOR, queue_name=SHOPIFY_QUEUE)
async def process_webhook(merchant_id: int, inbox_id: int) -> None:
    """Idempotent: a processed row is skipped, and every reaction is keyed."""
    await flows.process_webhook(merchant_id, inbox_id)


@jobs.relay("webhooks")
async def relay(*, older_than_seconds: float) -> int:
    """Inbox rows whose hand-off to the broker was lost are sent again."""
    return await flows.relay_stale_webhooks(older_than_seconds=older_than_seconds)
