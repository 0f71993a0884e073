"""The points context's periodic actor and the earning context's release pass (still
named ``points.release_pending``) on the real broker and worker: the scheduler sends
them, and running them twice (or twice at once) changes nothing more than once."""

from __future__ import annotations

from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.points import api as points
from loyalnest.platform import queue
from tests.contexts.points.helpers import (
    execute,
    ledger,
    lots,
    move_lot_expiry,
    new_id,
    order,
    set_rule,
)
from workers.scheduler import periodic_jobs, send_due_jobs


def _jobs(*names: str) -> list:
    return [job for job in periodic_jobs() if job.actor_name in names]


async def test_the_scheduler_sends_both_passes_hourly_or_more_often(broker, drain):
    jobs = _jobs(points.EXPIRE_LOTS_ACTOR, earning.RELEASE_PENDING_ACTOR)
    assert {job.actor_name for job in jobs} == {points.EXPIRE_LOTS_ACTOR, earning.RELEASE_PENDING_ACTOR}
    assert all(job.every_seconds <= 3600 and job.queue_name == points.POINTS_QUEUE for job in jobs)
    assert {points.EXPIRE_LOTS_ACTOR, earning.RELEASE_PENDING_ACTOR} <= set(broker.get_declared_actors())
    await send_due_jobs(jobs)  # sent (or already sent this period by another test); runs cleanly
    await drain()


async def test_expiring_twice_at_once_expires_each_lot_once(shop, drain):
    await set_rule(shop, expiry_policy="days_after_earn", expiry_days=30)
    customers = [new_id() for _ in range(5)]
    for cid in customers:
        await order(shop, drain, new_id(), cid, "10.00")
        await order(shop, drain, new_id(), cid, "20.00")
    for lot in await lots(shop):
        if lot["points"] == 10:
            await move_lot_expiry(shop, lot["id"], "-1 minute")
    for _ in range(3):
        queue.send(points.EXPIRE_LOTS_ACTOR, points.POINTS_QUEUE, {})
    await drain()
    expired = [e for e in await ledger(shop) if e["kind"] == "expire"]
    assert sorted(e["delta"] for e in expired) == [-10] * 5
    assert len({e["idempotency_key"] for e in expired}) == 5
    assert sorted(lot["remaining"] for lot in await lots(shop)) == [0] * 5 + [20] * 5


async def test_releasing_twice_at_once_releases_once(shop, drain):
    await set_rule(shop, pending_days=2)
    orders = [new_id() for _ in range(4)]
    for oid in orders:
        await order(shop, drain, oid, new_id(), "15.00")
    await execute(
        "update pending_points set release_at = now() - interval '1 second' where merchant_id = :m", m=shop.id
    )
    for _ in range(3):
        queue.send(earning.RELEASE_PENDING_ACTOR, earning.RELEASE_PENDING_QUEUE, {})
    await drain()
    earned = await ledger(shop)
    assert sorted(e["source_ref"] for e in earned) == sorted(f"order:{oid}" for oid in orders)
    assert {e["delta"] for e in earned} == {15}
