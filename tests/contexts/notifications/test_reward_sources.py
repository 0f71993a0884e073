"""The rewards context's real paths as causes: a granted code issued at Shopify (the
fake) owes a reward_issued message; three days before it ends unused, the hourly pass
owes a reward_code_expiring one; both carry the code encrypted, never in clear."""

from __future__ import annotations

import pytest

from loyalnest.contexts.notifications import api as notifications
from loyalnest.contexts.rewards import api as rewards
from loyalnest.platform.uow import unit_of_work
from tests.contexts.notifications.support import deliveries, make_customer, set_smtp, settle
from tests.contexts.points.helpers import execute
from tests.contexts.rewards import support


@pytest.fixture
def fake(broker):
    with support.admin_fake() as fake:
        yield fake


async def test_an_issued_code_then_its_expiry_notice(shop, fake, sink, drain) -> None:
    await support.connect_shop(shop, fake)
    await set_smtp(shop.id, sink)
    customer = await make_customer(shop.id, email="vip@example.com")
    reward = await support.make_reward(shop.id, points_cost=500)
    async with unit_of_work() as uow:
        redemption_id = await rewards.grant_reward(
            uow, merchant_id=shop.id, customer_id=customer, reward_id=reward, actor="tier:1"
        )
    await drain()  # the code is created at Shopify, RewardIssued published with it
    code = (await rewards.get_redemptions(shop.id, [redemption_id]))[redemption_id].code
    [issued] = await settle(shop.id)
    assert (issued["type"], issued["idempotency_key"], issued["status"]) == (
        "reward_issued",
        f"reward_issued:{redemption_id}:email",
        "sent",
    )
    assert code
    assert code not in issued["variables"]

    await execute(
        "update reward_redemptions set expires_at = now() + interval '60 hours'"
        " where merchant_id = :m and id = :r",
        m=shop.id,
        r=redemption_id,
    )
    assert await notifications.queue_expiring_codes() >= 1
    assert await notifications.queue_expiring_codes() == 0  # once per code
    found = {r["type"]: r for r in await settle(shop.id)}
    assert found["reward_code_expiring"]["status"] == "sent"
    texts = [m.message.get_body(("plain",)).get_content() for m in sink.wait_for(2)]
    assert all(code in t for t in texts)
    assert len(await deliveries(shop.id)) == 2
