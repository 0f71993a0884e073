"""Periodic jobs: re-send what never reached the broker.

Runs as its own small loop (``loyalnest scheduler``, or beside the workers in
``loyalnest worker``). A Redis lock lets several run without doubling the work.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from loyalnest.contexts.shopify import api as shopify
from loyalnest.platform import outbox
from loyalnest.platform.redis import get_async_redis, key
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

LOCK_KEY = "scheduler:relay"


async def relay_once(*, stale_after_seconds: float) -> dict[str, int]:
    webhooks = await shopify.relay_stale_webhooks(older_than_seconds=stale_after_seconds)
    async with unit_of_work() as uow:
        messages = await outbox.relay_pending(
            uow.session, older_than=utcnow() - timedelta(seconds=stale_after_seconds)
        )
    if webhooks or messages:
        log.info("relayed", extra={"webhooks": webhooks, "outbox_messages": messages})
    return {"webhooks": webhooks, "outbox_messages": messages}


async def run_forever(*, interval_seconds: float, stale_after_seconds: float) -> None:
    redis = get_async_redis()
    while True:
        try:
            # hold the lock for one interval: one relay pass per interval across the fleet
            if await redis.set(key(LOCK_KEY), "1", nx=True, px=int(interval_seconds * 1000)):
                await relay_once(stale_after_seconds=stale_after_seconds)
        except Exception:  # keep the loop alive through a database or Redis outage
            log.exception("relay pass failed")
        await asyncio.sleep(interval_seconds)
