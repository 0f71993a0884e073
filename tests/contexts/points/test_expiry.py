"""Expiry of lots by the shop's rule: new lots get their date, the hourly
``points.expire_lots`` actor (real broker and worker) takes exactly each due lot's
unspent remainder once, a debit never spends a lot past its time, activity keeps
days_after_activity lots alive, reversals do not take expired points twice, and
"expiring soon" reminders are recorded 30 days ahead."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from loyalnest.contexts.points import api as points
from loyalnest.platform.errors import InsufficientPoints, ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests.contexts.points.helpers import (
    account,
    cancel,
    execute,
    expire,
    ledger,
    local_id,
    lots,
    move_lot_expiry,
    new_id,
    order,
    refund,
    set_rule,
    spend,
)
from tests.contexts.support import rows


def close_to(value, expected, seconds: float = 120) -> bool:
    return abs((value - expected).total_seconds()) < seconds


async def reminders(shop) -> list[dict]:
    return await rows(
        "select customer_id, expires_on, expires_at, points, status from points_expiry_reminders"
        " where merchant_id = :m order by expires_on, customer_id",
        m=shop.id,
    )


class TestDates:
    async def test_by_default_nothing_expires(self, shop, drain):
        await order(shop, drain, new_id(), new_id(), "10.00")
        [lot] = await lots(shop)
        assert lot["expires_at"] is None

    async def test_days_after_earn(self, shop, drain):
        await set_rule(shop, expiry_policy="days_after_earn", expiry_days=365)
        await order(shop, drain, new_id(), new_id(), "10.00")
        [lot] = await lots(shop)
        assert close_to(lot["expires_at"], utcnow() + timedelta(days=365))
        assert lot["activity_days"] is None

    async def test_end_of_month_is_the_shops_midnight(self, shop, drain):
        await execute("update merchants set iana_timezone = 'Asia/Tokyo' where id = :m", m=shop.id)
        await set_rule(shop, expiry_policy="end_of_month")
        await order(shop, drain, new_id(), new_id(), "10.00")
        [lot] = await lots(shop)
        from zoneinfo import ZoneInfo

        local = lot["expires_at"].astimezone(ZoneInfo("Asia/Tokyo"))
        today = utcnow().astimezone(ZoneInfo("Asia/Tokyo"))
        assert (local.day, local.hour, local.minute, local.second) == (1, 0, 0, 0)
        assert (local.year * 12 + local.month) == (today.year * 12 + today.month) + 1

    async def test_end_of_year(self, shop, drain):
        await set_rule(shop, expiry_policy="end_of_year")
        await order(shop, drain, new_id(), new_id(), "10.00")
        [lot] = await lots(shop)
        assert lot["expires_at"].isoformat() == f"{utcnow().year + 1}-01-01T00:00:00+00:00"

    async def test_a_new_rule_applies_to_lots_earned_afterwards(self, shop, drain):
        cid = new_id()
        await order(shop, drain, new_id(), cid, "10.00")
        await set_rule(shop, expiry_policy="days_after_earn", expiry_days=30)
        await order(shop, drain, new_id(), cid, "20.00")
        before, after = await lots(shop)
        assert before["expires_at"] is None
        assert close_to(after["expires_at"], utcnow() + timedelta(days=30))

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"expiry_policy": "days_after_earn"}, "expiryDays", "required"),
            ({"expiry_policy": "weekly"}, "expiryPolicy", "must be one of"),
            ({"expiry_policy": "days_after_earn", "expiry_days": 0}, "expiryDays", "between 1"),
            ({"expiry_policy": "never", "expiry_days": 5}, "expiryDays", "apply to days_after"),
        ],
    )
    async def test_bad_rules_are_refused(self, shop, changes, field, message):
        with pytest.raises(ValidationFailed, match=message) as refused:
            await set_rule(shop, **changes)
        assert refused.value.field == field


class TestExpiring:
    async def test_the_actor_takes_exactly_the_unspent_remainder_of_each_due_lot_once(self, shop, drain):
        await set_rule(shop, expiry_policy="days_after_earn", expiry_days=30)
        cid = new_id()
        await order(shop, drain, new_id(), cid, "30.00")
        await order(shop, drain, new_id(), cid, "50.00")
        customer = await local_id(shop, cid)
        await spend(shop, customer, 10, "r1")  # from the oldest lot: 20 of it left
        first, second = await lots(shop)
        await move_lot_expiry(shop, first["id"], "-1 minute")

        await expire(drain)
        expired = [e for e in await ledger(shop) if e["kind"] == "expire"]
        assert [(e["delta"], e["source"], e["source_ref"], e["idempotency_key"]) for e in expired] == [
            (-20, "expiry", f"lot:{first['id']}", f"expire:lot:{first['id']}")
        ]
        assert [lot["remaining"] for lot in await lots(shop)] == [0, 50]
        found = await account(shop, customer)
        assert (found.balance, found.lifetime_earned) == (50, 80)  # expiry is not "unearning"

        await expire(drain)  # again: nothing more
        assert len([e for e in await ledger(shop) if e["kind"] == "expire"]) == 1
        # a lot whose time comes after it was spent has nothing left to expire
        await spend(shop, customer, 50, "r2")
        await move_lot_expiry(shop, second["id"], "-1 minute")
        await expire(drain)
        assert [e["kind"] for e in await ledger(shop)][-2:] == ["expire", "redeem"]
        assert (await account(shop, customer)).balance == 0

    async def test_a_debit_never_spends_a_lot_past_its_time(self, shop, drain):
        await set_rule(shop, expiry_policy="days_after_earn", expiry_days=30)
        cid = new_id()
        await order(shop, drain, new_id(), cid, "30.00")
        await order(shop, drain, new_id(), cid, "50.00")
        customer = await local_id(shop, cid)
        first, _ = await lots(shop)
        await move_lot_expiry(shop, first["id"], "-1 second")  # the pass has not run yet
        with pytest.raises(InsufficientPoints):
            await spend(shop, customer, 60, "r1")
        assert (await account(shop, customer)).balance == 80  # refused: nothing moved
        await spend(shop, customer, 40, "r2")
        assert [(e["kind"], e["delta"]) for e in await ledger(shop)] == [
            ("earn", 30),
            ("earn", 50),
            ("expire", -30),
            ("redeem", -40),
        ]
        assert [lot["remaining"] for lot in await lots(shop)] == [0, 10]

    async def test_a_reversal_does_not_take_expired_points_a_second_time(self, shop, drain):
        await set_rule(shop, expiry_policy="days_after_earn", expiry_days=30)
        cid, expiring, other = new_id(), new_id(), new_id()
        await order(shop, drain, expiring, cid, "100.00")
        await order(shop, drain, other, cid, "50.00")
        customer = await local_id(shop, cid)
        await spend(shop, customer, 30, "r1")  # 30 of the first order's points are spent
        first, _ = await lots(shop)
        await move_lot_expiry(shop, first["id"], "-1 minute")
        await expire(drain)  # its other 70 expire
        assert (await account(shop, customer)).balance == 50

        await refund(shop, drain, expiring, "50.00")  # half: 50 points owed, all of them expired
        last = (await ledger(shop))[-1]
        assert (last["kind"], last["delta"], last["shortfall"]) == ("reversal", 0, 50)
        await refund(shop, drain, expiring, "50.00")  # the rest: 20 expired, 30 were spent
        last = (await ledger(shop))[-1]
        assert (last["kind"], last["delta"], last["shortfall"]) == ("reversal", -30, 20)
        assert [lot["remaining"] for lot in await lots(shop)] == [0, 20]
        found = await account(shop, customer)
        assert (found.balance, found.lifetime_earned) == (20, 50)

    async def test_a_cancelled_order_whose_points_expired_takes_nothing_else(self, shop, drain):
        await set_rule(shop, expiry_policy="days_after_earn", expiry_days=30)
        cid, oid = new_id(), new_id()
        await order(shop, drain, oid, cid, "40.00")
        await order(shop, drain, new_id(), cid, "25.00")
        first, _ = await lots(shop)
        await move_lot_expiry(shop, first["id"], "-1 minute")
        # the pass has not run: the reversal finds the lot due, expires it, takes nothing
        await cancel(shop, drain, oid, cid)
        assert [(e["kind"], e["delta"], e["shortfall"]) for e in await ledger(shop)][-2:] == [
            ("expire", -40, 0),
            ("reversal", 0, 40),
        ]
        assert [lot["remaining"] for lot in await lots(shop)] == [0, 25]


class TestAfterActivity:
    async def test_earning_and_spending_keep_every_open_lot_alive(self, shop, drain):
        await set_rule(shop, expiry_policy="days_after_activity", expiry_days=10)
        cid = new_id()
        await order(shop, drain, new_id(), cid, "30.00")
        customer = await local_id(shop, cid)
        [lot] = await lots(shop)
        assert lot["activity_days"] == 10
        assert close_to(lot["expires_at"], utcnow() + timedelta(days=10))
        # nine days pass without activity
        await move_lot_expiry(shop, lot["id"], "1 day")
        await order(shop, drain, new_id(), cid, "20.00")
        assert all(close_to(x["expires_at"], utcnow() + timedelta(days=10)) for x in await lots(shop))
        for x in await lots(shop):
            await move_lot_expiry(shop, x["id"], "2 days")
        await spend(shop, customer, 5, "r1")
        assert all(close_to(x["expires_at"], utcnow() + timedelta(days=10)) for x in await lots(shop))

    async def test_activity_after_a_lots_time_does_not_bring_it_back(self, shop, drain):
        await set_rule(shop, expiry_policy="days_after_activity", expiry_days=10)
        cid = new_id()
        await order(shop, drain, new_id(), cid, "30.00")
        [lot] = await lots(shop)
        await move_lot_expiry(shop, lot["id"], "-1 hour")
        await order(shop, drain, new_id(), cid, "20.00")  # activity after its time
        old, new = await lots(shop)
        assert old["expires_at"] < utcnow()
        await expire(drain)
        assert [x["remaining"] for x in await lots(shop)] == [0, 20]
        assert close_to(new["expires_at"], utcnow() + timedelta(days=10))

    async def test_lots_earned_under_another_rule_keep_theirs(self, shop, drain):
        cid = new_id()
        await order(shop, drain, new_id(), cid, "30.00")
        await set_rule(shop, expiry_policy="days_after_activity", expiry_days=10)
        await order(shop, drain, new_id(), cid, "20.00")
        never, follows = await lots(shop)
        assert never["expires_at"] is None
        assert follows["activity_days"] == 10


class TestReminders:
    async def test_recorded_once_per_customer_and_date_thirty_days_ahead(self, shop, drain):
        await set_rule(shop, expiry_policy="days_after_earn", expiry_days=90)
        cid, other = new_id(), new_id()
        await order(shop, drain, new_id(), cid, "30.00")
        await order(shop, drain, new_id(), cid, "20.00")
        await order(shop, drain, new_id(), other, "70.00")
        a, b, c = await lots(shop)
        await move_lot_expiry(shop, a["id"], "10 days")
        await move_lot_expiry(shop, b["id"], "10 days 1 second")  # same day (UTC shop)
        await expire(drain)  # c expires in 90 days: not yet
        found = await reminders(shop)
        customer = await local_id(shop, cid)
        assert len(found) == 1
        [reminder] = found
        assert (reminder["customer_id"], reminder["points"], reminder["status"]) == (customer, 50, "due")
        a = (await lots(shop))[0]
        assert reminder["expires_on"] == a["expires_at"].date()
        assert reminder["expires_at"] == a["expires_at"]
        await expire(drain)
        assert len(await reminders(shop)) == 1
        await move_lot_expiry(shop, c["id"], "29 days")
        await expire(drain)
        assert len(await reminders(shop)) == 2

    async def test_dates_are_in_the_shops_timezone(self, shop, drain):
        await execute("update merchants set iana_timezone = 'Pacific/Auckland' where id = :m", m=shop.id)
        await set_rule(shop, expiry_policy="days_after_earn", expiry_days=90)
        await order(shop, drain, new_id(), new_id(), "30.00")
        [lot] = await lots(shop)
        await execute(
            "update points_lots set expires_at = date_trunc('day', now()) + interval '5 days 13 hours'"
            " where id = :l and merchant_id = :m",
            l=lot["id"],
            m=shop.id,
        )
        await expire(drain)
        [reminder] = await reminders(shop)
        # 13:00 UTC is already the next day in Auckland
        assert reminder["expires_on"] == (utcnow() + timedelta(days=6)).date()
        assert isinstance(reminder["expires_on"], date)

    async def test_a_reminder_whose_points_are_gone_is_cancelled(self, shop, drain):
        await set_rule(shop, expiry_policy="days_after_earn", expiry_days=90)
        cid = new_id()
        await order(shop, drain, new_id(), cid, "30.00")
        [lot] = await lots(shop)
        await move_lot_expiry(shop, lot["id"], "10 days")
        await expire(drain)
        assert [r["status"] for r in await reminders(shop)] == ["due"]
        await spend(shop, await local_id(shop, cid), 30, "r1")
        await expire(drain)
        assert [r["status"] for r in await reminders(shop)] == ["cancelled"]

    async def test_due_reminders_are_claimed_once_in_the_callers_transaction(self, shop, drain):
        """What notifications sends: a claim marks reminders sent in the caller's
        transaction (rolled back: still due), and a reminder is claimed only once."""
        await set_rule(shop, expiry_policy="days_after_earn", expiry_days=90)
        cid = new_id()
        await order(shop, drain, new_id(), cid, "30.00")
        [lot] = await lots(shop)
        await move_lot_expiry(shop, lot["id"], "10 days")
        await expire(drain)
        customer = await local_id(shop, cid)

        class Abort(Exception):
            pass

        seen: list[tuple[int, int]] = []

        async def claim_and_roll_back() -> None:
            async with unit_of_work() as uow:
                claimed = await points.claim_due_reminders(uow, limit=100_000)
                seen.extend((r.customer_id, r.points) for r in claimed if r.merchant_id == shop.id)
                raise Abort

        with pytest.raises(Abort):
            await claim_and_roll_back()
        assert seen == [(customer, 30)]
        assert [r["status"] for r in await reminders(shop)] == ["due"]
        async with unit_of_work() as uow:
            claimed = [
                r for r in await points.claim_due_reminders(uow, limit=100_000) if r.merchant_id == shop.id
            ]
        [reminder] = claimed
        assert reminder.expires_on == (await lots(shop))[0]["expires_at"].date()
        assert [r["status"] for r in await reminders(shop)] == ["sent"]
        async with unit_of_work() as uow:
            again = await points.claim_due_reminders(uow, limit=100_000)
        assert [r for r in again if r.merchant_id == shop.id] == []


async def test_expiring_points_read(shop, drain):
    await set_rule(shop, expiry_policy="days_after_earn", expiry_days=90)
    cid = new_id()
    await order(shop, drain, new_id(), cid, "30.00")
    await order(shop, drain, new_id(), cid, "20.00")
    customer = await local_id(shop, cid)
    a, _ = await lots(shop)
    await move_lot_expiry(shop, a["id"], "5 days")
    found = await points.get_expiring_points(shop.id, [customer, 999_999], within_days=30)
    assert found[customer].points == 30
    assert close_to(found[customer].next_expires_at, utcnow() + timedelta(days=5))
    assert found[999_999] == points.ExpiringPointsDTO(0, None)
    assert (await points.get_expiring_points(shop.id, [customer], within_days=100))[customer].points == 50
    with pytest.raises(ValueError, match="within_days"):
        await points.get_expiring_points(shop.id, [customer], within_days=-1)
