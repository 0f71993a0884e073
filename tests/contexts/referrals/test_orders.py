"""Friends' orders through the signed webhook route: attribution by each marker, the
first qualifying order of a new customer only, pending -> completed -> rewarded by the
real ``referrals.settle_due`` on the real worker, the monthly cap, milestones,
cancellations and refunds, and replays that post nothing twice."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from loyalnest.contexts.referrals import api as referrals
from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform.db import observe_statements
from loyalnest.platform.uow import unit_of_work
from tests import payloads
from tests.contexts.points.helpers import cancel, local_id, new_id, refund, send
from tests.contexts.referrals.support import (
    DEC,
    advocate,
    code_of,
    confirmation_passes,
    enable,
    friend_order,
    one_referral,
    place,
    referral_ledger,
    referral_rows,
    settle,
)
from tests.contexts.support import rows
from tests.contexts.tiers.support import ladder

REFERRAL_TABLES = re.compile(r"\breferral(s|_programs|_codes|_invites|_clicks_daily)\b", re.IGNORECASE)


async def test_a_link_discount_order_is_rewarded_once_after_the_confirmation_period(shop, drain):
    await enable(shop)
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    friend, order_id = new_id(), new_id()
    body = friend_order(order_id, friend, discount_codes=[f"REF-{code}"])
    await place(shop, drain, body)
    row = await one_referral(shop)
    assert (row["advocate_customer_id"], row["source"], row["status"], row["held"]) == (
        ada,
        "link_discount",
        "pending",
        False,
    )
    assert row["friend_customer_id"] == await local_id(shop, friend)
    assert row["order_subtotal"] == DEC("80.00")
    # the confirmation period has not passed: the sweep leaves it pending
    await settle(drain)
    assert (await one_referral(shop))["status"] == "pending"
    assert await referral_ledger(shop, ada) == []

    await confirmation_passes(shop, drain)
    row = await one_referral(shop)
    assert (row["status"], row["reward_points"]) == ("rewarded", 500)
    assert await referral_ledger(shop, ada) == [("referral", 500, f"referral:{row['id']}:advocate")]

    # Shopify redelivers the order (a new event id), the sweep runs again: nothing twice
    await send(shop, drain, "orders/create", body)
    await settle(drain)
    assert len(await referral_rows(shop)) == 1
    assert await referral_ledger(shop, ada) == [("referral", 500, f"referral:{row['id']}:advocate")]


async def test_every_marker_attributes_the_order(shop, drain):
    await enable(shop)
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    await place(shop, drain, friend_order(new_id(), new_id(), ref_attribute=code.lower()))
    await place(
        shop, drain, friend_order(new_id(), new_id(), landing=f"https://{shop.domain}/?ref={code}&x=1")
    )
    await place(shop, drain, friend_order(new_id(), new_id(), discount_codes=[f"ref-{code}"]))
    sources = [(r["source"], r["status"], r["advocate_customer_id"]) for r in await referral_rows(shop)]
    assert sources == [
        ("cart_attribute", "pending", ada),
        ("landing_url", "pending", ada),
        ("link_discount", "pending", ada),
    ]


async def test_orders_without_a_marker_cost_the_referrals_context_no_statement(shop, drain):
    await enable(shop)
    ada = await advocate(shop, drain)
    await code_of(shop, ada)
    seen: list[str] = []
    with observe_statements(seen.append):
        await place(shop, drain, friend_order(new_id(), new_id(), discount_codes=["WELCOME10"]))
    assert seen, "the order was processed"
    assert not [s for s in seen if REFERRAL_TABLES.search(s)]
    assert await referral_rows(shop) == []


async def test_an_unknown_code_or_a_disabled_program_attributes_nothing(shop, make_shop, drain):
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    # the program is off (the default)
    await place(shop, drain, friend_order(new_id(), new_id(), discount_codes=[f"REF-{code}"]))
    await enable(shop)
    await place(shop, drain, friend_order(new_id(), new_id(), discount_codes=["REF-ZZZZZZZ"]))
    # another shop's code means nothing here
    other = await make_shop()
    await enable(other)
    other_code = await code_of(other, await advocate(other, drain, email="other@example.com"))
    await place(shop, drain, friend_order(new_id(), new_id(), ref_attribute=other_code))
    assert await referral_rows(shop) == []


async def test_only_the_first_qualifying_order_of_a_new_customer_counts(shop, drain):
    await enable(shop, min_order_subtotal=DEC("50.00"))
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    friend = new_id()
    # below the minimum: not a qualifying order
    await place(shop, drain, friend_order(new_id(), friend, subtotal="30.00", discount_codes=[f"REF-{code}"]))
    assert await referral_rows(shop) == []
    # an existing customer (an order before this one) using the friend's discount
    await place(shop, drain, friend_order(new_id(), friend, subtotal="90.00", discount_codes=[f"REF-{code}"]))
    row = await one_referral(shop)
    assert row["status"] == "rejected"
    assert [(r["check"], r["verdict"]) for r in row["reasons"]] == [("not_new", "reject")]
    # a later order of that friend is not a second referral
    await place(shop, drain, friend_order(new_id(), friend, subtotal="90.00", discount_codes=[f"REF-{code}"]))
    assert len(await referral_rows(shop)) == 1
    await confirmation_passes(shop, drain)
    assert await referral_ledger(shop, ada) == []


async def test_an_account_older_than_the_order_is_not_a_new_customer(shop, drain):
    await enable(shop)
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    await place(
        shop, drain, friend_order(new_id(), new_id(), ref_attribute=code, created_at="2025-01-01T00:00:00Z")
    )
    row = await one_referral(shop)
    assert row["status"] == "rejected"
    assert row["reasons"][0]["check"] == "not_new"


async def test_the_monthly_cap_completes_without_rewarding_and_says_why(shop, drain):
    await enable(shop, monthly_cap=1)
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    for _ in range(2):
        await place(shop, drain, friend_order(new_id(), new_id(), discount_codes=[f"REF-{code}"]))
    await confirmation_passes(shop, drain)
    first, second = await referral_rows(shop)
    assert (first["status"], first["reward_points"]) == ("rewarded", 500)
    assert (second["status"], second["reward_points"]) == ("completed", 0)
    assert second["reasons"][-1]["check"] == "monthly_cap"
    assert await referral_ledger(shop, ada) == [("referral", 500, f"referral:{first['id']}:advocate")]
    # the capped one is not retried by every sweep
    await settle(drain)
    assert len(await referral_ledger(shop, ada)) == 1


async def test_milestones_pay_their_bonus_once_at_each_count(shop, drain):
    await enable(
        shop,
        advocate_points=100,
        milestones=[referrals.MilestoneDTO(count=2, points=300), referrals.MilestoneDTO(count=1, points=50)],
    )
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    for _ in range(3):
        await place(shop, drain, friend_order(new_id(), new_id(), discount_codes=[f"REF-{code}"]))
    await confirmation_passes(shop, drain)
    await settle(drain)
    entries = await referral_ledger(shop, ada)
    milestones = sorted(e for e in entries if ":milestone:" in e[2])
    assert milestones == [
        ("referral", 50, f"referral:milestone:{ada}:1"),
        ("referral", 300, f"referral:milestone:{ada}:2"),
    ]
    assert sum(1 for e in entries if e[2].endswith(":advocate")) == 3
    progress = await referrals.get_progress(shop.id, ada)
    assert (progress.rewarded, progress.completed, progress.next_milestone) == (3, 3, None)


async def test_a_cancellation_or_full_refund_in_the_period_cancels(shop, drain):
    await enable(shop)
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    cancelled_order, refunded_order, partial_order = new_id(), new_id(), new_id()
    cancelled_friend, refunded_friend = new_id(), new_id()
    await place(shop, drain, friend_order(cancelled_order, cancelled_friend, discount_codes=[f"REF-{code}"]))
    await place(shop, drain, friend_order(refunded_order, refunded_friend, discount_codes=[f"REF-{code}"]))
    await place(shop, drain, friend_order(partial_order, new_id(), discount_codes=[f"REF-{code}"]))
    await cancel(shop, drain, cancelled_order, cancelled_friend)
    await refund(shop, drain, refunded_order, "50.00")
    await refund(shop, drain, refunded_order, "30.00")
    # one partial refund that Shopify delivers three times, each under a new event id (the
    # inbox dedupes by event id only): counted once, so the referral still stands
    partial_refund = payloads.refund(new_id(), partial_order, subtotal="50.00")
    for _ in range(3):
        await send(shop, drain, "refunds/create", partial_refund)
    await confirmation_passes(shop, drain)
    statuses = [(r["shopify_order_id"], r["status"], r["order_refunded"]) for r in await referral_rows(shop)]
    assert statuses == [
        (cancelled_order, "cancelled", DEC("0.00")),
        (refunded_order, "cancelled", DEC("80.00")),
        (partial_order, "rewarded", DEC("50.00")),
    ]
    assert len(await referral_ledger(shop, ada)) == 1


async def test_a_full_refund_after_the_reward_reverses_it_with_the_shortfall_rule(shop, drain):
    await enable(shop)
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    order_id = new_id()
    await place(shop, drain, friend_order(order_id, new_id(), discount_codes=[f"REF-{code}"]))
    await confirmation_passes(shop, drain)
    row = await one_referral(shop)
    assert row["status"] == "rewarded"
    # the advocate spent most of it already: the reversal takes what is there
    await _spend(shop, ada, 400)
    await refund(shop, drain, order_id, "80.00")
    await refund(shop, drain, order_id, "80.00")  # a second refund changes nothing more
    row = await one_referral(shop)
    assert row["status"] == "cancelled"
    key = f"referral:{row['id']}:advocate"
    reversal = await rows(
        "select delta, shortfall, kind from points_ledger where merchant_id = :m and idempotency_key = :k",
        m=shop.id,
        k=f"{key}:reversal",
    )
    # her 120 left are taken; the 380 already spent are recorded as the shortfall
    assert [(r["kind"], r["delta"], r["shortfall"]) for r in reversal] == [("reversal", -120, 380)]


async def _spend(shop: Any, customer_id: int, amount: int) -> None:
    from tests.contexts.points.helpers import spend

    await spend(shop, customer_id, amount, uuid.uuid4().hex)


async def test_a_catalog_reward_as_the_advocates_reward_is_granted_and_she_is_told(shop, drain):
    from tests.contexts.rewards import support as rewards_support

    with rewards_support.admin_fake() as fake:
        await rewards_support.connect_shop(shop, fake)
        reward = await rewards_support.make_reward(shop.id, points_cost=1000)
        await enable(shop, advocate_kind="reward", advocate_reward_id=reward)
        ada = await advocate(shop, drain)
        code = await code_of(shop, ada)
        await place(shop, drain, friend_order(new_id(), new_id(), discount_codes=[f"REF-{code}"]))
        await confirmation_passes(shop, drain)
    row = await one_referral(shop)
    assert (row["status"], row["reward_points"]) == ("rewarded", 0)
    assert await referral_ledger(shop, ada) == []
    [granted] = await rewards_support.redemption_rows(shop.id)
    assert (granted["customer_id"], granted["reward_id"], granted["points_spent"]) == (ada, reward, 0)
    told = await rows(
        "select customer_id, variables from notification_deliveries"
        " where merchant_id = :m and type = 'referral_rewarded'",
        m=shop.id,
    )
    assert told
    assert {t["customer_id"] for t in told} == {ada}
    assert told[0]["variables"]["points"] == 0


async def test_one_shop_never_sees_or_decides_anothers_referrals(shop, make_shop, drain):
    await enable(shop, velocity_per_week=1)
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    for _ in range(2):
        await place(shop, drain, friend_order(new_id(), new_id(), discount_codes=[f"REF-{code}"]))
    held = (await referral_rows(shop))[1]
    assert held["held"] is True
    other = await make_shop()
    assert await referrals.get_referrals(other.id, [held["id"]]) == {}
    assert (await referrals.list_referrals(other.id, first=10)).total == 0
    from loyalnest.platform.errors import NotFound
    from loyalnest.platform.uow import unit_of_work

    with pytest.raises(NotFound):
        async with unit_of_work() as uow:
            await referrals.approve_referral(
                uow, merchant_id=other.id, referral_id=held["id"], actor="staff:x"
            )
    assert (await referral_rows(shop))[1]["held"] is True
    page = await referrals.list_referrals(shop.id, first=1)
    assert (page.total, page.has_next, page.has_previous) == (2, True, False)
    rest = await referrals.list_referrals(shop.id, first=1, after=page.items[0].id)
    assert (len(rest.items), rest.has_next, rest.has_previous) == (1, False, True)
    assert rest.items[0].friend_email_masked is None


async def test_a_tier_multiplies_referral_rewards_only_when_the_tier_and_the_program_both_say_so(shop, drain):
    """Gold (x1.50 on purchases and referrals) adds its part to the advocate's reward once
    the program lets multipliers apply; a tier that multiplies purchases only, or the
    program's switch off, leaves the reward as it is."""
    (gold,) = await ladder(
        shop,
        drain,
        {
            "name": "Gold",
            "threshold": 100_000,
            "multiplier": DEC("1.50"),
            "multiplied_triggers": ("order", "referral"),
        },
    )
    ada = await advocate(shop, drain)
    async with unit_of_work() as uow:
        await tiers.assign_tier(
            uow,
            merchant_id=shop.id,
            actor="staff:test",
            customer_id=ada,
            tier_id=gold.id,
            until=None,
            reason=None,
        )
    code = await code_of(shop, ada)

    await enable(shop, tier_multiplier_applies=False)
    await place(shop, drain, friend_order(new_id(), new_id(), discount_codes=[f"REF-{code}"]))
    await confirmation_passes(shop, drain)
    [first] = await referral_rows(shop)
    assert await referral_ledger(shop, ada) == [("referral", 500, f"referral:{first['id']}:advocate")]

    await enable(shop, tier_multiplier_applies=True)
    await place(shop, drain, friend_order(new_id(), new_id(), discount_codes=[f"REF-{code}"]))
    await confirmation_passes(shop, drain)
    second = (await referral_rows(shop))[1]
    assert second["status"] == "rewarded"
    assert (await referral_ledger(shop, ada))[1:] == [
        ("referral", 500, f"referral:{second['id']}:advocate"),
        ("tier_bonus", 250, f"referral:{second['id']}:advocate:tier"),
    ]
