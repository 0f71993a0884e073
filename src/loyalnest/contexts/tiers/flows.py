"""Work spanning several transactions: the whole-shop re-tier (after the ladder or the
settings changed) and the periodic pass over customers whose standing changes with
time alone (a window that slid, a retention date or a manual tier's end passed).

Both are idempotent: evaluating a customer twice with the same inputs changes nothing
the second time, entry rewards are given once per period (a row decides), and a run
that crashed midway starts over when its message is redelivered.
"""

from __future__ import annotations

import logging
from typing import Any

from loyalnest.contexts.merchants import api as merchants
from loyalnest.contexts.tiers import evaluation, repository, rules
from loyalnest.contexts.tiers.commands import TIERS_QUEUE
from loyalnest.contexts.tiers.dto import RetierRunDTO, to_run_dto
from loyalnest.platform import pubsub, queue
from loyalnest.platform.db import read_session
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work

log = logging.getLogger(__name__)

REEVALUATE_SHOP_ACTOR = "tiers.reevaluate_shop"
# customers per transaction of a re-tier: large enough that a 200,000-customer shop is a
# few dozen statements a chunk, small enough that a chunk's locks are short
RETIER_CHUNK = 10_000
DUE_BATCH = 1_000


def retier_channel(merchant_id: int) -> str:
    """Redis pub/sub channel of a shop's re-tier progress."""
    return f"tiers:retier:{merchant_id}"


def _progress_payload(run: RetierRunDTO) -> dict[str, Any]:
    return {
        "merchant_id": run.merchant_id,
        "id": run.id,
        "status": run.status,
        "total": run.total,
        "done": run.done,
        "changed": run.changed,
    }


async def retier_shop(
    merchant_id: int, run_id: int, *, chunk_size: int = RETIER_CHUNK
) -> RetierRunDTO | None:
    """Re-evaluate every customer of the shop under its current ladder and settings, a
    chunk per transaction, the run's progress written after each. A run already done
    does nothing; one found running (its worker died) starts over."""
    async with read_session() as session:
        run = await repository.get_run(session, merchant_id, run_id, transactional=False)
        if run is None or run.status == "done":
            return None if run is None else to_run_dto(run)
        total = await repository.count_standings(session, merchant_id)
        started = await repository.start_run(session, merchant_id, run_id, total)
    if started is None:
        return None
    cursor, done = 0, 0
    while True:
        async with unit_of_work() as uow:
            last, read, changed = await evaluation.evaluate_chunk(
                uow, merchant_id, after_customer_id=cursor, size=chunk_size
            )
            if last is None:
                break
            done += read
            row = await repository.progress_run(uow.session, merchant_id, run_id, min(done, total), changed)
            uow.publish(retier_channel(merchant_id), _progress_payload(to_run_dto(row)))
        cursor = last
    async with read_session() as session:
        finished = await repository.finish_run(session, merchant_id, run_id)
        final = finished or await repository.get_run(session, merchant_id, run_id, transactional=False)
    assert final is not None
    dto = to_run_dto(final)
    if finished is not None:
        try:
            await pubsub.publish_many([(retier_channel(merchant_id), _progress_payload(dto))])
        except Exception:  # live updates are best effort
            log.warning("retier progress not published", extra={"merchant_id": merchant_id})
    return dto


async def reevaluate_shop(merchant_id: int, *, batch_size: int = DUE_BATCH) -> int:
    """Evaluate the shop's customers whose standing may have changed with time alone
    (see ``repository.due_customers``), a batch per transaction. Returns how many
    changed tier."""
    async with read_session() as session:
        settings = await repository.get_settings(session, merchant_id, transactional=False)
    period = settings.period if settings else "lifetime"
    timezone = (await merchants.get_timezones([merchant_id])).get(merchant_id, "UTC")
    tz = rules.zone(timezone)
    cursor, changed = 0, 0
    while True:
        now = utcnow()
        async with read_session() as session:
            due = await repository.due_customers(
                session,
                merchant_id,
                after_customer_id=cursor,
                now=now,
                period=period,
                timezone=tz.key,
                window_start=rules.window_start(period, now, tz),
                limit=batch_size,
            )
        if not due:
            return changed
        async with unit_of_work() as uow:
            changed += await evaluation.evaluate_customers(uow, merchant_id, due)
        cursor = due[-1]


async def send_reevaluations() -> int:
    """The periodic pass: one ``REEVALUATE_SHOP_ACTOR`` message per shop with tiers, so
    shops fail and retry apart; shops that uninstalled the app are left as they are.
    Returns how many were sent."""
    sent, after = 0, 0
    uninstalled = set(await merchants.uninstalled_shops())
    while True:
        async with read_session() as session:
            shops = await repository.shops_with_tiers(session, after_merchant_id=after, limit=1000)
        for merchant_id in shops:
            if merchant_id in uninstalled:
                continue
            queue.send(REEVALUATE_SHOP_ACTOR, TIERS_QUEUE, {"merchant_id": merchant_id})
            sent += 1
        if len(shops) < 1000:
            return sent
        after = shops[-1]
