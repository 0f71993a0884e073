"""Pending points: with a pending period an order's points wait (not in the balance nor
the ledger), the release pass ``points.release_pending`` (real worker) posts them once
as the order's earning, cancellations cancel them, refunds reduce them, and the out-of-order rules of
order webhooks still hold."""

from __future__ import annotations

from datetime import timedelta

from loyalnest.contexts.earning import api as earning
from loyalnest.platform.timeutil import utcnow
from tests.contexts.points.helpers import (
    account,
    cancel,
    execute,
    ledger,
    local_id,
    lots,
    new_id,
    order,
    refund,
    release,
    send,
    set_rule,
)
from tests.contexts.support import rows
from tests.payloads import customer as customer_body
from tests.payloads import order as order_body
from tests.payloads import refund as refund_body


async def pending(shop) -> list[dict]:
    return await rows(
        "select shopify_order_id, customer_id, points, release_at, status from pending_points"
        " where merchant_id = :m order by shopify_order_id",
        m=shop.id,
    )


async def due_now(shop) -> None:
    """The pending period passes."""
    await execute(
        "update pending_points set release_at = now() - interval '1 second' where merchant_id = :m", m=shop.id
    )


async def test_points_wait_then_become_spendable_once(shop, drain):
    await set_rule(shop, pending_days=14)
    cid, oid = new_id(), new_id()
    await order(shop, drain, oid, cid, "100.00")
    customer = await local_id(shop, cid)
    [row] = await pending(shop)
    assert (row["shopify_order_id"], row["customer_id"], row["points"], row["status"]) == (
        oid,
        customer,
        100,
        "pending",
    )
    assert abs(row["release_at"] - (utcnow() + timedelta(days=14))) < timedelta(minutes=2)
    assert await ledger(shop) == []
    assert await lots(shop) == []
    assert (await account(shop, customer)).balance == 0
    assert (await earning.get_pending_points(shop.id, [customer]))[customer] == 100

    await release(drain)  # not due yet
    assert await ledger(shop) == []

    await due_now(shop)
    await release(drain)
    [earned] = await ledger(shop)
    assert (earned["kind"], earned["delta"], earned["source_ref"], earned["idempotency_key"]) == (
        "earn",
        100,
        f"order:{oid}",
        f"order:{oid}:earn",
    )
    found = await account(shop, customer)
    assert (found.balance, found.lifetime_earned) == (100, 100)
    assert [r["status"] for r in await pending(shop)] == ["released"]
    assert (await earning.get_pending_points(shop.id, [customer]))[customer] == 0
    assert [lot["points"] for lot in await lots(shop)] == [100]

    await due_now(shop)
    await release(drain)  # released rows are never released again
    assert len(await ledger(shop)) == 1


async def test_a_redelivered_order_holds_its_points_once(shop, drain):
    await set_rule(shop, pending_days=3)
    cid, oid = new_id(), new_id()
    body = order_body(oid, subtotal="40.00", customer_body=customer_body(cid))
    await send(shop, drain, "orders/create", body)
    await send(shop, drain, "orders/create", body)
    assert [r["points"] for r in await pending(shop)] == [40]


async def test_a_cancellation_during_the_period_cancels_them(shop, drain):
    await set_rule(shop, pending_days=14)
    cid, oid = new_id(), new_id()
    await order(shop, drain, oid, cid, "100.00")
    await cancel(shop, drain, oid, cid)
    [row] = await pending(shop)
    assert (row["points"], row["status"]) == (0, "cancelled")
    await due_now(shop)
    await release(drain)
    assert await ledger(shop) == []
    assert (await account(shop, await local_id(shop, cid))).balance == 0


async def test_a_partial_refund_during_the_period_reduces_them_and_later_ones_reverse(shop, drain):
    await set_rule(shop, pending_days=14)
    cid, oid = new_id(), new_id()
    await order(shop, drain, oid, cid, "100.00")
    customer = await local_id(shop, cid)
    await refund(shop, drain, oid, "40.00")
    assert [(r["points"], r["status"]) for r in await pending(shop)] == [(60, "pending")]
    assert await ledger(shop) == []
    await due_now(shop)
    await release(drain)
    assert [(e["kind"], e["delta"]) for e in await ledger(shop)] == [("earn", 60)]
    # after release the normal reversal path applies, on the points released
    await refund(shop, drain, oid, "60.00")
    assert [(e["kind"], e["delta"], e["shortfall"]) for e in await ledger(shop)] == [
        ("earn", 60, 0),
        ("reversal", -60, 0),
    ]
    found = await account(shop, customer)
    assert (found.balance, found.lifetime_earned) == (0, 0)


async def test_refunding_everything_during_the_period_cancels_them(shop, drain):
    await set_rule(shop, pending_days=14)
    cid, oid = new_id(), new_id()
    await order(shop, drain, oid, cid, "50.00")
    await refund(shop, drain, oid, "50.00")
    assert [(r["points"], r["status"]) for r in await pending(shop)] == [(0, "cancelled")]


async def test_cancellation_before_creation_holds_nothing(shop, drain):
    await set_rule(shop, pending_days=14)
    cid, oid = new_id(), new_id()
    await cancel(shop, drain, oid, cid)
    await order(shop, drain, oid, cid, "70.00")
    assert await pending(shop) == []
    assert await ledger(shop) == []


async def test_refund_before_creation_reduces_what_is_held(shop, drain):
    await set_rule(shop, pending_days=14)
    cid, oid = new_id(), new_id()
    await send(shop, drain, "refunds/create", refund_body(new_id(), oid, subtotal="40.00"))
    await order(shop, drain, oid, cid, "100.00")
    assert [(r["points"], r["status"]) for r in await pending(shop)] == [(60, "pending")]
    assert await ledger(shop) == []


async def test_points_held_before_the_period_was_switched_off_are_still_released(shop, drain):
    await set_rule(shop, pending_days=7)
    cid, held, immediate = new_id(), new_id(), new_id()
    await order(shop, drain, held, cid, "10.00")
    await set_rule(shop, pending_days=0)
    await order(shop, drain, immediate, cid, "20.00")
    assert [e["source_ref"] for e in await ledger(shop)] == [f"order:{immediate}"]
    await due_now(shop)
    await release(drain)
    assert [e["source_ref"] for e in await ledger(shop)] == [f"order:{immediate}", f"order:{held}"]
    assert (await account(shop, await local_id(shop, cid))).balance == 30
