"""Unit of work: one write transaction, owned by the boundary (a mutation, an actor, a
route). Commands and handlers receive it and never commit. Events published on it reach
their handlers inside the transaction; side effects (jobs, live updates) are collected
and leave only after commit."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.platform import events, outbox, pubsub
from loyalnest.platform.db import get_sessionmaker

log = logging.getLogger(__name__)

T = TypeVar("T")


class CacheKey(Generic[T]):
    """Names one kind of value a unit of work may cache (typed: ``uow.cached`` returns
    a ``T``). Declared once, at module level, by the context that owns the value."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return f"CacheKey({self.name!r})"


class UnitOfWork:
    def __init__(self, session: AsyncSession):
        self.session = session
        self._outbox: list[outbox.OutboxMessage] = []
        self._publications: list[tuple[str, dict[str, Any]]] = []
        self._after_commit: list[Callable[[], Awaitable[None]]] = []
        self._cache: dict[tuple[CacheKey[Any], Hashable], Any] = {}

    # --- events and side effects ---------------------------------------------------------

    async def publish_events(self, published: Sequence[events.Event]) -> None:
        """Hand events to their handlers now, inside this transaction."""
        await events.dispatch(self, published)

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

    # --- per-transaction cache -----------------------------------------------------------

    async def cached(self, key: CacheKey[T], scope: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """The value of ``key`` for ``scope`` (usually a merchant id), loaded once per
        unit of work: a batch of webhooks handled in one transaction reads a shop's
        settings once and earns under one set of rules."""
        slot = (key, scope)
        if slot in self._cache:
            return self._cache[slot]  # type: ignore[no-any-return]
        value = await load()
        self._cache[slot] = value
        return value

    def forget(self, key: CacheKey[Any], scope: Hashable) -> None:
        """Drop a cached value after the transaction changed it."""
        self._cache.pop((key, scope), None)

    async def _run_after_commit(self) -> None:
        if self._outbox:
            sent = outbox.send_messages(self._outbox)
            if sent:
                try:
                    async with get_sessionmaker()() as session, session.begin():
                        await outbox.delete_sent(session, sent)
                except Exception:  # the relay would re-send: actors are idempotent
                    log.warning("could not clear sent outbox rows", exc_info=True)
        if self._publications:
            try:
                await pubsub.publish_many(self._publications)
            except Exception:  # live updates are best effort by design
                log.warning("pubsub publish failed", extra={"messages": len(self._publications)})
        for callback in self._after_commit:
            await callback()


@asynccontextmanager
async def unit_of_work() -> AsyncIterator[UnitOfWork]:
    async with get_sessionmaker()() as session:
        uow = UnitOfWork(session)
        async with session.begin():
            yield uow
        await uow._run_after_commit()
