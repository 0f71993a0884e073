"""A tier's entry reward from the catalog: entering the tier issues the reward as a
discount code for the customer (no points spent), once per period, created in Shopify
after the earning's transaction commits."""

from __future__ import annotations

import pytest

from tests.contexts.points.helpers import local_id, new_id, order, refund
from tests.contexts.rewards import support
from tests.contexts.tiers.support import configure, ladder, tier_of


@pytest.fixture
def fake(broker):
    with support.admin_fake() as fake:
        yield fake


async def test_entering_a_tier_issues_its_reward_code_once_per_period(make_shop, drain, fake):
    shop = await make_shop()
    await support.connect_shop(shop, fake)
    await configure(shop, drain, retention="immediate")
    reward = await support.make_reward(shop.id, points_cost=1000)
    (gold,) = await ladder(shop, drain, {"name": "Gold", "threshold": 100, "entry_reward_id": reward})
    cid, oid = new_id(), new_id()
    await order(shop, drain, oid, cid, "150.00")
    customer = await local_id(shop, cid)
    assert await tier_of(shop, customer) == gold.id
    [granted] = await support.redemption_rows(shop.id)
    assert (granted["customer_id"], granted["reward_id"], granted["points_spent"], granted["status"]) == (
        customer,
        reward,
        0,
        "issued",
    )
    assert len(fake.discounts(shop.domain)) == 1
    assert await support.ledger_kinds(shop.id, customer) == [("earn", 150)]
    # out and back in within the period: no second code
    await refund(shop, drain, oid, "100.00")
    assert await tier_of(shop, customer) is None
    await order(shop, drain, new_id(), cid, "60.00")
    assert await tier_of(shop, customer) == gold.id
    assert len(await support.redemption_rows(shop.id)) == 1
