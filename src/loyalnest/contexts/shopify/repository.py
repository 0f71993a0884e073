"""All SQL of the shopify context."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.shopify.models import WebhookInbox
from loyalnest.platform.timeutil import utcnow


async def insert_inbox(
    session: AsyncSession, *, merchant_id: int, event_id: str, topic: str, payload_enc: str
) -> int | None:
    """Store the webhook unless this event was stored before; returns the new id."""
    stmt = (
        insert(WebhookInbox)
        .values(merchant_id=merchant_id, event_id=event_id, topic=topic, payload_enc=payload_enc)
        .on_conflict_do_nothing(index_elements=["merchant_id", "event_id"])
        .returning(WebhookInbox.id)  # type: ignore[arg-type]
    )
    new_id = (await session.execute(stmt)).scalar_one_or_none()
    return None if new_id is None else int(new_id)


async def claim_pending(
    session: AsyncSession, merchant_id: int, first_id: int, *, limit: int
) -> Sequence[WebhookInbox]:
    """Lock the given row and up to ``limit - 1`` other waiting rows of the merchant.
    SKIP LOCKED: rows another worker holds are left to it."""
    query = (
        select(WebhookInbox)
        .where(
            WebhookInbox.merchant_id == merchant_id,  # type: ignore[arg-type]
            WebhookInbox.processed_at.is_(None),  # type: ignore[union-attr]
            WebhookInbox.id >= first_id if limit > 1 else WebhookInbox.id == first_id,  # type: ignore[operator]
        )
        .order_by(WebhookInbox.id)  # type: ignore[arg-type]
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(query)).scalars().all()


def mark_done(row: WebhookInbox, outcome: str, error: str | None = None) -> None:
    row.processed_at = utcnow()
    row.outcome = outcome
    row.last_error = error
    row.payload_enc = None  # PII is not kept longer than needed


async def record_failure(session: AsyncSession, merchant_id: int, inbox_id: int, error: str) -> None:
    await session.execute(
        update(WebhookInbox)
        .where(
            WebhookInbox.merchant_id == merchant_id,  # type: ignore[arg-type]
            WebhookInbox.id == inbox_id,  # type: ignore[arg-type]
        )
        .values(attempts=WebhookInbox.attempts + 1, last_error=error[:2000])
    )


async def stale_pending(session: AsyncSession, *, older_than: datetime, limit: int) -> list[tuple[int, int]]:
    query = (
        select(WebhookInbox.merchant_id, WebhookInbox.id)
        .where(
            WebhookInbox.processed_at.is_(None),  # type: ignore[union-attr]
            WebhookInbox.received_at < older_than,  # type: ignore[arg-type]
        )
        .order_by(WebhookInbox.received_at)  # type: ignore[arg-type]
        .limit(limit)
    )
    return [(int(m), int(i)) for m, i in (await session.execute(query)).all()]


async def get(session: AsyncSession, merchant_id: int, inbox_id: int) -> WebhookInbox | None:
    return await session.get(WebhookInbox, (merchant_id, inbox_id))
