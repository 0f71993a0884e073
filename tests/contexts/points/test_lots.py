"""Lots in PostgreSQL: every earning opens one, debits take oldest first (a reversal its
own order's lot first), a returned redemption refills the lots it took, and the books
stay checkable (verify-ledger sees a lot that does not add up). Orders arrive as signed
webhooks processed by the real worker; spending goes through the points api."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.points import api as points
from loyalnest.platform.errors import InsufficientPoints
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.support import ledger_rows, rows

_ids = iter(range(700_000, 10**9))


def new_id() -> int:
    return next(_ids)


async def send(shop, drain, topic: str, body: dict) -> None:
    response = await shop.webhook(topic, body)
    assert response.status_code == 200, response.text
    await drain()


async def order(shop, drain, order_id: int, shopify_customer: int, subtotal: str) -> None:
    body = payloads.order(order_id, subtotal=subtotal, customer_body=payloads.customer(shopify_customer))
    await send(shop, drain, "orders/create", body)


async def local_id(shop, shopify_customer: int) -> int:
    found = await customers.get_by_shopify_id(shop.id, shopify_customer)
    assert found is not None
    return found.id


async def lots(shop) -> list[dict]:
    return await rows(
        "select id, customer_id, entry_id, points, remaining, expires_at, activity_days"
        " from points_lots where merchant_id = :m order by id",
        m=shop.id,
    )


async def consumptions(shop, kind: str) -> list[tuple[int, int]]:
    found = await rows(
        "select c.lot_id, c.points from points_lot_consumptions c"
        " join points_ledger e on e.merchant_id = c.merchant_id and e.id = c.entry_id"
        " where c.merchant_id = :m and e.kind = :k order by e.id, c.lot_id",
        m=shop.id,
        k=kind,
    )
    return [(r["lot_id"], r["points"]) for r in found]


async def spend(shop, customer_id: int, amount: int, ref: str) -> points.PostingResult:
    async with unit_of_work() as uow:
        return await points.spend_points(
            uow,
            merchant_id=shop.id,
            customer_id=customer_id,
            points=amount,
            source="reward",
            source_ref=ref,
            idempotency_key=f"spend:{ref}",
        )


async def give_back(shop, customer_id: int, amount: int, ref: str, key: str) -> points.PostingResult:
    async with unit_of_work() as uow:
        return await points.return_points(
            uow,
            merchant_id=shop.id,
            customer_id=customer_id,
            points=amount,
            source="reward",
            source_ref=ref,
            idempotency_key=key,
        )


async def set_rule(shop, **changes) -> None:
    async with unit_of_work() as uow:
        await earning.update_program_settings(
            uow, merchant_id=shop.id, actor="test", update=earning.ProgramSettingsUpdate(**changes)
        )


def remaining(found: list[dict]) -> list[int]:
    return [lot["remaining"] for lot in found]


async def test_every_earning_opens_a_lot_and_spending_takes_the_oldest_first(shop, drain):
    cid = new_id()
    await order(shop, drain, new_id(), cid, "30.00")
    await order(shop, drain, new_id(), cid, "50.00")
    customer = await local_id(shop, cid)
    opened = await lots(shop)
    assert [(lot["points"], lot["remaining"], lot["expires_at"]) for lot in opened] == [
        (30, 30, None),
        (50, 50, None),
    ]
    ledger = await rows("select id from points_ledger where merchant_id = :m order by id", m=shop.id)
    assert [lot["entry_id"] for lot in opened] == [e["id"] for e in ledger]

    await spend(shop, customer, 40, "r1")
    assert remaining(await lots(shop)) == [0, 40]
    assert await consumptions(shop, "redeem") == [(opened[0]["id"], 30), (opened[1]["id"], 10)]
    # all or nothing: a spend the lots cannot cover moves nothing
    with pytest.raises(InsufficientPoints):
        await spend(shop, customer, 41, "r2")
    assert remaining(await lots(shop)) == [0, 40]


async def test_a_reversal_takes_its_own_orders_lot_first_then_the_oldest(shop, drain):
    cid, first, refunded, last = new_id(), new_id(), new_id(), new_id()
    await order(shop, drain, first, cid, "30.00")
    await order(shop, drain, refunded, cid, "50.00")
    await order(shop, drain, last, cid, "20.00")
    customer = await local_id(shop, cid)
    # a partial refund of the middle order: its own lot pays, the older one is untouched
    await send(shop, drain, "refunds/create", payloads.refund(new_id(), refunded, subtotal="20.00"))
    assert remaining(await lots(shop)) == [30, 30, 20]

    await spend(shop, customer, 40, "r1")  # oldest first: 30 from the first, 10 from the middle
    assert remaining(await lots(shop)) == [0, 20, 20]
    # cancelling the middle order takes back its other 30: the 20 left in its lot, then
    # the oldest open lot; what was spent beyond the balance is the shortfall
    await send(
        shop,
        drain,
        "orders/cancelled",
        payloads.order(refunded, customer_body=payloads.customer(cid)),
    )
    assert remaining(await lots(shop)) == [0, 0, 10]
    reversal = (await ledger_rows(shop.id))[-1]
    assert (reversal["kind"], reversal["delta"], reversal["shortfall"]) == ("reversal", -30, 0)
    opened = await lots(shop)
    taken = await consumptions(shop, "reversal")
    # the refund took 20 from its own lot; the cancellation 20 more from it, then 10
    assert taken == [(opened[1]["id"], 20), (opened[1]["id"], 20), (opened[2]["id"], 10)]


async def test_a_reversal_beyond_the_balance_takes_only_what_the_lots_hold(shop, drain):
    cid, oid = new_id(), new_id()
    await order(shop, drain, oid, cid, "100.00")
    customer = await local_id(shop, cid)
    await spend(shop, customer, 90, "r1")
    await send(shop, drain, "orders/cancelled", payloads.order(oid, customer_body=payloads.customer(cid)))
    reversal = (await ledger_rows(shop.id))[-1]
    assert (reversal["delta"], reversal["shortfall"], reversal["balance_after"]) == (-10, 90, 0)
    assert remaining(await lots(shop)) == [0]


async def test_a_return_refills_the_very_lots_the_redemption_emptied(shop, drain):
    await set_rule(shop, expiry_policy="days_after_earn", expiry_days=30)
    cid = new_id()
    await order(shop, drain, new_id(), cid, "30.00")
    await order(shop, drain, new_id(), cid, "50.00")
    customer = await local_id(shop, cid)
    before = await lots(shop)
    await spend(shop, customer, 40, "redemption:1")
    assert remaining(await lots(shop)) == [0, 40]

    returned = await give_back(shop, customer, 40, "redemption:1", "return:1")
    assert returned.created
    assert (returned.entry.kind, returned.entry.delta, returned.entry.balance_after) == (
        "redeem_return",
        40,
        80,
    )
    after = await lots(shop)
    assert after == before  # same lots, same remaining, same expiry; no new lot
    assert await consumptions(shop, "redeem_return") == [(before[0]["id"], -30), (before[1]["id"], -10)]
    # a replay gives nothing more
    again = await give_back(shop, customer, 40, "redemption:1", "return:1")
    assert not again.created
    assert await lots(shop) == before
    # returning is not earning
    assert (await points.get_accounts(shop.id, [customer]))[customer].lifetime_earned == 80


async def test_partial_returns_refill_the_newest_lots_first_and_continue(shop, drain):
    cid = new_id()
    await order(shop, drain, new_id(), cid, "30.00")
    await order(shop, drain, new_id(), cid, "50.00")
    customer = await local_id(shop, cid)
    await spend(shop, customer, 60, "redemption:2")  # 30 + 30
    assert remaining(await lots(shop)) == [0, 20]
    await give_back(shop, customer, 20, "redemption:2", "return:a")
    assert remaining(await lots(shop)) == [0, 40]
    await give_back(shop, customer, 25, "redemption:2", "return:b")
    assert remaining(await lots(shop)) == [15, 50]


async def test_points_of_an_expired_lot_come_back_as_a_lot_of_their_own(shop, drain):
    await set_rule(shop, expiry_policy="days_after_earn", expiry_days=30)
    cid = new_id()
    await order(shop, drain, new_id(), cid, "30.00")
    await order(shop, drain, new_id(), cid, "50.00")
    customer = await local_id(shop, cid)
    await spend(shop, customer, 40, "redemption:3")
    first, second = await lots(shop)
    # the first lot's time passes while its points are out with the redemption
    async with unit_of_work() as uow:
        await uow.session.execute(
            text(
                "update points_lots set expires_at = now() - interval '1 day'"
                " where merchant_id = :m and id = :i"
            ),
            {"m": shop.id, "i": first["id"]},
        )
    started = utcnow()
    await give_back(shop, customer, 40, "redemption:3", "return:3")
    found = await lots(shop)
    assert remaining(found) == [0, 50, 30]
    fresh = found[2]
    assert fresh["points"] == 30
    assert started + timedelta(days=30) <= fresh["expires_at"] <= utcnow() + timedelta(days=30)
    assert found[1]["expires_at"] == second["expires_at"]
    # the refilled lot is named by a (negative) consumption; the fresh one by its entry
    assert await consumptions(shop, "redeem_return") == [(second["id"], -10)]


async def test_a_return_without_a_known_redemption_opens_a_lot(shop, drain):
    cid = new_id()
    await order(shop, drain, new_id(), cid, "10.00")
    customer = await local_id(shop, cid)
    await give_back(shop, customer, 15, "redemption:unknown", "return:x")
    assert [(lot["points"], lot["remaining"]) for lot in await lots(shop)] == [(10, 10), (15, 15)]


async def test_verify_ledger_sees_a_lot_that_does_not_add_up(shop, drain):
    cid = new_id()
    await order(shop, drain, new_id(), cid, "25.00")
    customer = await local_id(shop, cid)
    sql = text("update points_lots set remaining = remaining + :d where merchant_id = :m")
    async with unit_of_work() as uow:
        await uow.session.execute(sql, {"d": -5, "m": shop.id})
    try:
        async with unit_of_work() as uow:
            accounts = await points.verify_ledger(uow, shop.id)
            broken = await points.verify_lots(uow, shop.id)
        assert accounts == [
            points.LedgerMismatch(
                merchant_id=shop.id, customer_id=customer, balance=25, ledger_sum=25, lots_remaining=20
            )
        ]
        [lot] = broken
        assert (lot.customer_id, lot.points, lot.remaining, lot.consumed) == (customer, 25, 20, 0)
    finally:
        async with unit_of_work() as uow:
            await uow.session.execute(sql, {"d": 5, "m": shop.id})
    async with unit_of_work() as uow:
        assert await points.verify_ledger(uow, shop.id) == []
        assert await points.verify_lots(uow, shop.id) == []


async def test_many_orders_in_one_batch_open_one_lot_each(shop, drain):
    """The batched award path (several orders/create in one transaction) opens the lots
    in the same statement as the ledger rows."""
    cid = new_id()
    bodies = [
        payloads.order(new_id(), subtotal=f"{10 + i}.00", customer_body=payloads.customer(cid))
        for i in range(30)
    ]
    for body in bodies:
        assert (await shop.webhook("orders/create", body)).status_code == 200
    await drain()
    found = await lots(shop)
    assert sorted(lot["points"] for lot in found) == [10 + i for i in range(30)]
    assert all(lot["remaining"] == lot["points"] for lot in found)
    assert sum(lot["points"] for lot in found) == sum(e["delta"] for e in await ledger_rows(shop.id))


async def test_a_return_covering_two_redemptions_of_one_reference(shop, drain):
    cid = new_id()
    await order(shop, drain, new_id(), cid, "50.00")
    customer = await local_id(shop, cid)
    for key in ("a", "b"):
        async with unit_of_work() as uow:
            await points.spend_points(
                uow,
                merchant_id=shop.id,
                customer_id=customer,
                points=15,
                source="reward",
                source_ref="redemption:9",
                idempotency_key=f"spend:9:{key}",
            )
    assert remaining(await lots(shop)) == [20]
    await give_back(shop, customer, 30, "redemption:9", "return:9")
    [lot] = await lots(shop)
    assert lot["remaining"] == 50
    assert await consumptions(shop, "redeem_return") == [(lot["id"], -30)]


@pytest.mark.heavy
async def test_verify_ledger_command_reports_lots(settings, shop, drain):
    from tests.test_cli import loyalnest

    cid = new_id()
    await order(shop, drain, new_id(), cid, "25.00")
    sql = text("update points_lots set remaining = remaining + :d where merchant_id = :m")
    async with unit_of_work() as uow:
        await uow.session.execute(sql, {"d": -5, "m": shop.id})
    try:
        bad = await asyncio.to_thread(loyalnest, settings, "verify-ledger", "--shop", shop.domain)
    finally:
        async with unit_of_work() as uow:
            await uow.session.execute(sql, {"d": 5, "m": shop.id})
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "balance 25 = ledger 25 != open lots 20" in bad.stdout
    assert "remaining 20 != 25 points - 0 taken" in bad.stdout
    assert "1 mismatched accounts" in bad.stdout
    assert "1 mismatched lots" in bad.stdout
    ok = await asyncio.to_thread(loyalnest, settings, "verify-ledger", "--shop", shop.domain)
    assert ok.returncode == 0
    assert "ledger ok" in ok.stdout
