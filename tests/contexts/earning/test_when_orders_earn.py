"""When an order earns (issue 8, item 3): the shop chooses the stage, ORDER_CREATED
(orders/create, the default), ORDER_PAID (orders/paid) or ORDER_FULFILLED
(orders/fulfilled, or a fulfillments/create that succeeded). Everything goes through
signed webhooks on the real route, the real worker and the settings mutation: until the
stage, the order's points wait as pending with no release date; the stage's webhook
earns them once, whichever of the order's webhooks comes first, and replays change
nothing. Refunds and cancellations while the points wait lower or cancel them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from loyalnest.contexts.earning import api as earning
from loyalnest.platform.errors import ValidationFailed
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.points.helpers import (
    account,
    cancel,
    execute,
    ledger,
    local_id,
    new_id,
    refund,
    release,
    send,
)
from tests.contexts.support import inbox_rows, rows

EARN_ON = """
mutation ($stage: OrderEarningStage, $pending: Int) {
  updateProgramSettings(earnOn: $stage, pendingDays: $pending) {
    programSettings { earnOn pendingDays }
    userErrors { field message code }
  }
}
"""

# The stage webhook of each choice: (topic, payload of the order).
Stage = Callable[[int], tuple[str, dict[str, Any]]]


def _paid(order_id: int) -> tuple[str, dict[str, Any]]:
    return "orders/paid", payloads.order(order_id, financial_status="paid")


def _fulfilled(order_id: int) -> tuple[str, dict[str, Any]]:
    return "orders/fulfilled", payloads.order(
        order_id, financial_status="paid", fulfillment_status="fulfilled"
    )


def _fulfillment(order_id: int) -> tuple[str, dict[str, Any]]:
    return "fulfillments/create", payloads.fulfillment(new_id(), order_id)


STAGES = [
    pytest.param("ORDER_PAID", _paid, id="paid"),
    pytest.param("ORDER_FULFILLED", _fulfilled, id="orders-fulfilled"),
    pytest.param("ORDER_FULFILLED", _fulfillment, id="fulfillment-success"),
]


async def earn_on(shop: Any, stage: str, pending_days: int | None = None) -> None:
    result = await shop.gql(EARN_ON, {"stage": stage, "pending": pending_days})
    payload = result["data"]["updateProgramSettings"]
    assert payload["userErrors"] == [], payload
    assert payload["programSettings"]["earnOn"] == stage


async def create(
    shop: Any, drain: Any, order_id: int, shopify_customer: int, subtotal: str = "100.00"
) -> None:
    """orders/create of an order not paid yet (authorized) and not fulfilled."""
    body = payloads.order(
        order_id,
        subtotal=subtotal,
        customer_body=payloads.customer(shopify_customer),
        financial_status="authorized",
    )
    await send(shop, drain, "orders/create", body)


async def reach(shop: Any, drain: Any, stage: Stage, order_id: int) -> None:
    topic, body = stage(order_id)
    await send(shop, drain, topic, body)


async def pending(shop: Any) -> list[dict[str, Any]]:
    return await rows(
        "select shopify_order_id, points, release_at, status from pending_points"
        " where merchant_id = :m order by shopify_order_id",
        m=shop.id,
    )


async def earned(shop: Any) -> list[tuple[int, str]]:
    return [(r["delta"], r["idempotency_key"]) for r in await ledger(shop) if r["source"] == "order"]


@pytest.mark.parametrize(("stage", "reached"), STAGES)
async def test_an_order_earns_once_at_the_shops_stage(shop, drain, stage, reached):
    await earn_on(shop, stage)
    cid, oid = new_id(), new_id()
    await create(shop, drain, oid, cid)
    # placed, not yet at the stage: nothing spendable, the points wait with no date
    assert await earned(shop) == []
    [waiting] = await pending(shop)
    assert (waiting["points"], waiting["release_at"], waiting["status"]) == (100, None, "pending")
    customer = await local_id(shop, cid)
    assert (await earning.get_pending_points(shop.id, [customer]))[customer] == 100
    await release(drain)  # the release pass does not take a waiting order for a due one
    assert await earned(shop) == []

    await reach(shop, drain, reached, oid)
    assert await earned(shop) == [(100, f"order:{oid}:earn")]
    assert [r["status"] for r in await pending(shop)] == ["released"]
    assert (await account(shop, customer)).balance == 100

    # every replay (new deliveries, new event ids) changes nothing
    await reach(shop, drain, reached, oid)
    await create(shop, drain, oid, cid)
    await release(drain)
    assert await earned(shop) == [(100, f"order:{oid}:earn")]
    assert (await account(shop, customer)).balance == 100


@pytest.mark.parametrize(("stage", "reached"), STAGES)
async def test_the_stage_arriving_before_orders_create_earns_when_the_order_comes(
    shop, drain, stage, reached
):
    await earn_on(shop, stage)
    cid, oid = new_id(), new_id()
    await reach(shop, drain, reached, oid)
    assert await earned(shop) == []  # no order known yet: nothing to earn
    await create(shop, drain, oid, cid)
    assert await earned(shop) == [(100, f"order:{oid}:earn")]
    assert await pending(shop) == []
    await reach(shop, drain, reached, oid)
    assert await earned(shop) == [(100, f"order:{oid}:earn")]


@pytest.mark.parametrize(("stage", "reached"), STAGES)
async def test_only_the_shops_own_stage_earns(shop, drain, stage, reached):
    """Earning on payment, a fulfilment does not earn (and the other way round)."""
    other = _fulfillment if stage == "ORDER_PAID" else _paid
    await earn_on(shop, stage)
    cid, oid = new_id(), new_id()
    await create(shop, drain, oid, cid)
    await reach(shop, drain, other, oid)
    assert await earned(shop) == []
    assert [r["release_at"] for r in await pending(shop)] == [None]
    await reach(shop, drain, reached, oid)
    assert await earned(shop) == [(100, f"order:{oid}:earn")]


async def test_an_order_placed_already_paid_earns_at_once_when_the_shop_earns_on_payment(shop, drain):
    await earn_on(shop, "ORDER_PAID")
    cid, oid = new_id(), new_id()
    body = payloads.order(oid, customer_body=payloads.customer(cid), financial_status="paid")
    await send(shop, drain, "orders/create", body)
    assert await earned(shop) == [(100, f"order:{oid}:earn")]
    await reach(shop, drain, _paid, oid)  # its orders/paid then finds nothing waiting
    assert await earned(shop) == [(100, f"order:{oid}:earn")]
    [row] = await rows(
        "select paid, fulfilled from order_points where merchant_id = :m and shopify_order_id = :o",
        m=shop.id,
        o=oid,
    )
    assert (row["paid"], row["fulfilled"]) == (True, False)


async def test_by_default_orders_earn_when_placed_and_the_stages_change_nothing(shop, drain):
    cid, oid = new_id(), new_id()
    await create(shop, drain, oid, cid)  # not paid yet: earns all the same, as before
    assert await earned(shop) == [(100, f"order:{oid}:earn")]
    for stage in (_paid, _fulfilled, _fulfillment):
        await reach(shop, drain, stage, oid)
    assert await earned(shop) == [(100, f"order:{oid}:earn")]
    assert await pending(shop) == []


async def test_the_pending_period_counts_from_the_stage(shop, drain):
    await earn_on(shop, "ORDER_PAID", pending_days=14)
    cid, oid = new_id(), new_id()
    await create(shop, drain, oid, cid)
    assert [r["release_at"] for r in await pending(shop)] == [None]
    await reach(shop, drain, _paid, oid)
    [row] = await pending(shop)
    assert row["status"] == "pending"
    assert abs(row["release_at"] - (utcnow() + timedelta(days=14))) < timedelta(minutes=2)
    assert await earned(shop) == []
    await execute(
        "update pending_points set release_at = now() - interval '1 second' where merchant_id = :m", m=shop.id
    )
    await release(drain)
    assert await earned(shop) == [(100, f"order:{oid}:earn")]
    await reach(shop, drain, _paid, oid)  # a late replay schedules nothing again
    await release(drain)
    assert await earned(shop) == [(100, f"order:{oid}:earn")]


@pytest.mark.parametrize(("stage", "reached"), STAGES)
async def test_a_refund_while_waiting_lowers_what_the_stage_earns(shop, drain, stage, reached):
    await earn_on(shop, stage)
    cid, oid = new_id(), new_id()
    await create(shop, drain, oid, cid)
    await refund(shop, drain, oid, "40.00")
    assert [(r["points"], r["release_at"]) for r in await pending(shop)] == [(60, None)]
    assert await ledger(shop) == []  # nothing was spendable: nothing to take back
    await reach(shop, drain, reached, oid)
    assert await earned(shop) == [(60, f"order:{oid}:earn")]
    assert (await account(shop, await local_id(shop, cid))).balance == 60


@pytest.mark.parametrize(("stage", "reached"), STAGES)
async def test_a_cancellation_while_waiting_means_the_stage_earns_nothing(shop, drain, stage, reached):
    await earn_on(shop, stage)
    cid, oid = new_id(), new_id()
    await create(shop, drain, oid, cid)
    await cancel(shop, drain, oid, cid)
    assert [r["status"] for r in await pending(shop)] == ["cancelled"]
    await reach(shop, drain, reached, oid)
    await release(drain)
    assert await ledger(shop) == []
    assert (await account(shop, await local_id(shop, cid))).balance == 0


async def test_a_fulfilment_that_has_not_succeeded_fulfils_nothing(shop, drain):
    await earn_on(shop, "ORDER_FULFILLED")
    cid, oid = new_id(), new_id()
    await create(shop, drain, oid, cid)
    for status in ("pending", "open", "cancelled", "failure", "error"):
        await send(shop, drain, "fulfillments/create", payloads.fulfillment(new_id(), oid, status=status))
    assert await earned(shop) == []
    assert [r["release_at"] for r in await pending(shop)] == [None]
    outcomes = [r["outcome"] for r in await inbox_rows(shop.id)]
    assert outcomes == ["processed"] + ["ignored"] * 5
    await send(shop, drain, "fulfillments/create", payloads.fulfillment(new_id(), oid))
    assert await earned(shop) == [(100, f"order:{oid}:earn")]


async def test_a_stage_payload_without_its_order_is_parked_and_changes_nothing(shop, drain):
    await earn_on(shop, "ORDER_PAID")
    await send(shop, drain, "orders/paid", {"financial_status": "paid"})
    await send(shop, drain, "fulfillments/create", {"id": new_id(), "status": "success"})
    assert [(r["outcome"], r["last_error"]) for r in await inbox_rows(shop.id)] == [
        ("failed", "order id is missing"),
        ("failed", "order id is missing"),
    ]
    assert await rows("select 1 from order_points where merchant_id = :m", m=shop.id) == []


async def test_choosing_an_earlier_stage_releases_the_orders_that_reached_it(shop, drain):
    """Orders waiting for fulfilment when the shop switches to payment: the paid ones
    are released by the next release pass; the others wait for payment now."""
    await earn_on(shop, "ORDER_FULFILLED")
    cid = new_id()
    paid, unpaid = new_id(), new_id()
    await create(shop, drain, paid, cid)
    await create(shop, drain, unpaid, cid)
    await reach(shop, drain, _paid, paid)
    assert await earned(shop) == []

    await earn_on(shop, "ORDER_PAID")
    await release(drain)
    assert await earned(shop) == [(100, f"order:{paid}:earn")]
    await reach(shop, drain, _paid, unpaid)
    assert await earned(shop) == [(100, f"order:{paid}:earn"), (100, f"order:{unpaid}:earn")]


async def test_switching_back_to_orders_created_releases_every_waiting_order(shop, drain):
    await earn_on(shop, "ORDER_PAID")
    cid, oid = new_id(), new_id()
    await create(shop, drain, oid, cid)
    await earn_on(shop, "ORDER_CREATED")
    await release(drain)
    assert await earned(shop) == [(100, f"order:{oid}:earn")]


async def test_an_unknown_stage_is_refused_by_the_earning_api_and_changes_nothing(shop):
    async with unit_of_work() as uow:
        with pytest.raises(ValidationFailed) as refused:
            await earning.update_program_settings(
                uow,
                merchant_id=shop.id,
                actor="test",
                update=earning.ProgramSettingsUpdate(earn_on="order_shipped", pending_days=3),
            )
    assert refused.value.field == "earnOn"
    settings = await earning.get_purchase_rule(shop.id)
    assert (settings.earn_on, settings.pending_days) == ("order_created", 0)
