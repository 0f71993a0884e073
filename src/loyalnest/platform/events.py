"""In-transaction event bus.

A context announces what happened by publishing integration events (frozen dataclasses
declared in its public ``events`` module) on the unit of work; the contexts that care
register handlers for them in their own ``handlers`` module. Handlers run inside the
publisher's transaction, so a reaction (a ledger posting for an order) commits or rolls
back together with what caused it (the inbox row's outcome). Anything slow or external
is not done in a handler: the handler enqueues a job on the unit of work (outbox).

Events are published in batches (``UnitOfWork.publish_events``): a handler receives
every event of its type from one batch at once, so a backlog of 200 orders is awarded
with a handful of statements, not 200 times as many. Handlers of one event type run in
registration order, which is the order of ``loyalnest.contexts.CONTEXTS`` (each context's
``handlers`` module is imported in that order when the process loads the contexts).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from loyalnest.platform.uow import UnitOfWork


class Event:
    """Base of every integration event (subclasses are frozen dataclasses carrying ids
    and facts, never ORM rows)."""

    __slots__ = ()


E = TypeVar("E", bound=Event)
Handler = Callable[["UnitOfWork", Sequence[Any]], Awaitable[None]]

_handlers: dict[type[Event], list[Handler]] = {}
_loaded = False


def handles(*event_types: type[Event]) -> Callable[[Callable[..., Awaitable[None]]], Any]:
    """Register the decorated ``async def handler(uow, events)`` for these event types.
    It receives the events of one type from one batch, in publication order."""

    def register(handler: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        for event_type in event_types:
            registered = _handlers.setdefault(event_type, [])
            if handler not in registered:  # a module imported twice registers once
                registered.append(handler)
        return handler

    return register


def mark_loaded() -> None:
    """Called once every context's handlers are imported (``loyalnest.contexts.load``)."""
    global _loaded
    _loaded = True


def handlers_of(event_type: type[Event]) -> list[Handler]:
    return list(_handlers.get(event_type, ()))


async def dispatch(uow: UnitOfWork, events: Sequence[Event]) -> None:
    """Run the handlers of ``events``: consecutive events of one type form one batch,
    so the relative order of different event types is kept."""
    if not events:
        return
    if not _loaded:
        # a process that never loaded the contexts would drop every reaction silently
        raise RuntimeError("events published before loyalnest.contexts.load() registered the handlers")
    start = 0
    while start < len(events):
        event_type = type(events[start])
        end = start + 1
        while end < len(events) and type(events[end]) is event_type:
            end += 1
        batch = events[start:end]
        for handler in _handlers.get(event_type, ()):
            await handler(uow, batch)
        start = end
