"""What the lot, expiry, pending and purchase-rule tests share: orders through the signed
webhook route, spending through the points api, the stored rows read with SQL, the
periodic actors run by the real worker, and moving stored times back ("time passing":
a test cannot wait 30 days, so it moves a lot's expiry or a pending release into the
past, and the real code decides what that means)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.points import api as points
from loyalnest.platform import queue
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.support import rows

_ids = iter(range(5_000_000, 10**9))


def new_id() -> int:
    return next(_ids)


async def send(shop: Any, drain: Any, topic: str, body: dict[str, Any]) -> None:
    response = await shop.webhook(topic, body)
    assert response.status_code == 200, response.text
    await drain()


async def order(
    shop: Any, drain: Any, order_id: int, shopify_customer: int, subtotal: str, **kwargs: Any
) -> dict[str, Any]:
    line_items = kwargs.pop("line_items", None)
    body = payloads.order(
        order_id, subtotal=subtotal, customer_body=payloads.customer(shopify_customer), **kwargs
    )
    if line_items is not None:
        body["line_items"] = line_items
    await send(shop, drain, "orders/create", body)
    return body


async def cancel(shop: Any, drain: Any, order_id: int, shopify_customer: int) -> None:
    body = payloads.order(order_id, customer_body=payloads.customer(shopify_customer))
    await send(shop, drain, "orders/cancelled", body)


async def refund(shop: Any, drain: Any, order_id: int, subtotal: str, **kwargs: Any) -> None:
    await send(
        shop, drain, "refunds/create", payloads.refund(new_id(), order_id, subtotal=subtotal, **kwargs)
    )


async def local_id(shop: Any, shopify_customer: int) -> int:
    found = await customers.get_by_shopify_id(shop.id, shopify_customer)
    assert found is not None
    return found.id


async def account(shop: Any, customer_id: int) -> points.AccountDTO:
    return (await points.get_accounts(shop.id, [customer_id]))[customer_id]


async def lots(shop: Any) -> list[dict[str, Any]]:
    return await rows(
        "select id, customer_id, entry_id, points, remaining, expires_at, activity_days"
        " from points_lots where merchant_id = :m order by id",
        m=shop.id,
    )


async def ledger(shop: Any) -> list[dict[str, Any]]:
    return await rows(
        "select id, customer_id, delta, kind, source, source_ref, idempotency_key, shortfall, balance_after"
        " from points_ledger where merchant_id = :m order by id",
        m=shop.id,
    )


async def spend(shop: Any, customer_id: int, amount: int, ref: str) -> points.PostingResult:
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


async def set_rule(shop: Any, **changes: Any) -> earning.ProgramSettingsDTO:
    async with unit_of_work() as uow:
        return await earning.update_program_settings(
            uow, merchant_id=shop.id, actor="test", update=earning.ProgramSettingsUpdate(**changes)
        )


async def execute(sql: str, **params: Any) -> None:
    async with unit_of_work() as uow:
        await uow.session.execute(text(sql), params)


async def move_lot_expiry(shop: Any, lot_id: int, interval: str) -> None:
    """Set a lot's expiry to now() + ``interval`` (e.g. "-1 day")."""
    await execute(
        "update points_lots set expires_at = now() + cast(cast(:i as text) as interval)"
        " where merchant_id = :m and id = :l",
        i=interval,
        m=shop.id,
        l=lot_id,
    )


async def run_actor(drain: Any, actor_name: str, queue_name: str = points.POINTS_QUEUE) -> None:
    """Send a periodic actor as the scheduler does, and wait for the real worker."""
    queue.send(actor_name, queue_name, {})
    await drain()


async def expire(drain: Any) -> None:
    await run_actor(drain, points.EXPIRE_LOTS_ACTOR)


async def release(drain: Any) -> None:
    await run_actor(drain, earning.RELEASE_PENDING_ACTOR, earning.RELEASE_PENDING_QUEUE)
