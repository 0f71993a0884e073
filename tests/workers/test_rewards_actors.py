"""The rewards actors on the real Redis broker and Dramatiq worker: each idempotent
(sent twice, the work happens once), and both sent by the scheduler."""

from __future__ import annotations

from datetime import timedelta

import pytest

from loyalnest.contexts.rewards import api as rewards
from loyalnest.contexts.rewards import commands
from loyalnest.platform import jobs as declared_jobs
from loyalnest.platform import queue
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


def _send(actor_name: str, **kwargs) -> None:
    queue.send(actor_name, rewards.REWARDS_QUEUE, kwargs)


async def test_settle_actor_finishes_a_redemption_the_request_lost_once(shop, fake, drain):
    customer = await support.customer_with_points(shop.id, 6001, 500)
    reward = await support.make_reward(shop.id, points_cost=200)
    async with unit_of_work() as uow:  # step 1 committed, then the process died
        reservation = await commands.reserve_redemption(
            uow, merchant_id=shop.id, customer_id=customer, reward_id=reward, actor="customer:6001"
        )
    code = reservation.code

    _send(rewards.SETTLE_PENDING_ACTOR, older_than_seconds=0)
    _send(rewards.SETTLE_PENDING_ACTOR, older_than_seconds=0)
    await drain()

    [row] = await support.redemption_rows(shop.id)
    assert row["status"] == "issued"
    assert fake.discount(shop.domain, code).gid == row["discount_gid"]
    assert len(fake.discounts(shop.domain)) == 1
    assert await support.ledger_kinds(shop.id, customer) == [("earn", 500), ("redeem", -200)]


async def test_settle_actor_leaves_young_pending_rows_to_their_request(shop, fake, drain):
    customer = await support.customer_with_points(shop.id, 6002, 500)
    reward = await support.make_reward(shop.id, points_cost=200)
    async with unit_of_work() as uow:
        await commands.reserve_redemption(
            uow, merchant_id=shop.id, customer_id=customer, reward_id=reward, actor="customer:6002"
        )

    _send(rewards.SETTLE_PENDING_ACTOR)  # the default: only rows pending for 5 minutes
    await drain()

    [row] = await support.redemption_rows(shop.id)
    assert row["status"] == "pending"
    assert fake.requests(shop.domain) == []
    # settle it so no pending row is left behind for other tests
    await rewards.settle_pending_redemptions(older_than=timedelta(0))


async def test_expire_actor_returns_points_once(shop, fake, drain):
    customer = await support.customer_with_points(shop.id, 6003, 500)
    reward = await support.make_reward(shop.id, points_cost=200)
    outcome = await rewards.redeem_reward(
        merchant_id=shop.id, customer_id=customer, reward_id=reward, actor="customer:6003"
    )
    await support.expire_now(shop.id, outcome.redemption.id, hours_ago=72)

    _send(rewards.EXPIRE_UNUSED_CODES_ACTOR)
    _send(rewards.EXPIRE_UNUSED_CODES_ACTOR)
    await drain()

    [row] = await support.redemption_rows(shop.id)
    assert row["status"] == "expired"
    assert await support.ledger_kinds(shop.id, customer) == [
        ("earn", 500),
        ("redeem", -200),
        ("redeem_return", 200),
    ]
    assert await support.balance(shop.id, customer) == 500


def test_the_scheduler_sends_both_actors_and_the_worker_knows_them(broker):
    jobs = {job.actor_name: job for job in declared_jobs.periodic_jobs()}
    assert jobs[rewards.SETTLE_PENDING_ACTOR].every_seconds == 60
    assert jobs[rewards.EXPIRE_UNUSED_CODES_ACTOR].every_seconds == 3600
    declared = broker.get_declared_actors()
    assert {rewards.SETTLE_PENDING_ACTOR, rewards.EXPIRE_UNUSED_CODES_ACTOR} <= declared
    assert rewards.REWARDS_QUEUE in broker.get_declared_queues()
