"""A catalog reward granted as a code without spending points (a VIP tier's entry
reward): the redemption is stored in the caller's transaction with 0 points spent, and
the code is created in Shopify after commit by ``rewards.issue_granted_code`` on the real
broker (idempotent: a redelivery asks nothing again); a refusal or an expiry gives
nothing back (nothing was spent), and a rollback leaves nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loyalnest.contexts.rewards import api as rewards
from loyalnest.platform.errors import DomainError, NotFound
from loyalnest.platform.uow import unit_of_work
from tests.contexts.rewards import support


@pytest.fixture
def fake(broker):
    with support.admin_fake() as fake:
        yield fake


@pytest.fixture
async def shop(make_shop, fake):
    shop = await make_shop()
    await support.connect_shop(shop, fake)
    return shop


async def _grant(shop, customer: int, reward: int, drain=None) -> rewards.RedemptionDTO:
    """Grant, then (with ``drain``) let the worker run the actor the grant enqueued."""
    async with unit_of_work() as uow:
        redemption_id = await rewards.grant_reward(
            uow, merchant_id=shop.id, customer_id=customer, reward_id=reward, actor="tier:7"
        )
    if drain is not None:
        await drain()
    return (await rewards.get_redemptions(shop.id, [redemption_id]))[redemption_id]


async def test_a_granted_reward_is_a_code_for_the_customer_and_spends_nothing(shop, fake, drain):
    customer = await support.customer_with_points(shop.id, 6001, 40)
    reward = await support.make_reward(shop.id, points_cost=500)  # more than the balance

    pending = await _grant(shop, customer, reward)
    assert (pending.status, pending.points_spent, pending.actor) == ("pending", 0, "tier:7")
    assert fake.discounts(shop.domain) == []  # nothing asked of Shopify inside the transaction
    await drain()
    granted = (await rewards.get_redemptions(shop.id, [pending.id]))[pending.id]

    [row] = await support.redemption_rows(shop.id)
    assert (row["status"], row["points_spent"], row["attempts"]) == ("issued", 0, 1)
    discount = fake.discount(shop.domain, granted.code)
    assert discount is not None
    assert discount.gid == row["discount_gid"]
    assert discount.input["context"] == {"customers": {"add": ["gid://shopify/Customer/6001"]}}
    assert await support.balance(shop.id, customer) == 40
    assert await support.ledger_kinds(shop.id, customer) == [("earn", 40)]
    # a redelivered message finds the row settled and asks Shopify nothing
    await rewards.settle_redemption(shop.id, pending.id)
    assert len(fake.discounts(shop.domain)) == 1


async def test_nothing_is_granted_when_the_transaction_rolls_back(shop, fake, drain):
    customer = await support.customer_with_points(shop.id, 6002, 0)
    reward = await support.make_reward(shop.id)

    async def grant_then_fail() -> None:
        async with unit_of_work() as uow:
            await rewards.grant_reward(
                uow, merchant_id=shop.id, customer_id=customer, reward_id=reward, actor="tier:7"
            )
            raise RuntimeError("the caller failed")

    with pytest.raises(RuntimeError):
        await grant_then_fail()
    await drain()
    assert await support.redemption_rows(shop.id) == []
    assert fake.discounts(shop.domain) == []


async def test_refusals_before_anything_changes(shop, fake):
    customer = await support.customer_with_points(shop.id, 6003, 0)
    archived = await support.make_reward(shop.id)
    async with unit_of_work() as uow:
        await rewards.archive_reward(uow, merchant_id=shop.id, actor="staff:1", reward_id=archived)
    with pytest.raises(NotFound):
        await _grant(shop, customer, 10**9)
    with pytest.raises(DomainError) as refused:
        await _grant(shop, customer, archived)
    assert refused.value.code == "REWARD_UNAVAILABLE"
    assert await support.redemption_rows(shop.id) == []


async def test_a_refused_or_expired_grant_gives_nothing_back(shop, fake, drain):
    customer = await support.customer_with_points(shop.id, 6004, 10)
    reward = await support.make_reward(shop.id)
    fake.fail_next_mutation(message="Customer is not eligible", field=("context",), shop=shop.domain)
    await _grant(shop, customer, reward, drain)
    [failed] = await support.redemption_rows(shop.id)
    assert failed["status"] == "failed"
    assert await support.ledger_kinds(shop.id, customer) == [("earn", 10)]

    issued = await _grant(shop, customer, reward, drain)
    assert issued.status == "issued"
    await support.expire_now(shop.id, issued.id, hours_ago=72)
    assert await rewards.expire_unused_codes() >= 1
    rows = {r["id"]: r for r in await support.redemption_rows(shop.id)}
    assert rows[issued.id]["status"] == "expired"
    assert await support.ledger_kinds(shop.id, customer) == [("earn", 10)]


async def test_a_grant_whose_call_was_lost_is_settled_by_the_actor(shop, fake, drain):
    customer = await support.customer_with_points(shop.id, 6005, 0)
    reward = await support.make_reward(shop.id)
    fake.fail_next(3, status=502, shop=shop.domain)  # every attempt of the actor's call
    granted = await _grant(shop, customer, reward, drain)
    [row] = await support.redemption_rows(shop.id)
    assert row["status"] == "pending"
    await rewards.settle_pending_redemptions(older_than=timedelta(0))
    [row] = await support.redemption_rows(shop.id)
    assert row["status"] == "issued"
    assert fake.discount(shop.domain, granted.code) is not None
