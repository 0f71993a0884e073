"""Order webhooks to points, end to end: signed webhook over HTTP, the real worker, the
ledger in PostgreSQL, the result read back through GraphQL (and SQL where it is the
stored row that matters)."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from loyalnest.contexts.points import api as points
from loyalnest.platform.errors import InsufficientPoints
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.support import (
    adjust,
    balance,
    customer,
    customer_count,
    inbox_rows,
    ledger_rows,
    rows,
    set_program,
)

_ids = iter(range(10_000, 10**9))


def new_id() -> int:
    return next(_ids)


async def _order(shop, drain, order_id: int, shopify_customer: int, **kwargs) -> None:
    body = payloads.order(order_id, customer_body=payloads.customer(shopify_customer), **kwargs)
    response = await shop.webhook("orders/create", body)
    assert response.status_code == 200, response.text
    await drain()


async def _send(shop, drain, topic: str, body: dict) -> None:
    response = await shop.webhook(topic, body)
    assert response.status_code == 200, response.text
    await drain()


async def _order_points(shop, order_id: int) -> dict:
    [row] = await rows(
        "select * from order_points where merchant_id = :m and shopify_order_id = :o", m=shop.id, o=order_id
    )
    return row


def _deltas(ledger: list[dict]) -> list[tuple[int, str]]:
    return [(e["delta"], e["kind"]) for e in ledger]


class TestEarning:
    async def test_guest_checkout_records_nothing(self, shop, drain):
        await _send(shop, drain, "orders/create", payloads.order(new_id(), customer_body=None))
        [row] = await inbox_rows(shop.id)
        assert row["outcome"] == "processed"
        assert await customer_count(shop.id) == 0
        assert await ledger_rows(shop.id) == []
        assert await rows("select * from order_points where merchant_id = :m", m=shop.id) == []

    async def test_default_is_one_point_per_unit_rounded_down(self, shop, drain):
        cid = new_id()
        await _order(shop, drain, new_id(), cid, subtotal="123.99")
        assert await balance(shop, cid) == 123

    async def test_earns_on_shop_money_whatever_the_customer_paid_in(self, shop, drain):
        cid, oid = new_id(), new_id()
        await _order(
            shop,
            drain,
            oid,
            cid,
            subtotal="90.10",
            presentment_currency="EUR",
            presentment_subtotal="83.00",
        )
        assert await balance(shop, cid) == 90
        stored = await _order_points(shop, oid)
        assert stored["currency"] == "USD"  # the currency the eligible amount is in
        assert str(stored["eligible_amount"]) == "90.1000"

    @pytest.mark.parametrize("subtotal", ["-15.00", "0.00", "0.99"])
    async def test_zero_negative_or_tiny_subtotal_earns_nothing_quietly(self, shop, drain, subtotal):
        cid = new_id()
        await _order(shop, drain, new_id(), cid, subtotal=subtotal)
        [row] = await inbox_rows(shop.id)
        assert (row["outcome"], row["last_error"]) == ("processed", None)
        found = await customer(shop, cid)
        assert found is not None
        assert found["pointsBalance"] == 0
        assert found["transactions"]["nodes"] == []
        assert await ledger_rows(shop.id) == []

    async def test_subtotal_is_after_discounts_and_excludes_shipping_and_tax(self, shop, drain):
        cid = new_id()
        # 100.00 of goods with a 5.00 code: Shopify's subtotal is 95.00
        await _order(
            shop,
            drain,
            new_id(),
            cid,
            subtotal="95.00",
            shipping="12.00",
            tax="7.60",
            discount_codes=["SAVE5"],
        )
        assert await balance(shop, cid) == 95

    async def test_taxes_included_prices_earn_without_the_tax(self, shop, drain):
        cid = new_id()
        await _order(shop, drain, new_id(), cid, subtotal="120.00", tax="20.00", taxes_included=True)
        assert await balance(shop, cid) == 100

    async def test_merchant_can_earn_on_shipping_and_tax(self, shop, drain):
        await set_program(shop, earn_on_shipping=True, earn_on_tax=True)
        cid = new_id()
        await _order(shop, drain, new_id(), cid, subtotal="100.00", shipping="10.00", tax="8.00")
        assert await balance(shop, cid) == 118

    async def test_same_order_under_different_event_ids_is_awarded_once(self, shop, drain):
        cid, oid = new_id(), new_id()
        body = payloads.order(oid, subtotal="40.00", customer_body=payloads.customer(cid))
        responses = await asyncio.gather(
            *(shop.webhook("orders/create", body, event_id=uuid.uuid4().hex) for _ in range(3))
        )
        assert [r.json()["status"] for r in responses] == ["accepted"] * 3
        await drain()
        await _send(shop, drain, "orders/create", body)  # and a late retry
        assert len(await inbox_rows(shop.id)) == 4
        assert _deltas(await ledger_rows(shop.id)) == [(40, "earn")]
        assert await balance(shop, cid) == 40

    async def test_earning_is_visible_in_graphql_history(self, shop, drain):
        cid, oid = new_id(), new_id()
        await _order(shop, drain, oid, cid, subtotal="12.00")
        found = await customer(shop, cid)
        assert found["lifetimePoints"] == 12
        assert found["transactions"]["nodes"] == [
            {
                "delta": 12,
                "kind": "EARN",
                "source": "order",
                "sourceRef": f"order:{oid}",
                "balanceAfter": 12,
                "shortfall": 0,
            }
        ]


class TestReversals:
    async def test_cancellation_takes_the_orders_points_back_once(self, shop, drain):
        cid, oid = new_id(), new_id()
        await _order(shop, drain, new_id(), cid, subtotal="30.00")
        await _order(shop, drain, oid, cid, subtotal="100.00")
        cancel = payloads.order(oid, subtotal="100.00", customer_body=payloads.customer(cid))
        await _send(shop, drain, "orders/cancelled", cancel)
        assert await balance(shop, cid) == 30
        await _send(shop, drain, "orders/cancelled", cancel)  # redelivered with a new event id
        assert await balance(shop, cid) == 30
        ledger = await ledger_rows(shop.id)
        assert _deltas(ledger) == [(30, "earn"), (100, "earn"), (-100, "reversal")]
        found = await customer(shop, cid)
        assert found["lifetimePoints"] == 30

    async def test_partial_refund_takes_back_proportionally(self, shop, drain):
        cid, oid = new_id(), new_id()
        await _order(shop, drain, oid, cid, subtotal="200.00")
        refund = payloads.refund(new_id(), oid, subtotal="50.00", tax="4.00")
        await _send(shop, drain, "refunds/create", refund)
        assert await balance(shop, cid) == 150
        await _send(shop, drain, "refunds/create", refund)  # the same refund again
        assert await balance(shop, cid) == 150
        assert _deltas(await ledger_rows(shop.id)) == [(200, "earn"), (-50, "reversal")]

    async def test_partial_refunds_adding_up_to_the_order_leave_exactly_nothing(self, shop, drain):
        cid, oid = new_id(), new_id()
        await _order(shop, drain, oid, cid, subtotal="99.99")
        assert await balance(shop, cid) == 99
        for part in ("33.33", "33.33", "33.33"):
            await _send(shop, drain, "refunds/create", payloads.refund(new_id(), oid, subtotal=part))
        assert await balance(shop, cid) == 0
        ledger = await ledger_rows(shop.id)
        assert sum(e["delta"] for e in ledger) == 0
        assert all(e["shortfall"] == 0 for e in ledger)
        assert (await _order_points(shop, oid))["points_reversed"] == 99

    async def test_refund_after_cancellation_takes_nothing_more(self, shop, drain):
        cid, oid = new_id(), new_id()
        await _order(shop, drain, new_id(), cid, subtotal="10.00")
        await _order(shop, drain, oid, cid, subtotal="50.00")
        await _send(
            shop, drain, "orders/cancelled", payloads.order(oid, customer_body=payloads.customer(cid))
        )
        await _send(shop, drain, "refunds/create", payloads.refund(new_id(), oid, subtotal="50.00"))
        assert await balance(shop, cid) == 10

    async def test_shipping_refund_ignored_when_shipping_does_not_earn(self, shop, drain):
        cid, oid = new_id(), new_id()
        await _order(shop, drain, oid, cid, subtotal="100.00", shipping="10.00")
        await _send(
            shop, drain, "refunds/create", payloads.refund(new_id(), oid, subtotal="0.00", shipping="10.00")
        )
        assert await balance(shop, cid) == 100
        assert _deltas(await ledger_rows(shop.id)) == [(100, "earn")]

    async def test_shipping_refund_counts_when_shipping_earns(self, shop, drain):
        await set_program(shop, earn_on_shipping=True)
        cid, oid = new_id(), new_id()
        await _order(shop, drain, oid, cid, subtotal="100.00", shipping="10.00")
        assert await balance(shop, cid) == 110
        await _send(
            shop, drain, "refunds/create", payloads.refund(new_id(), oid, subtotal="0.00", shipping="10.00")
        )
        assert await balance(shop, cid) == 100

    async def test_refund_of_a_taxes_included_order_excludes_the_tax(self, shop, drain):
        cid, oid = new_id(), new_id()
        await _order(shop, drain, oid, cid, subtotal="120.00", tax="20.00", taxes_included=True)
        assert await balance(shop, cid) == 100
        # half the goods back: 60.00 paid, 10.00 of it tax
        await _send(
            shop, drain, "refunds/create", payloads.refund(new_id(), oid, subtotal="60.00", tax="10.00")
        )
        assert await balance(shop, cid) == 50

    async def test_cancellation_after_spending_records_the_shortfall(self, shop, drain):
        cid, oid = new_id(), new_id()
        await _order(shop, drain, oid, cid, subtotal="100.00")
        gid = (await customer(shop, cid))["id"]
        spent = await adjust(shop, gid, -80)
        assert spent["userErrors"] == []
        await _send(
            shop, drain, "orders/cancelled", payloads.order(oid, customer_body=payloads.customer(cid))
        )
        found = await customer(shop, cid)
        assert found["pointsBalance"] == 0
        reversal = found["transactions"]["nodes"][0]
        assert reversal == {
            "delta": -20,
            "kind": "REVERSAL",
            "source": "order",
            "sourceRef": f"order:{oid}",
            "balanceAfter": 0,
            "shortfall": 80,
        }
        # lifetime drops by what the order earned, not just by what could be taken
        assert found["lifetimePoints"] == 0

    async def test_refund_after_spending_takes_what_is_left(self, shop, drain):
        cid, oid = new_id(), new_id()
        await _order(shop, drain, oid, cid, subtotal="100.00")
        async with unit_of_work() as uow:
            local_id = (await ledger_rows(shop.id))[0]["customer_id"]
            await points.adjust_points(
                uow,
                merchant_id=shop.id,
                customer_id=local_id,
                delta=-90,
                reason="spent",
                actor="test",
                idempotency_key="s1",
            )
        await _send(shop, drain, "refunds/create", payloads.refund(new_id(), oid, subtotal="25.00"))
        ledger = await ledger_rows(shop.id)
        assert [(e["delta"], e["kind"], e["shortfall"], e["balance_after"]) for e in ledger] == [
            (100, "earn", 0, 100),
            (-90, "adjust", 0, 10),
            (-10, "reversal", 15, 0),
        ]
        # more refunds on an empty balance record everything as shortfall, never negative
        await _send(shop, drain, "refunds/create", payloads.refund(new_id(), oid, subtotal="25.00"))
        last = (await ledger_rows(shop.id))[-1]
        assert (last["delta"], last["shortfall"], last["balance_after"]) == (0, 25, 0)
        assert await balance(shop, cid) == 0


class TestOutOfOrder:
    async def test_cancellation_before_creation_means_no_points_ever(self, shop, drain):
        cid, oid = new_id(), new_id()
        body = payloads.order(oid, subtotal="70.00", customer_body=payloads.customer(cid))
        await _send(shop, drain, "orders/cancelled", body)
        await _send(shop, drain, "orders/create", body)
        await _send(shop, drain, "orders/create", body)
        assert await balance(shop, cid) == 0
        assert await ledger_rows(shop.id) == []
        assert [r["outcome"] for r in await inbox_rows(shop.id)] == ["processed"] * 3

    async def test_refund_before_creation_reduces_the_award(self, shop, drain):
        cid, oid = new_id(), new_id()
        await _send(shop, drain, "refunds/create", payloads.refund(new_id(), oid, subtotal="40.00"))
        assert await ledger_rows(shop.id) == []
        await _order(shop, drain, oid, cid, subtotal="100.00")
        assert await balance(shop, cid) == 60
        ledger = await ledger_rows(shop.id)
        assert _deltas(ledger) == [(100, "earn"), (-40, "reversal")]

    async def test_redelivered_early_refund_after_creation_is_not_counted_twice(self, shop, drain):
        cid, oid, rid = new_id(), new_id(), new_id()
        refund = payloads.refund(rid, oid, subtotal="40.00")
        await _send(shop, drain, "refunds/create", refund)
        await _order(shop, drain, oid, cid, subtotal="100.00")
        await _send(shop, drain, "refunds/create", refund)
        assert await balance(shop, cid) == 60

    async def test_early_refund_of_a_taxes_included_order_excludes_the_tax(self, shop, drain):
        cid, oid = new_id(), new_id()
        # 48.00 refunded, 8.00 of it tax: 40.00 of the 120.00 (20.00 tax) order's 100 eligible
        await _send(
            shop, drain, "refunds/create", payloads.refund(new_id(), oid, subtotal="48.00", tax="8.00")
        )
        await _order(shop, drain, oid, cid, subtotal="120.00", tax="20.00", taxes_included=True)
        assert await balance(shop, cid) == 60


class TestConcurrentSpending:
    async def test_parallel_debits_never_overdraw(self, shop, drain):
        cid = new_id()
        await _order(shop, drain, new_id(), cid, subtotal="75.00")
        gid = (await customer(shop, cid))["id"]
        results = await asyncio.gather(*(adjust(shop, gid, -10, key=f"debit-{i}") for i in range(20)))
        succeeded = [r for r in results if not r["userErrors"]]
        refused = [r for r in results if r["userErrors"]]
        assert len(succeeded) == 7
        assert len(refused) == 13
        assert {e["code"] for r in refused for e in r["userErrors"]} == {"INSUFFICIENT_POINTS"}
        assert sorted(r["transaction"]["balanceAfter"] for r in succeeded) == [5, 15, 25, 35, 45, 55, 65]
        assert await balance(shop, cid) == 5
        ledger = await ledger_rows(shop.id)
        assert sum(e["delta"] for e in ledger) == 5
        assert all(e["balance_after"] >= 0 for e in ledger)

    async def test_replayed_debit_is_not_refused_after_the_balance_is_gone(self, shop, drain):
        cid = new_id()
        await _order(shop, drain, new_id(), cid, subtotal="10.00")
        gid = (await customer(shop, cid))["id"]
        first = await adjust(shop, gid, -10, key="once")
        again = await adjust(shop, gid, -10, key="once")
        assert first["userErrors"] == again["userErrors"] == []
        assert first["transaction"] == again["transaction"]
        assert await balance(shop, cid) == 0

    async def test_service_refuses_overdraft_directly(self, shop, drain):
        cid = new_id()
        await _order(shop, drain, new_id(), cid, subtotal="5.00")
        local_id = (await ledger_rows(shop.id))[0]["customer_id"]
        with pytest.raises(InsufficientPoints):
            async with unit_of_work() as uow:
                await points.adjust_points(
                    uow,
                    merchant_id=shop.id,
                    customer_id=local_id,
                    delta=-6,
                    reason="x",
                    actor="t",
                    idempotency_key="k",
                )
        assert await balance(shop, cid) == 5
