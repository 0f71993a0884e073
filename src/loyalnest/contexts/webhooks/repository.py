"""All SQL of the webhooks context (the inbox).

Intake and processing are the hot paths (every webhook, thousands a second at peak), so
their statements are plain SQL run as asyncpg prepared statements: intake's on a plain
pooled connection, processing's on the session's own connection and transaction
(``platform.db.driver_connection``), several rows per statement where a batch allows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform import retention
from loyalnest.platform.db import driver_connection


@dataclass(frozen=True, slots=True)
class InboxRow:
    merchant_id: int
    id: int
    topic: str
    payload_enc: str | None


@dataclass(frozen=True, slots=True)
class NewInboxRow:
    merchant_id: int
    event_id: str
    topic: str
    payload_enc: str


# Rows are numbered by their position in the arrays, so each caller learns its own id;
# a delivery already stored (or twice in the same batch) returns nothing for its slot.
# A row of a shop deleted since the route looked it up (its cached lookup) is not
# inserted but named with a null id: its foreign key would fail the whole statement,
# and with it the other shops' deliveries sharing the group commit.
SHOP_GONE = -1
_INSERT_INBOX_MANY = """
WITH n AS (
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[])
        AS n(merchant_id, event_id, topic, payload_enc, position)
), inserted AS (
    INSERT INTO shopify_webhook_inbox (merchant_id, event_id, topic, payload_enc)
    SELECT merchant_id, event_id, topic, payload_enc FROM n
    WHERE EXISTS (SELECT 1 FROM merchants m WHERE m.id = n.merchant_id)
    ORDER BY position
    ON CONFLICT (merchant_id, event_id) DO NOTHING
    RETURNING merchant_id, event_id, id
)
SELECT merchant_id, event_id, id FROM inserted
UNION ALL
SELECT n.merchant_id, n.event_id, NULL FROM n
WHERE NOT EXISTS (SELECT 1 FROM merchants m WHERE m.id = n.merchant_id)
"""


async def insert_inbox_many(connection: asyncpg.Connection, rows: Sequence[NewInboxRow]) -> list[int | None]:
    """Store several webhooks in one statement; for each, its new id, None when that
    event was stored before (or an earlier row of this batch is the same event), or
    ``SHOP_GONE`` when its shop no longer exists.
    On a connection outside any transaction (``platform.db.plain_connection``), the
    statement is its own transaction and has committed when this returns."""
    records = await connection.fetch(
        _INSERT_INBOX_MANY,
        [r.merchant_id for r in rows],
        [r.event_id for r in rows],
        [r.topic for r in rows],
        [r.payload_enc for r in rows],
        list(range(len(rows))),
    )
    new_ids = {(int(m), e): SHOP_GONE if i is None else int(i) for m, e, i in records}
    result: list[int | None] = []
    for row in rows:
        # pop: a second row with the same key in this batch is a duplicate of the first
        result.append(new_ids.pop((row.merchant_id, row.event_id), None))
    return result


# pg_advisory_xact_lock(classid, objid): this class id is the webhooks context's "inbox
# processing of one shop" (kept from when it was the shopify context's, so a fleet being
# upgraded still excludes itself); the lock ends with the transaction.
_INBOX_LOCK_CLASS = 0x53484F50  # "SHOP"
_LOCK_SHOP_INBOX = "SELECT pg_advisory_xact_lock($1::int, $2::int)"


async def lock_shop_inbox(session: AsyncSession, merchant_id: int) -> None:
    """Wait until no other transaction is processing this shop's inbox, then hold that
    right until this transaction ends: a shop's webhooks are processed one batch at a
    time, in inbox order (and two batches sharing customers can never deadlock)."""
    connection = await driver_connection(session)
    await connection.execute(_LOCK_SHOP_INBOX, _INBOX_LOCK_CLASS, merchant_id % 2_147_483_647)


_CLAIM = """
SELECT merchant_id, id, topic, payload_enc FROM shopify_webhook_inbox
WHERE merchant_id = $1 AND processed_at IS NULL AND id >= $2
ORDER BY id
LIMIT $3
FOR UPDATE SKIP LOCKED
"""
_CLAIM_ONE = """
SELECT merchant_id, id, topic, payload_enc FROM shopify_webhook_inbox
WHERE merchant_id = $1 AND processed_at IS NULL AND id = $2
FOR UPDATE SKIP LOCKED
"""


async def claim_pending(
    session: AsyncSession, merchant_id: int, first_id: int, *, limit: int
) -> list[InboxRow]:
    """Lock the given row and up to ``limit - 1`` later waiting rows of the merchant.
    SKIP LOCKED: rows another worker holds are left to it."""
    connection = await driver_connection(session)
    if limit > 1:
        records = await connection.fetch(_CLAIM, merchant_id, first_id, limit)
    else:
        records = await connection.fetch(_CLAIM_ONE, merchant_id, first_id)
    return [InboxRow(int(m), int(i), t, p) for m, i, t, p in records]


_MARK_DONE = """
UPDATE shopify_webhook_inbox AS i
SET processed_at = clock_timestamp(), outcome = d.outcome, last_error = d.error,
    -- PII is not kept once handled; a deferred row keeps it for the handler to come
    payload_enc = CASE WHEN d.outcome = 'deferred' THEN payload_enc END
