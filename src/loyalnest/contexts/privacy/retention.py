"""Retention: what is kept about people's activity goes after a while, shop-wide
defaults for now (``rules``): handled webhook rows after 30 days, the delivery log of
finished messages after 180, the audit trail after 400. Each kind is deleted by the
context that owns it, through its api, in bounded batches of their own transactions,
until none is left; ``dry_run`` counts instead."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.privacy import rules
from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork, unit_of_work

BATCH_ROWS = 5_000


@dataclass(frozen=True)
class Kept:
    name: str
    days: int
    purge: Callable[..., Awaitable[int]]
    count: Callable[[UnitOfWork, datetime], Awaitable[int]]


KEPT = (
    Kept("handled webhooks", rules.INBOX_DAYS, webhooks.purge_handled_before, webhooks.count_handled_before),
    Kept(
        "notification deliveries",
        rules.DELIVERY_LOG_DAYS,
        notifications.purge_finished_before,
        notifications.count_finished_before,
    ),
    Kept("audit entries", rules.AUDIT_DAYS, audit.purge_before, audit.count_before),
)


async def enforce(
    *, now: datetime | None = None, dry_run: bool = False, batch_rows: int = BATCH_ROWS
) -> dict[str, int]:
    """{kind: rows deleted (or, with ``dry_run``, that would be)}. Idempotent: run again,
    it finds nothing older than the limits."""
    moment = now or utcnow()
    done: dict[str, int] = {}
    for kept in KEPT:
        cutoff = moment - timedelta(days=kept.days)
        if dry_run:
            async with unit_of_work() as uow:
                done[kept.name] = await kept.count(uow, cutoff)
            continue
        total = 0
        while True:
            async with unit_of_work() as uow:
                deleted = await kept.purge(uow, cutoff, limit=batch_rows)
            total += deleted
            if deleted < batch_rows:
                break
        done[kept.name] = total
    return done
