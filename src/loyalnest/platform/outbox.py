"""Transactional outbox: jobs are rows written in the business transaction, sent to
Dramatiq right after commit, and re-sent by the relay if that send never happened
(broker down, process killed). Nothing is sent for a rolled-back transaction."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Identity, String, delete, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from loyalnest.platform import queue
from loyalnest.platform.timeutil import utcnow

log = logging.getLogger(__name__)


class OutboxMessage(SQLModel, table=True):
    # Infrastructure, not tenant data: payloads carry ids only, never PII.
    __tablename__ = "outbox_messages"

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    actor_name: str = Field(sa_column=Column(String(200), nullable=False))
    queue_name: str = Field(sa_column=Column(String(100), nullable=False))
    kwargs: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now(), index=True),
    )


def send_messages(messages: list[OutboxMessage]) -> list[int]:
    """Send to the broker; return the ids that went out (the rest stay for the relay)."""
    sent: list[int] = []
    for message in messages:
        try:
            queue.send(message.actor_name, message.queue_name, message.kwargs)
        except Exception:  # broker down: the relay will retry from the table
            log.warning("outbox send failed; left for relay", extra={"actor": message.actor_name})
            break
        assert message.id is not None
        sent.append(message.id)
    return sent


async def delete_sent(session: AsyncSession, ids: list[int]) -> None:
    if ids:
        await session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))  # type: ignore[union-attr]


async def relay_pending(session: AsyncSession, *, older_than: datetime, limit: int = 500) -> int:
    """Re-send messages whose after-commit send did not happen. Returns how many went out."""
    rows = (
        (
            await session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.created_at < older_than)  # type: ignore[arg-type]
                .order_by(OutboxMessage.id)  # type: ignore[arg-type]
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    sent = send_messages(list(rows))
    await delete_sent(session, sent)
    return len(sent)
