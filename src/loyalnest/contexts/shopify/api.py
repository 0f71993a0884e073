"""Public door of the shopify context: webhook intake, processing and relay."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from loyalnest.contexts.shopify import repository, rules, service
from loyalnest.contexts.shopify.admin_api import (
    DISCOUNT_KINDS,
    CustomerInfo,
    DiscountCodeResult,
    DiscountKind,
    DiscountUserError,
    ShopifyAdminError,
    ShopInfo,
    create_discount_code,
    get_customer,
    get_shop,
)
from loyalnest.platform import queue
from loyalnest.platform.key_rotation import EncryptedColumn
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

__all__ = [
    "DISCOUNT_KINDS",
    "ENCRYPTED_COLUMNS",
    "PROCESS_WEBHOOK_ACTOR",
    "SHOPIFY_QUEUE",
    "AcceptResult",
    "CustomerInfo",
    "DiscountCodeResult",
    "DiscountKind",
    "DiscountUserError",
    "ShopInfo",
    "ShopifyAdminError",
    "accept_webhook",
    "app_proxy_signature",
    "create_discount_code",
    "enqueue_processing",
    "get_customer",
    "get_shop",
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
# A message keeps draining its shop's backlog while full batches come back, this many
# batches at most (each its own transaction); what is left has messages of its own.
MAX_BATCHES_PER_MESSAGE = 50
# A batch that deadlocks with another is run again (as a batch) this many times.
MAX_CONFLICT_RETRIES = 3
# Intake group commit: deliveries stored per INSERT, and INSERTs running at once.
INTAKE_MAX_BATCH = 500
INTAKE_MAX_IN_FLIGHT = 2

# For ``loyalnest rotate-keys``: inbox payloads waiting to be processed (cleared after).
ENCRYPTED_COLUMNS = [
    EncryptedColumn("shopify_webhook_inbox", ("merchant_id", "id"), "payload_enc", service.PAYLOAD_CONTEXT)
]

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


def _hand_off(stored: list[tuple[int, int]]) -> None:
    """After commit: one message per shop and BATCH_SIZE of its new rows, naming the
    first (the actor claims the named row and the shop's later waiting rows). If the
    broker is down the rows stay unprocessed and ``relay_stale_webhooks`` sends them."""
    by_merchant: dict[int, list[int]] = {}
    for merchant_id, inbox_id in stored:
        by_merchant.setdefault(merchant_id, []).append(inbox_id)
    for merchant_id, ids in by_merchant.items():
        ids.sort()
        for start in range(0, len(ids), BATCH_SIZE):
            try:
                enqueue_processing(merchant_id, ids[start])
            except Exception:
                log.warning("broker unavailable; webhooks left for the relay", extra={"inbox_id": ids[start]})
                return


async def accept_webhook(*, merchant_id: int, event_id: str, topic: str, raw_body: bytes) -> AcceptResult:
    """Store a verified webhook once and hand it to a worker.

    The inbox row is its own outbox: if the hand-off fails (broker down, process killed)
    the row stays unprocessed and ``relay_stale_webhooks`` sends it again. Concurrent
    deliveries share one INSERT and commit (group commit); each returns only once its
    row is committed.
    """
    row = repository.NewInboxRow(
        merchant_id=merchant_id, event_id=event_id, topic=topic, payload_enc=service.encrypt_payload(raw_body)
    )
    writer = service.inbox_writer(_hand_off, max_batch=INTAKE_MAX_BATCH, max_in_flight=INTAKE_MAX_IN_FLIGHT)
    inbox_id = await writer.store(row)
    return AcceptResult(inbox_id=inbox_id, duplicate=inbox_id is None)


async def process_webhook(merchant_id: int, inbox_id: int, *, batch_size: int = BATCH_SIZE) -> int:
    """Process an inbox row and the shop's later waiting rows, ``batch_size`` per
    transaction, while full batches keep coming (a backlog drains without a message
    per row). Returns how many rows were processed.

    Idempotent: processed rows are skipped, and every ledger posting has its own key.
    If a batch fails, its rows are retried one by one so one bad row cannot hold the
    others back; errors are recorded, and the named row's is re-raised for Dramatiq's
    retries.
    """
    if batch_size <= 1:
        return await _process_one_by_one(merchant_id, inbox_id, [inbox_id])
    total = 0
    first_id = inbox_id
    conflicts = 0
    batches = 0
    while batches < MAX_BATCHES_PER_MESSAGE:
        claimed: list[int] = []
        try:
            async with unit_of_work() as uow:
                done = await service.process_batch(
                    uow, merchant_id, first_id, batch_size=batch_size, claimed=claimed
                )
        except Exception as exc:
            if _is_transient_conflict(exc) and conflicts < MAX_CONFLICT_RETRIES:
                # a deadlock (e.g. with a staff adjustment of the same accounts): the
                # other transaction has its locks now, so the same batch again goes through
                conflicts += 1
                log.info("webhook batch hit a lock conflict; retrying it", extra={"inbox_id": inbox_id})
                continue
            log.warning(
                "webhook batch failed; retrying its rows one by one",
                extra={"inbox_id": inbox_id},
                exc_info=True,
            )
            return total + await _process_one_by_one(merchant_id, inbox_id, claimed or [first_id])
        batches += 1
        total += done
        if done < batch_size:
            break
        first_id = max(claimed) + 1
    return total


# deadlock_detected, serialization_failure: the transaction did nothing, try it again
_TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})


def _is_transient_conflict(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if getattr(seen, "sqlstate", None) in _TRANSIENT_SQLSTATES:
            return True
        seen = seen.__cause__ or getattr(seen, "orig", None)
    return False


async def _process_one_by_one(merchant_id: int, named_id: int, inbox_ids: list[int]) -> int:
    processed = 0
    named_error: Exception | None = None
    for inbox_id in inbox_ids:
        try:
            async with unit_of_work() as uow:
                processed += await service.process_batch(uow, merchant_id, inbox_id, batch_size=1)
        except Exception as exc:
            async with unit_of_work() as uow:
                await repository.record_failure(uow.session, merchant_id, inbox_id, repr(exc))
            if inbox_id == named_id:
                named_error = exc
            else:  # left unprocessed: the relay sends it again later
                log.warning("webhook failed", extra={"inbox_id": inbox_id, "error": repr(exc)})
    if named_error is not None:
        raise named_error
    return processed


async def relay_stale_webhooks(*, older_than_seconds: float, limit: int = 1000) -> int:
    """Re-enqueue inbox rows still unprocessed after ``older_than_seconds``."""
    async with unit_of_work() as uow:
        stale = await service.stale_pending(
            uow, older_than=utcnow() - timedelta(seconds=older_than_seconds), limit=limit
        )
    for merchant_id, inbox_id in stale:
        enqueue_processing(merchant_id, inbox_id)
    return len(stale)
