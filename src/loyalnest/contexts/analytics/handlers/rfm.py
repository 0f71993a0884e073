"""Orders, refunds and cancellations keep the RFM summaries, scores and segments current
in the same transaction as the webhook: per batch and shop, two statements (the order
copy, then the touched customers rescored set-based); a batch of guest or test orders
only costs the first, or none. Nothing at all when ``settings.analytics_realtime`` is
off: the orders are then not copied either, and the daily full pass only ages and
rescores what is stored (a throughput switch for benches and emergencies, not a mode
to run in).

Per-shop settings are not cached in the process: the scoring statement joins the
shop's settings row (a primary-key lookup inside a statement that runs anyway, so no
extra round trip and nothing to invalidate), which beats a snapshot whose version
must itself be read per batch (the campaigns way: one more statement)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from loyalnest.contexts.analytics.commands import rfm as commands
from loyalnest.contexts.webhooks.events import (
    HistoricalOrderImported,
    OrderCancelled,
    OrderPlaced,
    RefundCreated,
)
from loyalnest.platform.events import handles
from loyalnest.platform.uow import UnitOfWork
from loyalnest.settings import get_settings

E = TypeVar("E", OrderPlaced, OrderCancelled, RefundCreated)


def _by_merchant(events: Sequence[E]) -> dict[int, list[E]]:
    grouped: dict[int, list[E]] = {}
    for event in events:
        grouped.setdefault(event.merchant_id, []).append(event)
    return grouped


def _realtime() -> bool:
    return get_settings().analytics_realtime


@handles(OrderPlaced)
async def record_orders(uow: UnitOfWork, events: Sequence[OrderPlaced]) -> None:
    if not _realtime():
        return
    for merchant_id, batch in _by_merchant(events).items():
        await commands.record_orders(uow, merchant_id, batch)


@handles(HistoricalOrderImported)
async def record_historical_orders(uow: UnitOfWork, events: Sequence[HistoricalOrderImported]) -> None:
    """The shop's order history (imports' backfill) is kept as its orders/create would
    have been, whether or not the backfill gives points for it."""
    if not _realtime():
        return
    for merchant_id, batch in _by_merchant([e.order for e in events]).items():
        await commands.record_orders(uow, merchant_id, batch)


@handles(RefundCreated)
async def record_refunds(uow: UnitOfWork, events: Sequence[RefundCreated]) -> None:
    if not _realtime():
        return
    for merchant_id, batch in _by_merchant(events).items():
        await commands.record_refunds(uow, merchant_id, batch)


@handles(OrderCancelled)
async def record_cancellations(uow: UnitOfWork, events: Sequence[OrderCancelled]) -> None:
    if not _realtime():
        return
    for merchant_id, batch in _by_merchant(events).items():
        await commands.record_cancellations(uow, merchant_id, batch)
