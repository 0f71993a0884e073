"""Webhook intake: store a verified delivery once and hand it to a worker.

Intake is as small as it can be (verify, store, hand off) so Shopify gets its 200
fast; the processing runs in the ``shopify.process_webhook`` actor (``flows``).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from loyalnest.contexts.webhooks import repository
from loyalnest.contexts.webhooks.payload_crypto import encrypt_payload
from loyalnest.contexts.webhooks.repository import NewInboxRow
from loyalnest.platform import queue
from loyalnest.platform.db import plain_connection, retry_on_disconnect
from loyalnest.platform.group_commit import GroupCommit

log = logging.getLogger(__name__)

# The actor keeps the name and queue it had as the shopify context's: messages already
# queued in production (and the workers consuming them) know it by these.
PROCESS_WEBHOOK_ACTOR = "shopify.process_webhook"
SHOPIFY_QUEUE = "shopify"
# Rows of one shop handled per transaction when a backlog has built up (and named per
# message at hand-off).
BATCH_SIZE = 200
# Intake group commit: deliveries stored per INSERT, and INSERTs running at once.
INTAKE_MAX_BATCH = 500
INTAKE_MAX_IN_FLIGHT = 2


@dataclass(frozen=True)
class AcceptResult:
    inbox_id: int | None
    duplicate: bool
    # the shop was deleted after the route looked it up: nothing stored
    shop_gone: bool = False


def enqueue_processing(merchant_id: int, inbox_id: int) -> None:
    queue.send(PROCESS_WEBHOOK_ACTOR, SHOPIFY_QUEUE, {"merchant_id": merchant_id, "inbox_id": inbox_id})


def _hand_off(written: list[tuple[NewInboxRow, int | None]]) -> None:
    """After commit: one message per shop and BATCH_SIZE of its new rows, naming the
    first (the actor claims the named row and the shop's later waiting rows). If the
    broker is down the rows stay unprocessed and ``relay_stale_webhooks`` sends them.
    Duplicates (no new id) were handed off when first stored."""
    by_merchant: dict[int, list[int]] = {}
    for row, inbox_id in written:
        if inbox_id is not None and inbox_id != repository.SHOP_GONE:
            by_merchant.setdefault(row.merchant_id, []).append(inbox_id)
    for merchant_id, ids in by_merchant.items():
        ids.sort()
        for start in range(0, len(ids), BATCH_SIZE):
            try:
                enqueue_processing(merchant_id, ids[start])
            except Exception:
                log.warning("broker unavailable; webhooks left for the relay", extra={"inbox_id": ids[start]})
                return


async def _store_many(rows: Sequence[NewInboxRow]) -> list[int | None]:
    # One statement outside an explicit transaction: atomic and committed on its own.
    # Idempotent on (merchant_id, event_id), so a connection lost mid-statement (the
    # database restarted, the backend was terminated) is retried once on a fresh one
    # rather than answering Shopify 5xx. A row the lost attempt did commit comes back as
    # a duplicate and is not handed off here; ``relay_stale_webhooks`` sends it.
    return await retry_on_disconnect(lambda: _insert_many(rows), what="webhook intake")


async def _insert_many(rows: Sequence[NewInboxRow]) -> list[int | None]:
    # A plain pooled asyncpg connection, not a session: checking a session's connection
    # out and back cost about as much CPU as the INSERT itself (measured, bench webhooks).
    async with plain_connection() as connection:
        return await repository.insert_inbox_many(connection, rows)


# One group commit per event loop: asyncpg connections (and the futures callers wait
# on) belong to one loop.
_group_commits: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, GroupCommit[NewInboxRow, int | None]] = (
    weakref.WeakKeyDictionary()
)


def _inbox_group_commit() -> GroupCommit[NewInboxRow, int | None]:
    loop = asyncio.get_running_loop()
    group_commit = _group_commits.get(loop)
    if group_commit is None:
        group_commit = _group_commits[loop] = GroupCommit(
            _store_many, after_write=_hand_off, max_batch=INTAKE_MAX_BATCH, max_in_flight=INTAKE_MAX_IN_FLIGHT
        )
    return group_commit


async def accept_webhook(*, merchant_id: int, event_id: str, topic: str, raw_body: bytes) -> AcceptResult:
    """Store a verified webhook once and hand it to a worker.

    The inbox row is its own outbox: if the hand-off fails (broker down, process killed)
    the row stays unprocessed and ``relay_stale_webhooks`` sends it again. Concurrent
    deliveries share one INSERT and commit (group commit); each returns only once its
    row is committed and handed off.
    """
    row = NewInboxRow(
        merchant_id=merchant_id, event_id=event_id, topic=topic, payload_enc=encrypt_payload(raw_body)
    )
    inbox_id = await _inbox_group_commit().submit(row)
    if inbox_id == repository.SHOP_GONE:
        return AcceptResult(inbox_id=None, duplicate=False, shop_gone=True)
    return AcceptResult(inbox_id=inbox_id, duplicate=inbox_id is None)
