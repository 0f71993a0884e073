"""Redemption at the api level, against the real database and the Shopify fake: points
spent once, a code created once, and every way the Shopify call can go wrong leaves
either a working code with its points spent or the points back."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest

from loyalnest.contexts.rewards import api as rewards
from loyalnest.contexts.rewards import commands, flows, rules
from loyalnest.contexts.rewards.models import CODE_CONTEXT, REDEMPTION_CODE_COLUMN
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.errors import DomainError
from loyalnest.platform.timeutil import utcnow
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


async def _redeem(shop, customer_id: int, reward_id: int) -> rewards.RedemptionOutcome:
    return await rewards.redeem_reward(
        merchant_id=shop.id, customer_id=customer_id, reward_id=reward_id, actor=f"customer:{customer_id}"
    )


async def test_a_redemption_spends_the_points_and_creates_the_customers_code(shop, fake):
    customer = await support.customer_with_points(shop.id, 5001, 1000)
    reward = await support.make_reward(shop.id, points_cost=300, value=Decimal("10"), code_validity_days=7)

    outcome = await _redeem(shop, customer, reward)

    redemption = outcome.redemption
    assert (outcome.error, outcome.points_balance) == (None, 700)
    assert (redemption.status, redemption.points_spent, redemption.title) == (
        "issued",
        300,
        "fixed_amount reward",
    )
    assert redemption.code.startswith("LN-")
    assert await support.balance(shop.id, customer) == 700
    assert await support.ledger_kinds(shop.id, customer) == [("earn", 1000), ("redeem", -300)]
    # in Shopify: that code, for that customer only, once, until it expires
    discount = fake.discount(shop.domain, redemption.code)
    assert discount is not None
    assert redemption.discount_gid == discount.gid
    given = discount.input
    assert given["context"] == {"customers": {"add": ["gid://shopify/Customer/5001"]}}
    assert (given["usageLimit"], given["appliesOncePerCustomer"]) == (1, True)
    assert given["customerGets"]["value"] == {
        "discountAmount": {"amount": "10.0000", "appliesOnEachItem": False}
    }
    assert given["endsAt"] == redemption.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert timedelta(days=7) - timedelta(minutes=1) < redemption.expires_at - utcnow() <= timedelta(days=7)
    # stored encrypted, found by its blind index (case-insensitive, as Shopify's codes are)
    [row] = await support.redemption_rows(shop.id)
    assert redemption.code not in row["code_enc"]
    assert row["code_bidx"] == rules.code_index(get_keyring(), redemption.code.lower())
    assert (row["status"], row["attempts"]) == ("issued", 1)


@pytest.mark.parametrize(
    ("kind", "terms", "mutation", "expected"),
    [
        (
            "percentage",
            {"value": Decimal("15")},
            "discountCodeBasicCreate",
            {"value": {"percentage": 0.15}, "items": {"all": True}},
        ),
        ("free_shipping", {}, "discountCodeFreeShippingCreate", None),
        (
            "free_product",
            {"variant_gid": "gid://shopify/ProductVariant/777"},
            "discountCodeBasicCreate",
            {
                "value": {"percentage": 1.0},
                "items": {"products": {"productVariantsToAdd": ["gid://shopify/ProductVariant/777"]}},
            },
        ),
    ],
)
async def test_every_kind_of_reward_becomes_its_discount(shop, fake, kind, terms, mutation, expected):
    customer = await support.customer_with_points(shop.id, 5002, 100)
    reward = await support.make_reward(
        shop.id, kind=kind, points_cost=100, minimum_order_amount=Decimal("40"), **terms
    )

    outcome = await _redeem(shop, customer, reward)

    assert outcome.redemption.status == "issued"
    discount = fake.discount(shop.domain, outcome.redemption.code)
    assert [r.operation for r in fake.requests(shop.domain)] == [mutation]
    assert discount.input["minimumRequirement"] == {"subtotal": {"greaterThanOrEqualToSubtotal": "40.0000"}}
    if expected is None:
        assert discount.typename == "DiscountCodeFreeShipping"
        assert discount.input["destination"] == {"all": True}
    else:
        assert discount.input["customerGets"] == expected


async def test_refusals_before_anything_changes(shop, fake):
    customer = await support.customer_with_points(shop.id, 5003, 50)
    costly = await support.make_reward(shop.id, points_cost=51)
    later = await support.make_reward(shop.id, starts_at=utcnow() + timedelta(days=1))
    over = await support.make_reward(
        shop.id, ends_at=utcnow() - timedelta(seconds=1), starts_at=utcnow() - timedelta(days=1)
    )
    archived = await support.make_reward(shop.id, points_cost=1)
    async with unit_of_work() as uow:
        await rewards.archive_reward(uow, merchant_id=shop.id, actor="staff:test", reward_id=archived)

    expected = [
        (costly, "INSUFFICIENT_POINTS"),
        (later, "REWARD_UNAVAILABLE"),
        (over, "REWARD_UNAVAILABLE"),
        (archived, "REWARD_UNAVAILABLE"),
        (999_999_999, "NOT_FOUND"),
    ]
    for reward, code in expected:
        with pytest.raises(DomainError) as error:
            await _redeem(shop, customer, reward)
        assert (error.value.code, error.value.field) == (code, "rewardId")
    with pytest.raises(DomainError) as error:
        await rewards.redeem_reward(merchant_id=shop.id, customer_id=123456789, reward_id=costly, actor="x")
    assert error.value.code == "NOT_FOUND"

    assert await support.redemption_rows(shop.id) == []
    assert await support.balance(shop.id, customer) == 50
    assert fake.requests(shop.domain) == []


async def test_shopify_refusing_the_code_gives_the_points_back(shop, fake):
    customer = await support.customer_with_points(shop.id, 5004, 500)
    reward = await support.make_reward(shop.id, points_cost=200)
    fake.fail_next_mutation(message="Customer is not eligible", field=("context",), shop=shop.domain)

    outcome = await _redeem(shop, customer, reward)

    assert outcome.error is not None
    assert outcome.error.code == "DISCOUNT_CODE_FAILED"
    assert outcome.points_balance == 500
    assert "Customer is not eligible" in outcome.error.message
    assert outcome.redemption.status == "failed"
    assert outcome.redemption.points_returned
    assert await support.balance(shop.id, customer) == 500
    assert await support.ledger_kinds(shop.id, customer) == [
        ("earn", 500),
        ("redeem", -200),
        ("redeem_return", 200),
    ]
    assert fake.discounts(shop.domain) == []


async def test_a_shop_whose_token_is_revoked_gets_the_points_back(shop, fake):
    customer = await support.customer_with_points(shop.id, 5005, 500)
    reward = await support.make_reward(shop.id, points_cost=200)
    fake.set_token(shop.domain, "shpat_revoked")

    outcome = await _redeem(shop, customer, reward)

    assert outcome.redemption.status == "failed"
    assert "UNAUTHORIZED" in outcome.redemption.failure_reason
    assert await support.balance(shop.id, customer) == 500


async def test_a_timed_out_call_that_went_through_is_settled_with_the_same_code(shop, broker):
    with support.admin_fake(timeout_seconds=0.3) as fake:
        customer = await support.customer_with_points(shop.id, 5006, 500)
        reward = await support.make_reward(shop.id, points_cost=200)
        fake.delay_next(1, seconds=1.0, shop=shop.domain)

        outcome = await _redeem(shop, customer, reward)

        # Shopify made the code, but we never heard: pending, points spent, no code shown yet
        assert (outcome.redemption.status, outcome.error, outcome.points_balance) == ("pending", None, 300)
        assert not outcome.redemption.code_usable
        assert await support.balance(shop.id, customer) == 300
        made = fake.discount(shop.domain, outcome.redemption.code)
        assert made is not None

        report = await rewards.settle_pending_redemptions(older_than=timedelta(0))

    assert report.issued >= 1
    [row] = await support.redemption_rows(shop.id)
    assert (row["status"], row["discount_gid"], row["attempts"]) == ("issued", made.gid, 2)
    assert len(fake.discounts(shop.domain)) == 1
    assert await support.balance(shop.id, customer) == 300


async def test_server_errors_to_the_end_leave_it_pending_then_the_retry_creates_the_code(shop, fake):
    customer = await support.customer_with_points(shop.id, 5007, 500)
    reward = await support.make_reward(shop.id, points_cost=200)
    fake.fail_next(3, status=502, shop=shop.domain)  # every attempt of the first call

    outcome = await _redeem(shop, customer, reward)
    assert outcome.redemption.status == "pending"
    assert fake.discounts(shop.domain) == []

    await rewards.settle_pending_redemptions(older_than=timedelta(0))

    [row] = await support.redemption_rows(shop.id)
    assert row["status"] == "issued"
    assert fake.discount(shop.domain, outcome.redemption.code).gid == row["discount_gid"]
    assert await support.balance(shop.id, customer) == 300


async def test_a_process_killed_after_spending_is_settled_by_the_actor(shop, fake):
    """Step 1 committed, then the process died: no Shopify call was ever made."""
    customer = await support.customer_with_points(shop.id, 5008, 500)
    reward = await support.make_reward(shop.id, points_cost=200)
    async with unit_of_work() as uow:
        reservation = await commands.reserve_redemption(
            uow, merchant_id=shop.id, customer_id=customer, reward_id=reward, actor="customer:x"
        )
    code = reservation.code
    assert await support.balance(shop.id, customer) == 300

    # not old enough yet: a live request may still be working on it
    assert (await rewards.settle_pending_redemptions()).issued == 0
    assert fake.requests(shop.domain) == []

    await rewards.settle_pending_redemptions(older_than=timedelta(0))

    [stored] = await support.redemption_rows(shop.id)
    assert stored["status"] == "issued"
    assert fake.discount(shop.domain, code).gid == stored["discount_gid"]


async def test_a_process_killed_after_shopify_answered_is_settled_without_a_second_code(shop, fake):
    """Steps 1 and 2 done, the process died before step 3: the retry finds its own code."""
    customer = await support.customer_with_points(shop.id, 5009, 500)
    reward = await support.make_reward(shop.id, points_cost=200)
    async with unit_of_work() as uow:
        reservation = await commands.reserve_redemption(
            uow, merchant_id=shop.id, customer_id=customer, reward_id=reward, actor="customer:x"
        )
    assert reservation.balance == 300
    attempt = await flows.request_code(
        reservation.row, reservation.code, "gid://shopify/Customer/5009", live=True
    )
    assert attempt.result == "issued"

    await rewards.settle_pending_redemptions(older_than=timedelta(0))
    await rewards.settle_pending_redemptions(older_than=timedelta(0))  # twice: nothing more

    [stored] = await support.redemption_rows(shop.id)
    assert (stored["status"], stored["discount_gid"]) == ("issued", attempt.discount_gid)
    assert len(fake.discounts(shop.domain)) == 1
    assert [r.outcome for r in fake.requests(shop.domain, operation="discountCodeBasicCreate")] == [
        "ok",
        "user_errors",  # TAKEN: it was ours
    ]
    assert await support.balance(shop.id, customer) == 300


async def test_a_code_shopify_never_confirms_is_given_up_with_the_points_back(shop, fake):
    customer = await support.customer_with_points(shop.id, 5010, 500)
    reward = await support.make_reward(shop.id, points_cost=200)
    fake.fail_next(3, status=500, shop=shop.domain)
    outcome = await _redeem(shop, customer, reward)
    assert outcome.redemption.status == "pending"
    fake.fail_next(3, status=500, shop=shop.domain)

    report = await rewards.settle_pending_redemptions(older_than=timedelta(0), give_up_after=timedelta(0))

    assert report.failed >= 1
    [row] = await support.redemption_rows(shop.id)
    assert row["status"] == "failed"
    assert "did not confirm" in row["failure_reason"]
    assert await support.balance(shop.id, customer) == 500


async def test_two_hundred_redemptions_at_once_spend_exactly_the_balance(shop, fake):
    customer = await support.customer_with_points(shop.id, 5011, 1000)
    reward = await support.make_reward(shop.id, points_cost=30)  # 33 fit, 10 points left

    results = await asyncio.gather(
        *(_redeem(shop, customer, reward) for _ in range(200)), return_exceptions=True
    )

    issued = [r for r in results if isinstance(r, rewards.RedemptionOutcome)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(issued) + len(refused) == 200, [
        r for r in results if not isinstance(r, rewards.RedemptionOutcome | DomainError)
    ]
    assert len(issued) == 33
    assert all(r.redemption.status == "issued" for r in issued)
    assert Counter(e.code for e in refused) == {"INSUFFICIENT_POINTS": 167}
    codes = {r.redemption.code for r in issued}
    assert len(codes) == 33
    assert {d.code for d in fake.discounts(shop.domain)} == codes
    assert await support.balance(shop.id, customer) == 10
    ledger = await support.ledger_kinds(shop.id, customer)
    assert Counter(kind for kind, _ in ledger) == {"earn": 1, "redeem": 33}
    assert len(await support.redemption_rows(shop.id)) == 33


async def test_a_usage_limit_holds_under_concurrency(shop, fake):
    customer = await support.customer_with_points(shop.id, 5012, 10_000)
    reward = await support.make_reward(shop.id, points_cost=10, usage_limit_per_customer=2)

    results = await asyncio.gather(
        *(_redeem(shop, customer, reward) for _ in range(20)), return_exceptions=True
    )

    assert sum(isinstance(r, rewards.RedemptionOutcome) for r in results) == 2
    assert Counter(r.code for r in results if isinstance(r, DomainError)) == {"USAGE_LIMIT_REACHED": 18}
    assert await support.balance(shop.id, customer) == 10_000 - 20
    # a refused code does not use up the limit
    fake.fail_next_mutation(message="nope", shop=shop.domain)
    other = await support.customer_with_points(shop.id, 5013, 100)
    failed = await _redeem(shop, other, reward)
    assert failed.redemption.status == "failed"
    assert (await rewards.redemption_counts(shop.id, other, [reward])) == {reward: 0}
    again = await _redeem(shop, other, reward)
    assert again.redemption.status == "issued"


async def test_orders_using_codes_fulfil_them_once(shop, fake, drain):
    from tests import payloads

    customer = await support.customer_with_points(shop.id, 5014, 1000)
    reward = await support.make_reward(shop.id, points_cost=100)
    first = (await _redeem(shop, customer, reward)).redemption
    second = (await _redeem(shop, customer, reward)).redemption

    order = payloads.order(
        880001,
        subtotal="50.00",
        customer_body=payloads.customer(5014),
        discount_codes=["SPRING10", first.code.lower()],  # Shopify codes are case-insensitive
    )
    assert (await shop.webhook("orders/create", order)).status_code == 200
    assert (await shop.webhook("orders/create", order)).status_code == 200  # redelivered
    await drain()

    by_id = {r["id"]: r for r in await support.redemption_rows(shop.id)}
    assert (by_id[first.id]["status"], by_id[first.id]["shopify_order_id"]) == ("fulfilled", 880001)
    assert by_id[first.id]["used_at"] is not None
    assert by_id[second.id]["status"] == "issued"
    assert await support.balance(shop.id, customer) == 1000 - 200 + 50  # the order earned too


async def test_unused_codes_give_their_points_back_after_the_grace_period(shop, fake, drain):
    from tests import payloads

    customer = await support.customer_with_points(shop.id, 5015, 1000)
    reward = await support.make_reward(shop.id, points_cost=100)
    stale = (await _redeem(shop, customer, reward)).redemption
    in_grace = (await _redeem(shop, customer, reward)).redemption
    used = (await _redeem(shop, customer, reward)).redemption
    await support.expire_now(shop.id, stale.id, hours_ago=49)
    await support.expire_now(shop.id, in_grace.id, hours_ago=47)
    await support.expire_now(shop.id, used.id, hours_ago=49)
    order = payloads.order(
        880002, subtotal="0.00", customer_body=payloads.customer(5015), discount_codes=[used.code]
    )
    await shop.webhook("orders/create", order)
    await drain()

    assert await rewards.expire_unused_codes() >= 1
    await rewards.expire_unused_codes()  # again: nothing is returned twice

    by_id = {r["id"]: r for r in await support.redemption_rows(shop.id)}
    assert by_id[stale.id]["status"] == "expired"
    assert by_id[stale.id]["returned_at"] is not None
    assert by_id[in_grace.id]["status"] == "issued"
    assert by_id[used.id]["status"] == "fulfilled"
    assert await support.balance(shop.id, customer) == 1000 - 300 + 100
    returns = [
        delta for kind, delta in await support.ledger_kinds(shop.id, customer) if kind == "redeem_return"
    ]
    assert returns == [100]


async def test_a_code_used_after_its_points_came_back_is_fulfilled_and_audited(shop, fake, drain):
    from tests import payloads

    customer = await support.customer_with_points(shop.id, 5016, 1000)
    reward = await support.make_reward(shop.id, points_cost=100)
    late = (await _redeem(shop, customer, reward)).redemption
    await support.expire_now(shop.id, late.id, hours_ago=49)
    await rewards.expire_unused_codes()
    assert await support.balance(shop.id, customer) == 1000

    order = payloads.order(
        880003, subtotal="0.00", customer_body=payloads.customer(5016), discount_codes=[late.code]
    )
    await shop.webhook("orders/create", order)
    await drain()

    [row] = await support.redemption_rows(shop.id)
    assert (row["status"], row["shopify_order_id"]) == ("fulfilled", 880003)
    assert row["returned_at"] is not None  # the points stay with the customer
    assert await support.balance(shop.id, customer) == 1000
    assert "reward.code_used_after_return" in await support.audit_actions(shop.id)


async def test_orders_without_our_codes_touch_no_redemption(shop, fake):
    async with unit_of_work() as uow:
        assert await rewards.mark_codes_used(uow, shop.id, []) == 0
        assert await rewards.mark_codes_used(uow, shop.id, [rewards.CodeUse(1, "SPRING10")]) == 0
        assert await rewards.mark_codes_used(uow, shop.id, [rewards.CodeUse(1, "LN-AAAA-BBBB-CCCC")]) == 0


async def test_codes_are_covered_by_key_rotation(shop, fake, settings):
    import base64

    from loyalnest.platform.crypto import Keyring
    from loyalnest.platform.key_rotation import rotate_column

    customer = await support.customer_with_points(shop.id, 5017, 100)
    reward = await support.make_reward(shop.id, points_cost=100)
    code = (await _redeem(shop, customer, reward)).redemption.code
    spec = REDEMPTION_CODE_COLUMN
    new_key = "rot1:" + base64.b64encode(b"r" * 32).decode()
    new_first = Keyring.from_config(f"{new_key},{settings.encryption_keys}", settings.blind_index_key)
    old_first = Keyring.from_config(f"{settings.encryption_keys},{new_key}", settings.blind_index_key)
    try:
        assert (await rotate_column(new_first, spec)).rotated >= 1
        [row] = await support.redemption_rows(shop.id)
        assert row["code_enc"].startswith("rot1:")
        assert new_first.decrypt(row["code_enc"], context=CODE_CONTEXT) == code
    finally:
        # every row of the shared test database back under the key the server uses
        await rotate_column(old_first, spec)
    [row] = await support.redemption_rows(shop.id)
    assert get_keyring().decrypt(row["code_enc"], context=CODE_CONTEXT) == code


async def test_codes_ending_soon_are_listed_with_their_code_for_the_reminder(shop, fake):
    """What the "your code ends in 3 days" message reads: issued codes ending in the
    window, with the plaintext code and the points that come back; keyset-paged."""
    customer = await support.customer_with_points(shop.id, 5030, 1000)
    reward = await support.make_reward(shop.id, points_cost=100)
    soon = (await _redeem(shop, customer, reward)).redemption
    later = (await _redeem(shop, customer, reward)).redemption
    await support.expire_now(shop.id, soon.id, hours_ago=-60)  # ends in 60 hours
    start, end = utcnow() + timedelta(hours=48), utcnow() + timedelta(hours=72)
    found = [c for c in await rewards.codes_expiring_between(start, end) if c.merchant_id == shop.id]
    assert [(c.redemption_id, c.code, c.points_spent, c.customer_id) for c in found] == [
        (soon.id, soon.code, 100, customer)
    ]
    assert later.id not in {c.redemption_id for c in found}
    last = found[-1]
    after = [
        c
        for c in await rewards.codes_expiring_between(start, end, after=(last.expires_at, last.redemption_id))
        if c.merchant_id == shop.id
    ]
    assert after == []
