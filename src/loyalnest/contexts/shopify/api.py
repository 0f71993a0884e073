"""Public door of the shopify context: webhook intake, processing and relay."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from loyalnest.contexts.shopify import repository, rules, service
from loyalnest.platform import queue
from loyalnest.platform.db import get_sessionmaker
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

__all__ = [
    "PROCESS_WEBHOOK_ACTOR",
    "SHOPIFY_QUEUE",
    "AcceptResult",
    "accept_webhook",
    "app_proxy_signature",
    "enqueue_processing",
    "process_webhook",
    "relay_stale_webhooks",
    "verify_app_proxy_signature",
    "verify_webhook_hmac",
    "webhook_hmac",
]

log = logging.getLogger(__name__)

PROCESS_WEBHOOK_ACTOR = "shopify.process_webhook"
SHOPIFY_QUEUE = "shopify"
# Rows of one shop handled per transaction when a backlog has built up.
BATCH_SIZE = 200

verify_webhook_hmac = rules.verify_webhook_hmac
webhook_hmac = rules.webhook_hmac
verify_app_proxy_signature = rules.verify_app_proxy_signature
app_proxy_signature = rules.app_proxy_signature


@dataclass(frozen=True)
class AcceptResult:
    inbox_id: int | None
    duplicate: bool


def enqueue_processing(merchant_id: int, inbox_id: int) -> None:
    queue.send(PROCESS_WEBHOOK_ACTOR, SHOPIFY_QUEUE, {"merchant_id": merchant_id, "inbox_id": inbox_id})


async def accept_webhook(*, merchant_id: int, event_id: str, topic: str, raw_body: bytes) -> AcceptResult:
    """Store a verified webhook once and hand it to a worker.

    The inbox row is its own outbox: if the hand-off fails (broker down, process killed)
    the row stays unprocessed and ``relay_stale_webhooks`` sends it again.
    """
    payload_enc = service.encrypt_payload(raw_body)
    async with get_sessionmaker()() as session, session.begin():
        inbox_id = await repository.insert_inbox(
            session, merchant_id=merchant_id, event_id=event_id, topic=topic, payload_enc=payload_enc
        )
    if inbox_id is None:
        return AcceptResult(inbox_id=None, duplicate=True)
    try:
        enqueue_processing(merchant_id, inbox_id)
    except Exception:
        log.warning("broker unavailable; webhook left for the relay", extra={"inbox_id": inbox_id})
    return AcceptResult(inbox_id=inbox_id, duplicate=False)


async def process_webhook(merchant_id: int, inbox_id: int, *, batch_size: int = BATCH_SIZE) -> int:
    """Process an inbox row (and a batch of the shop's waiting rows with it).

    Idempotent: processed rows are skipped, and every ledger posting has its own key.
    If the batch fails, the named row is retried alone so one bad row cannot hold the
    others back; its error is recorded and re-raised for Dramatiq's retries.
    """
    if batch_size > 1:
        try:
            async with unit_of_work() as uow:
                return await service.process_batch(uow, merchant_id, inbox_id, batch_size=batch_size)
        except Exception:
            log.warning("webhook batch failed; retrying the row alone", extra={"inbox_id": inbox_id})
    try:
        async with unit_of_work() as uow:
            return await service.process_batch(uow, merchant_id, inbox_id, batch_size=1)
    except Exception as exc:
        async with unit_of_work() as uow:
            await repository.record_failure(uow.session, merchant_id, inbox_id, repr(exc))
        raise


async def relay_stale_webhooks(*, older_than_seconds: float, limit: int = 1000) -> int:
    """Re-enqueue inbox rows still unprocessed after ``older_than_seconds``."""
    async with unit_of_work() as uow:
        stale = await service.stale_pending(
            uow, older_than=utcnow() - timedelta(seconds=older_than_seconds), limit=limit
        )
    for merchant_id, inbox_id in stale:
        enqueue_processing(merchant_id, inbox_id)
    return len(stale)
