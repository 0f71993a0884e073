"""Deleting a shop: every row naming it in every table, then its Redis keys, then the
``merchants`` row, each table in bounded batches of their own transactions (a large
shop's millions of ledger rows never sit in one transaction), the request log row
marked completed with what was deleted. Idempotent: run again (a retry after a crash
half-way, a second message) it deletes what is left, which may be nothing."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.privacy import commands, redis_keys, rules
from loyalnest.contexts.privacy.repository import requests, shop_rows
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

BATCH_ROWS = 5_000
# a worker that took a request and died: another takes over after this long
STALE_AFTER = timedelta(hours=1)


async def redact_shop(request_id: int, *, batch_rows: int = BATCH_ROWS) -> bool:
    """Carry out a shop_redact request; False if it was done (or is being done) already."""
    now = utcnow()
    async with unit_of_work() as uow:
        request = await requests.claim(uow.session, request_id, now=now, stale=now - STALE_AFTER)
    if request is None:
        return False
    try:
        result = await _delete(request.merchant_id, request.shop_domain, batch_rows=batch_rows)
    except Exception as exc:
        async with unit_of_work() as uow:
            await requests.fail(uow.session, request_id, error=f"{type(exc).__name__}: {exc}")
        raise
    async with unit_of_work() as uow:
        await requests.complete(uow.session, request_id, now=utcnow(), result=result)
    log.info(
        "shop data deleted",
        extra={
            "request_id": request_id,
            "merchant_id": request.merchant_id,
            "rows": result.get("total_rows", 0),
        },
    )
    return True


async def _delete(merchant_id: int, shop_domain: str, *, batch_rows: int) -> dict[str, Any]:
    # Shopify sends shop/redact only for a shop that stayed uninstalled 48 hours, so a
    # shop that looks installed here had its app/uninstalled lost: its data goes all the
    # same. A shop installed again after the request came cancelled it (``handlers``).
    async with unit_of_work() as uow:
        tables = await shop_rows.shop_tables(uow.session)
    rows: dict[str, int] = {}
    for table, columns in tables:
        while True:
            async with unit_of_work() as uow:
                deleted = await shop_rows.delete_shop_rows(
                    uow.session, table, columns, merchant_id, limit=batch_rows
                )
            if deleted:
                rows[table] = rows.get(table, 0) + deleted
            if deleted < batch_rows:
                break
    keys = await redis_keys.delete_shop_keys(merchant_id, shop_domain)
    async with unit_of_work() as uow:
        rows["merchants"] = await shop_rows.delete_merchant(uow.session, merchant_id)
    await merchants.announce_shop_changed(shop_domain)
    return {"outcome": "deleted", "rows": rows, "total_rows": sum(rows.values()), "redis_keys": keys}


async def sweep(*, limit: int = 200) -> list[int]:
    """Requests for shops uninstalled longer than ``rules.UNINSTALLED_GRACE_DAYS`` (their
    shop/redact never came), and requests left unfinished (a worker died, the retries
    ran out): each sent (again) to the actor. Returns the requests sent."""
    now = utcnow()
    cutoff = rules.uninstalled_cutoff(now)
    sent: list[int] = []
    for merchant_id, shop_domain in await merchants.uninstalled_before(cutoff, limit=limit):
        async with unit_of_work() as uow:
            sent.append(
                await commands.request_shop_redact(
                    uow,
                    merchant_id=merchant_id,
                    shop_domain=shop_domain,
                    source=rules.SYSTEM,
                    source_ref=f"uninstalled-before:{cutoff.date().isoformat()}",
                )
            )
    async with unit_of_work() as uow:
        again = [
            (request_id, kind)
            for request_id, kind in await requests.unfinished(
                uow.session, stale=now - STALE_AFTER, limit=limit
            )
            if request_id not in sent
        ]
        for request_id, kind in again:
            uow.enqueue(commands.ACTORS[kind], queue_name=commands.PRIVACY_QUEUE, request_id=request_id)
    return sent + [request_id for request_id, _ in again]