FROM unnest($2::bigint[], $3::text[], $4::text[]) AS d(id, outcome, error)
WHERE i.merchant_id = $1 AND i.id = d.id
"""


async def mark_done(
    session: AsyncSession, merchant_id: int, outcomes: Sequence[tuple[int, str, str | None]]
) -> None:
    """Record each row's outcome ("processed", "ignored", "failed" with its error) and
    clear its payload: PII is not kept longer than needed."""
    if not outcomes:
        return
    connection = await driver_connection(session)
    await connection.execute(
        _MARK_DONE,
        merchant_id,
        [i for i, _, _ in outcomes],
        [o for _, o, _ in outcomes],
        [e for _, _, e in outcomes],
    )


_RECORD_FAILURE = """
UPDATE shopify_webhook_inbox SET attempts = attempts + 1, last_error = $3
WHERE merchant_id = $1 AND id = $2
"""


async def record_failure(session: AsyncSession, merchant_id: int, inbox_id: int, error: str) -> None:
    connection = await driver_connection(session)
    await connection.execute(_RECORD_FAILURE, merchant_id, inbox_id, error[:2000])


_GIVE_UP = """
UPDATE shopify_webhook_inbox
SET processed_at = now(), outcome = 'failed',
    last_error = left(coalesce(last_error || ' | ', '') || 'gave up after ' || attempts
                      || ' failed attempts and ' || relays || ' relays', 2000)
WHERE processed_at IS NULL AND (attempts >= $1 OR relays >= $2)
"""
# Due: still waiting past the staleness window, and not re-sent within it either (a row
# sitting in the queue or in Dramatiq's retry backoff is not sent again every pass).
_RELAY_DUE = """
WITH due AS (
    SELECT merchant_id, id FROM shopify_webhook_inbox
    WHERE processed_at IS NULL AND received_at < $1 AND (relayed_at IS NULL OR relayed_at < $1)
    ORDER BY received_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE shopify_webhook_inbox AS inbox SET relayed_at = now(), relays = inbox.relays + 1
FROM due WHERE inbox.merchant_id = due.merchant_id AND inbox.id = due.id
RETURNING inbox.merchant_id, inbox.id
"""


async def stale_pending(
    session: AsyncSession, *, older_than: datetime, limit: int, max_attempts: int, max_relays: int
) -> list[tuple[int, int]]:
    """Claim the rows the relay should send again (marking them relayed), after parking
    those that failed or were relayed too often to be worth another try."""
    connection = await driver_connection(session)
    await connection.execute(_GIVE_UP, max_attempts, max_relays)
    return [(int(m), int(i)) for m, i in await connection.fetch(_RELAY_DUE, older_than, limit)]


# --- a customer's erasure: the payloads still held (rows waiting, or deferred) -----------


async def held_payloads(session: AsyncSession, merchant_id: int) -> list[InboxRow]:
    """The shop's rows that still hold their payload (waiting to be processed, or
    deferred): a handled row's payload is already gone."""
    connection = await driver_connection(session)
    records = await connection.fetch(
        "SELECT merchant_id, id, topic, payload_enc FROM shopify_webhook_inbox"
        " WHERE merchant_id = $1 AND payload_enc IS NOT NULL ORDER BY id",
        merchant_id,
    )
    return [InboxRow(int(m), int(i), t, p) for m, i, t, p in records]


async def drop_payloads(session: AsyncSession, merchant_id: int, inbox_ids: Sequence[int]) -> None:
    """Clear the payloads of these rows and settle them (nothing left to process)."""
    connection = await driver_connection(session)
    await connection.execute(
        "UPDATE shopify_webhook_inbox SET payload_enc = NULL, processed_at = COALESCE(processed_at, now()),"
        " outcome = 'ignored', last_error = 'customer erased'"
        " WHERE merchant_id = $1 AND id = ANY($2::bigint[])",
        merchant_id,
        list(inbox_ids),
    )


# --- retention ---------------------------------------------------------------------------
# Handled rows (their payload already gone) are kept a while for support, then deleted.
_HANDLED_BEFORE = "processed_at IS NOT NULL AND received_at < $1"


async def delete_handled_before(
    session: AsyncSession, cutoff: datetime, *, limit: int, shops: retention.Shops = retention.EVERY_SHOP
) -> int:
    return await retention.delete_older(
        session, "shopify_webhook_inbox", _HANDLED_BEFORE, cutoff, limit=limit, shops=shops
    )


async def count_handled_before(
    session: AsyncSession, cutoff: datetime, *, shops: retention.Shops = retention.EVERY_SHOP
) -> int:
    return await retention.count_older(session, "shopify_webhook_inbox", _HANDLED_BEFORE, cutoff, shops=shops)
