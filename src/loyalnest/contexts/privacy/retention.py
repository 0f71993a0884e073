"""Retention: what is kept about people's activity goes after a while (``rules.RETENTION``:
defaults, and the bounds a shop may set its own limits within): handled webhook rows,
the delivery log of finished messages and the audit trail, each deleted by the context
that owns it, through its api; data request archives when they expire, and a completed
request's artefacts (what tied it to a customer) at its ``retention_expires_at``.

Each kind runs one pass per distinct limit: the shops that set their own (grouped by
value), then every other shop with the default, each in bounded batches of their own
transactions until none is left; ``dry_run`` counts instead."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.privacy import rules
from loyalnest.contexts.privacy.repository import exports, requests, settings
from loyalnest.contexts.webhooks import api as webhooks
from loyalnest.platform.retention import Shops
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork, unit_of_work

BATCH_ROWS = 5_000


@dataclass(frozen=True)
class Kept:
    name: str
    # the shop's limit (``rules.RETENTION``) that sets its age
    limit: str
    purge: Callable[..., Awaitable[int]]
    count: Callable[..., Awaitable[int]]


KEPT = (
    Kept("handled webhooks", "inbox_days", webhooks.purge_handled_before, webhooks.count_handled_before),
    Kept(
        "notification deliveries",
        "delivery_log_days",
        notifications.purge_finished_before,
        notifications.count_finished_before,
    ),
    Kept("audit entries", "audit_days", audit.purge_before, audit.count_before),
)


async def _passes(limit: str) -> list[tuple[int, Shops]]:
    """(days, shops) of each pass one kind needs."""
    async with unit_of_work() as uow:
        custom = await settings.custom(uow.session, limit)
    passes = [(days, Shops(tuple(shops), only=True)) for days, shops in sorted(custom.items())]
    everyone_else = Shops(tuple(m for shops in custom.values() for m in shops))
    return [*passes, (rules.LIMITS[limit].default, everyone_else)]


def _purging(kept: Kept, cutoff: datetime, shops: Shops) -> Callable[[UnitOfWork, int], Awaitable[int]]:
    async def purge(uow: UnitOfWork, limit: int) -> int:
        return await kept.purge(uow, cutoff, limit=limit, shops=shops)

    return purge


async def _until_done(purge: Callable[[UnitOfWork, int], Awaitable[int]], batch_rows: int) -> int:
    total = 0
    while True:
        async with unit_of_work() as uow:
            deleted = await purge(uow, batch_rows)
        total += deleted
        if deleted < batch_rows:
            return total


async def enforce(
    *, now: datetime | None = None, dry_run: bool = False, batch_rows: int = BATCH_ROWS
) -> dict[str, int]:
    """{kind: rows deleted (or, with ``dry_run``, that would be)}. Idempotent: run again,
    it finds nothing older than the limits."""
    moment = now or utcnow()
    done: dict[str, int] = {}
    for kept in KEPT:
        total = 0
        for days, shops in await _passes(kept.limit):
            cutoff = moment - timedelta(days=days)
            if dry_run:
                async with unit_of_work() as uow:
                    total += await kept.count(uow, cutoff, shops=shops)
                continue
            total += await _until_done(_purging(kept, cutoff, shops), batch_rows)
        done[kept.name] = total
    if dry_run:
        async with unit_of_work() as uow:
            done["data request archives"] = await exports.count_expired(uow.session, now=moment)
            done["request artefacts"] = await requests.count_artefacts(uow.session, now=moment)
        return done
    done["data request archives"] = await _until_done(
        lambda uow, n: exports.delete_expired(uow.session, now=moment, limit=n), batch_rows
    )
    done["request artefacts"] = await _until_done(
        lambda uow, n: requests.forget_artefacts(uow.session, now=moment, limit=n), batch_rows
    )
    return done
