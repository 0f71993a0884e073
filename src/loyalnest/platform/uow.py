"""Unit of work: one write transaction, owned by the boundary (a mutation, an actor, a
route). Services receive it and never commit. Side effects (jobs, live updates) are
collected during the transaction and leave only after commit."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform import outbox, pubsub
from loyalnest.platform.db import get_sessionmaker

log = logging.getLogger(__name__)


class UnitOfWork:
    def __init__(self, session: AsyncSession):
        self.session = session
        self._outbox: list[outbox.OutboxMessage] = []
        self._publications: list[tuple[str, dict[str, Any]]] = []
        self._after_commit: list[Callable[[], Awaitable[None]]] = []

    def enqueue(self, actor_name: str, *, queue_name: str = "default", **kwargs: Any) -> None:
        """Schedule a Dramatiq job, committed with this transaction (transactional outbox)."""
        message = outbox.OutboxMessage(actor_name=actor_name, queue_name=queue_name, kwargs=kwargs)
        self.session.add(message)
        self._outbox.append(message)

    def publish(self, channel: str, payload: dict[str, Any]) -> None:
        """Publish a live update after commit (at-most-once; never for a rollback)."""
        self._publications.append((channel, payload))

    def after_commit(self, callback: Callable[[], Awaitable[None]]) -> None:
        self._after_commit.append(callback)

    async def _run_after_commit(self) -> None:
        if self._outbox:
            sent = outbox.send_messages(self._outbox)
            if sent:
                try:
                    async with get_sessionmaker()() as session, session.begin():
                        await outbox.delete_sent(session, sent)
                except Exception:  # the relay would re-send: actors are idempotent
                    log.warning("could not clear sent outbox rows", exc_info=True)
        for channel, payload in self._publications:
            try:
                await pubsub.publish(channel, payload)
            except Exception:  # live updates are best effort by design
                log.warning("pubsub publish failed", extra={"channel": channel})
        for callback in self._after_commit:
            await callback()


@asynccontextmanager
async def unit_of_work() -> AsyncIterator[UnitOfWork]:
    async with get_sessionmaker()() as session:
        uow = UnitOfWork(session)
        async with session.begin():
            yield uow
        await uow._run_after_commit()
