"""Points held as pending for no order (an import's): in ``pendingPoints`` and in no
balance or ledger row while they wait the shop's pending period, posted once under
their own key by the real release pass on the real worker, cancelled by their holder
while they wait, and never posted for a customer whose data was erased."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loyalnest.contexts.earning import api as earning
from loyalnest.graphql.core.ids import encode_id
from loyalnest.platform.erasure import CustomerErased
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import unit_of_work
from tests.contexts.points.helpers import account, execute, ledger, local_id, new_id, order, release, set_rule
from tests.contexts.support import rows

pytestmark = pytest.mark.usefixtures("broker")

_PENDING = "query ($id: ID!) { customer(id: $id) { pointsBalance pendingPoints } }"


async def _hold(shop, held: list[earning.HeldPoints]):
    async with unit_of_work() as uow:
        return await earning.hold_points(
            uow, shop.id, held, kind="import", source="import", reason="Imported"
        )


async def _held(shop) -> list[dict]:
    return await rows(
        "select key, customer_id, points, status from held_points where merchant_id = :m order by key",
        m=shop.id,
    )


async def _due_now(shop) -> None:
    await execute(
        "update held_points set release_at = now() - interval '1 second' where merchant_id = :m", m=shop.id
    )


async def test_held_points_wait_their_period_then_post_once_under_their_key(shop, drain):
    await set_rule(shop, pending_days=14)
    shopify_id = new_id()
    await order(shop, drain, new_id(), shopify_id, "10.00")  # an order's pending points beside them
    customer = await local_id(shop, shopify_id)
    release_at = await _hold(shop, [earning.HeldPoints("import:k:1:pending", customer, 300, "import:1")])
    assert release_at is not None
    assert abs(release_at - (utcnow() + timedelta(days=14))) < timedelta(minutes=2)
    again = await _hold(shop, [earning.HeldPoints("import:k:1:pending", customer, 999)])  # a replayed chunk
    assert again is not None
    assert [(r["points"], r["status"]) for r in await _held(shop)] == [(300, "pending")]
    seen = (await shop.gql(_PENDING, {"id": encode_id("Customer", customer)}))["data"]["customer"]
    assert seen == {"pointsBalance": 0, "pendingPoints": 10 + 300}
    assert await ledger(shop) == []

    await release(drain)  # not due yet
    assert await ledger(shop) == []
    await _due_now(shop)
    await release(drain)
    await release(drain)  # a second pass: nothing twice
    [entry] = [e for e in await ledger(shop) if e["kind"] == "import"]
    assert (entry["delta"], entry["source"], entry["idempotency_key"], entry["source_ref"]) == (
        300,
        "import",
        "import:k:1:pending",
        "import:1",
    )
    assert (await account(shop, customer)).balance == 300
    assert [r["status"] for r in await _held(shop)] == ["released"]
    async with unit_of_work() as uow:  # released: nothing left to cancel
        assert await earning.cancel_held(uow, shop.id, ["import:k:1:pending"]) == set()


async def test_cancelled_while_waiting_they_are_never_posted(shop, drain):
    shopify_id = new_id()
    await order(shop, drain, new_id(), shopify_id, "1.00")
    customer = await local_id(shop, shopify_id)
    await _hold(shop, [earning.HeldPoints("a", customer, 50), earning.HeldPoints("b", customer, 70)])
    async with unit_of_work() as uow:
        assert await earning.cancel_held(uow, shop.id, ["a", "unknown"]) == {"a"}
        # the customer's data is erased: what is held for them is never posted
        await uow.publish_events([CustomerErased(shop.id, customer, shopify_id, ())])
    await _due_now(shop)
    await release(drain)
    assert [(r["key"], r["status"]) for r in await _held(shop)] == [("a", "cancelled"), ("b", "cancelled")]
    assert [e["kind"] for e in await ledger(shop)] == ["earn"]  # the order's point only
