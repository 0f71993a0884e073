"""Work on the inbox that spans several transactions: processing a shop's waiting
rows batch after batch (with the retries that keep one bad row from holding the
others back), and the relay of rows that never reached a worker."""

from __future__ import annotations

import logging
from datetime import timedelta

from loyalnest.contexts.webhooks import commands, repository
from loyalnest.contexts.webhooks.intake import BATCH_SIZE, enqueue_processing
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

# A message keeps draining its shop's backlog while full batches come back, this many
# batches at most (each its own transaction); what is left has messages of its own.
MAX_BATCHES_PER_MESSAGE = 50
# A batch that deadlocks with another is run again (as a batch) this many times.
MAX_CONFLICT_RETRIES = 3
# A row that failed this often (Dramatiq's retries included) or was re-sent this often
# is parked as "failed" with its error, for an operator, instead of looping forever.
MAX_ATTEMPTS = 25
MAX_RELAYS = 50


async def process_webhook(merchant_id: int, inbox_id: int, *, batch_size: int = BATCH_SIZE) -> int:
    """Process an inbox row and the shop's later waiting rows, ``batch_size`` per
    transaction, while full batches keep coming (a backlog drains without a message
    per row). Returns how many rows were processed.

    Idempotent: processed rows are skipped, and every reaction to an event is keyed
    (every ledger posting has its own key). If a batch fails, its rows are retried one
    by one so one bad row cannot hold the others back; errors are recorded, and the
    named row's is re-raised for Dramatiq's retries.
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
                done = await commands.process_batch(
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
                processed += await commands.process_batch(uow, merchant_id, inbox_id, batch_size=1)
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
    """Re-enqueue inbox rows still unprocessed after ``older_than_seconds`` (after
    parking those that failed or were relayed too often to be worth another try)."""
    async with unit_of_work() as uow:
        stale = await repository.stale_pending(
            uow.session,
            older_than=utcnow() - timedelta(seconds=older_than_seconds),
            limit=limit,
            max_attempts=MAX_ATTEMPTS,
            max_relays=MAX_RELAYS,
        )
    for merchant_id, inbox_id in stale:
        enqueue_processing(merchant_id, inbox_id)
    return len(stale)
