"""An erasure closes the customer's loyalty account for good: what was in flight for them
when it came (points still pending, a redemption Shopify had not confirmed, an issued
code left unused, a referral reward owed) never reaches the closed account afterwards,
whatever pass runs later. Through the signed webhook route and the real worker; checked
on the raw database (verify-ledger holds: the autouse check after every test)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from loyalnest.contexts.points import api as points
from loyalnest.contexts.referrals import api as referrals
from loyalnest.contexts.rewards import api as rewards
from loyalnest.graphql.core.ids import encode_id
from loyalnest.platform import queue
from loyalnest.platform.uow import unit_of_work
from tests.contexts.points.helpers import execute, new_id, release, set_rule
from tests.contexts.referrals.support import (
    advocate,
    code_of,
    confirmation_passes,
    enable,
    friend_order,
    one_referral,
    place,
    settle,
)
from tests.contexts.rewards import support as rewards_support
from tests.contexts.support import rows, scalar

pytestmark = pytest.mark.usefixtures("broker")

_CUSTOMER = "query ($id: ID!) { customer(id: $id) { shopifyId state email pointsBalance pendingPoints } }"


@pytest.fixture
def fake(broker):
    with rewards_support.admin_fake() as fake:
        yield fake


async def _ledger(shop, customer_id: int) -> list[tuple[str, int, str]]:
    found = await rows(
        "select kind, delta, source from points_ledger where merchant_id = :m and customer_id = :c"
        " order by id",
        m=shop.id,
        c=customer_id,
    )
    return [(r["kind"], r["delta"], r["source"]) for r in found]


async def test_nothing_in_flight_reaches_an_erased_customers_closed_account(make_shop, drain, fake):
    shop = await make_shop()
    await rewards_support.connect_shop(shop, fake)
    await enable(shop)
    await set_rule(shop, pending_days=14)
    ada = await advocate(shop, drain)  # her own first order: its points are pending
    ada_shopify = int(
        await scalar(
            "select shopify_customer_id from customers where merchant_id = :m and id = :c", m=shop.id, c=ada
        )
    )
    async with unit_of_work() as uow:
        await points.award_points(
            uow, merchant_id=shop.id, customer_id=ada, points=1000, rule="custom", source_ref=None,
            idempotency_key="test:grant",
        )  # fmt: skip
    reward = await rewards_support.make_reward(shop.id, points_cost=200, value=Decimal("5"))
    issued = await rewards.redeem_reward(merchant_id=shop.id, customer_id=ada, reward_id=reward, actor="test")
    fake.fail_next(3, status=502, shop=shop.domain)  # Shopify's answer never comes: pending
    pending = await rewards.redeem_reward(
        merchant_id=shop.id, customer_id=ada, reward_id=reward, actor="test"
    )
    assert (issued.redemption.status, pending.redemption.status) == ("issued", "pending")
    # a friend ordered with her link: her reward is owed once the confirmation period ends
    code = await code_of(shop, ada)
    # her link's REF- discount, made on Shopify by the real actor (as her first read of it asks)
    queue.send(
        referrals.CREATE_LINK_DISCOUNT_ACTOR,
        referrals.REFERRALS_QUEUE,
        {"merchant_id": shop.id, "customer_id": ada},
    )
    await drain()
    assert fake.discount(shop.domain, f"REF-{code}") is not None
    await place(shop, drain, friend_order(new_id(), new_id(), discount_codes=[f"REF-{code}"]))
    assert (await one_referral(shop))["status"] == "pending"
    assert (await scalar("select count(*) from pending_points where merchant_id = :m and customer_id = :c "
                         "and status = 'pending'", m=shop.id, c=ada)) == 1  # fmt: skip

    customer = {"id": ada_shopify, "email": "ada@example.com"}
    redact = {"shop_id": 1, "shop_domain": shop.domain, "customer": customer, "orders_to_redact": []}
    assert (await shop.webhook("customers/redact", redact)).status_code == 200
    await drain()
    # the balance left (1000 - 200 - 200) is forfeited by one row, read under the account's lock
    forfeit = ("adjust", -600, "privacy")
    assert (await _ledger(shop, ada))[-1] == forfeit
    # in Shopify, her unused code and her link's discount are switched off (after commit)
    assert fake.discount(shop.domain, issued.redemption.code).deactivated
    assert fake.discount(shop.domain, f"REF-{code}").deactivated
    # the actor delivered again (and for a discount Shopify no longer has): nothing breaks
    gids = [
        fake.discount(shop.domain, issued.redemption.code).gid,
        "gid://shopify/DiscountCodeNode/999999999",
    ]
    queue.send(
        rewards.DEACTIVATE_DISCOUNTS_ACTOR,
        rewards.REWARDS_QUEUE,
        {"merchant_id": shop.id, "discount_gids": gids},
    )
    await drain()
    assert fake.discount(shop.domain, issued.redemption.code).deactivated

    # then every pass that could have paid her runs, with Shopify answering again
    await execute("update pending_points set release_at = now() - interval '1 second' where merchant_id = :m",
                  m=shop.id)  # fmt: skip
    await release(drain)
    await confirmation_passes(shop, drain)
    await settle(drain)
    # (this redemption's settle, not the global pass: other tests' pending rows are theirs)
    assert await rewards.settle_redemption(shop.id, pending.redemption.id, give_up_after=timedelta(0)) is None
    await rewards_support.expire_now(shop.id, issued.redemption.id, hours_ago=100)
    await rewards.expire_unused_codes()

    assert (await _ledger(shop, ada))[-1] == forfeit  # nothing after the forfeit
    assert (await points.get_accounts(shop.id, [ada]))[ada].balance == 0
    assert await rows(
        "select status from pending_points where merchant_id = :m and customer_id = :c", m=shop.id, c=ada
    ) == [{"status": "cancelled"}]
    redemptions = await rewards_support.redemption_rows(shop.id)
    assert [(r["status"], r["returned_at"]) for r in redemptions] == [("expired", None), ("failed", None)]
    assert {r["failure_reason"] for r in redemptions} == {
        "the customer's data was erased: their account is closed"
    }
    reward_codes = [d for d in fake.discounts(shop.domain) if d.code.startswith("LN-")]
    assert len(reward_codes) == 1  # the pending code was never asked for again
    referral = await one_referral(shop)
    assert (referral["status"], referral["reward_points"]) == ("cancelled", None)
    assert referral["reasons"][-1]["check"] == "erasure"
    # her link refers nobody any more
    assert await scalar("select count(*) from referral_codes where merchant_id = :m and customer_id = :c",
                        m=shop.id, c=ada) == 0  # fmt: skip

    # staff see an erased customer: no Shopify id, no personal data, an empty account
    seen = (await shop.gql(_CUSTOMER, {"id": encode_id("Customer", ada)}))["data"]["customer"]
    assert seen == {
        "shopifyId": None,
        "state": "erased",
        "email": None,
        "pointsBalance": 0,
        "pendingPoints": 0,
    }


async def test_an_erasure_replayed_after_it_completed_forfeits_nothing_twice(make_shop, drain):
    shop = await make_shop()
    ada = await advocate(shop, drain)
    ada_shopify = int(
        await scalar(
            "select shopify_customer_id from customers where merchant_id = :m and id = :c", m=shop.id, c=ada
        )
    )
    redact = {"shop_domain": shop.domain, "customer": {"id": ada_shopify}, "orders_to_redact": []}
    assert (await shop.webhook("customers/redact", redact)).status_code == 200
    await drain()
    after_first = await _ledger(shop, ada)
    assert after_first[-1] == ("adjust", -20, "privacy")  # her first order's 20 points
    assert (await shop.webhook("customers/redact", redact)).status_code == 200  # Shopify resends it
    await drain()
    assert await _ledger(shop, ada) == after_first
