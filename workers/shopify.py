"""Actors of the shopify context."""

from __future__ import annotations

import dramatiq

from loyalnest.contexts.shopify import api as shopify


@dramatiq.actor(actor_name=shopify.PROCESS_WEBHOOK_ACTOR, queue_name=shopify.SHOPIFY_QUEUE)
async def process_webhook(merchant_id: int, inbox_id: int) -> None:
    """Idempotent: a processed row is skipped, and every posting has its own key."""
    await shopify.process_webhook(merchant_id, inbox_id)
