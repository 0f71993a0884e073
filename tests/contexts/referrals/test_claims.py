"""The program, codes and links, friends' claims by email (their single-use code issued
on the Shopify fake by the real actor), invites, progress and its live channel."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from loyalnest.contexts.referrals import api as referrals
from loyalnest.platform import pubsub
from loyalnest.platform.errors import DomainError, NotFound, ValidationFailed
from loyalnest.platform.uow import unit_of_work
from tests.contexts.points.helpers import execute, new_id
from tests.contexts.referrals.support import (
    advocate,
    code_of,
    enable,
    friend_order,
    one_referral,
    place,
    referral_rows,
    settle,
)
from tests.contexts.rewards import support as rewards_support
from tests.contexts.support import rows


@pytest.fixture
def fake(broker):
    with rewards_support.admin_fake() as fake:
        yield fake


async def _update(shop, **changes):
    async with unit_of_work() as uow:
        return await referrals.update_program(
            uow, merchant_id=shop.id, actor="staff:7", update=referrals.ProgramUpdate(**changes)
        )


async def _claim(shop, code, email, **kwargs):
    async with unit_of_work() as uow:
        return await referrals.claim_referral(
            uow, merchant_id=shop.id, code=code, email=email, visitor="v1", **kwargs
        )


# --- the program ------------------------------------------------------------------------------


async def test_a_shop_without_a_program_sees_the_defaults_disabled(shop):
    program = await referrals.get_program(shop.id)
    assert (program.enabled, program.friend_kind, program.friend_value) == (
        False,
        "fixed_amount",
        Decimal("10.00"),
    )
    assert (program.advocate_kind, program.advocate_points, program.confirmation_days) == ("points", 500, 14)
    assert (program.monthly_cap, program.claim_validity_days, program.velocity_per_week) == (20, 30, 10)
    assert program.milestones == ()
    assert set(program.checks) == set(referrals.CHECKS)
    assert all(program.checks.values())
    assert program.created_at is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"friend_kind": "percentage", "friend_value": Decimal("101")}, "friendValue"),
        ({"friend_value": Decimal("0")}, "friendValue"),
        ({"friend_kind": "bogus"}, "friendKind"),
        ({"friend_code_validity_days": 0}, "friendCodeValidityDays"),
        ({"claim_validity_days": 366}, "claimValidityDays"),
        ({"confirmation_days": 91}, "confirmationDays"),
        ({"monthly_cap": 0}, "monthlyCap"),
        ({"milestones": [referrals.MilestoneDTO(3, 10), referrals.MilestoneDTO(3, 20)]}, "milestones"),
        ({"milestones": [referrals.MilestoneDTO(1001, 10)]}, "milestones.count"),
        ({"milestones": [referrals.MilestoneDTO(3, 1_000_001)]}, "milestones.points"),
        ({"advocate_kind": "reward"}, "advocateRewardId"),
        ({"advocate_kind": "reward", "advocate_reward_id": 987654}, "advocateRewardId"),
        ({"checks": {"astrology": True}}, "checks"),
        ({"min_order_subtotal": None}, "minOrderSubtotal"),
        ({"milestones": None}, "milestones"),
        ({"disposable_domains_extra": ["not a domain"]}, "disposableDomainsExtra"),
    ],
)
async def test_invalid_program_updates_are_refused_and_change_nothing(shop, changes, field):
    with pytest.raises(DomainError) as refused:
        await _update(shop, **changes)
    assert refused.value.field == field
    assert (await referrals.get_program(shop.id)).created_at is None


async def test_an_update_is_validated_as_a_whole_and_audited(shop):
    reward = await rewards_support.make_reward(shop.id)
    program = await _update(
        shop,
        enabled=True,
        friend_kind="free_shipping",
        advocate_kind="reward",
        advocate_reward_id=reward,
        milestones=[referrals.MilestoneDTO(10, 500), referrals.MilestoneDTO(3, 500)],
        checks={"shared_ip": False},
    )
    assert (program.friend_kind, program.friend_value, program.advocate_reward_id) == (
        "free_shipping",
        None,
        reward,
    )
    assert program.milestones == (referrals.MilestoneDTO(3, 500), referrals.MilestoneDTO(10, 500))
    assert program.checks["shared_ip"] is False
    assert program.checks["velocity"] is True
    await _update(shop, enabled=True)  # nothing changed: no second audit row
    audited = await rows(
        "select actor, action, details from audit_entries"
        " where merchant_id = :m and target_type = 'ReferralProgram'",
        m=shop.id,
    )
    assert [(a["actor"], a["action"]) for a in audited] == [("staff:7", "referral_program.updated")]
    assert audited[0]["details"]["friend_kind"] == {"from": "fixed_amount", "to": "free_shipping"}


async def test_codes_are_stable_unique_and_unambiguous(shop, make_shop, drain):
    ada = await advocate(shop, drain)
    bob = await advocate(shop, drain, email="bob@example.com")
    first = await code_of(shop, ada)
    assert await code_of(shop, ada) == first
    assert await code_of(shop, bob) != first
    assert len(first) == 7
    assert set(first) <= set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")


# --- claims -------------------------------------------------------------------------------------


async def test_a_claim_returns_the_friends_code_and_issues_it_on_shopify(shop, drain, fake):
    await rewards_support.connect_shop(shop, fake)
    await enable(shop, friend_kind="percentage", friend_value=Decimal("15"), friend_min_order=Decimal("40"))
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    result = await _claim(shop, code.lower(), "New.Friend@Example.com")
    assert result.code.startswith("FRIEND-")
    assert len(result.code) == len("FRIEND-") + 8
    await drain()
    [created] = [d for d in fake.discounts(shop.domain) if result.code in str(d)]
    assert "FRIEND-" in str(created)
    row = await one_referral(shop)
    assert (row["status"], row["source"], row["advocate_customer_id"]) == ("claimed", "claim", ada)
    assert row["friend_discount_gid"] is not None
    # PII at rest: encrypted
    assert "example.com" not in (row["friend_email_enc"] or "").lower()
    assert result.code not in (row["friend_code_enc"] or "")
    # the actor again (Dramatiq is at-least-once): no second discount
    from loyalnest.platform import queue

    queue.send(
        referrals.ISSUE_FRIEND_CODE_ACTOR,
        referrals.REFERRALS_QUEUE,
        {"merchant_id": shop.id, "referral_id": result.referral_id},
    )
    await drain()
    assert len([d for d in fake.discounts(shop.domain) if result.code in str(d)]) == 1
    queued = await rows(
        "select type, customer_id from notification_deliveries"
        " where merchant_id = :m and type = 'referral_friend_code'",
        m=shop.id,
    )
    assert queued
    assert all(q["customer_id"] is None for q in queued)
    # the friend orders with the code: the claim becomes the pending referral, and its source
    # says the friend code brought the order (analytics prices that discount)
    await place(shop, drain, friend_order(new_id(), new_id(), discount_codes=[result.code], subtotal="60.00"))
    row = await one_referral(shop)
    assert (row["status"], row["source"]) == ("pending", "friend_code")  # how the order came
    assert [r["check"] for r in row["reasons"]] == []


async def test_bad_claims_are_refused_with_clear_errors(shop, make_shop, drain):
    ada = await advocate(shop, drain, email="ada@gmail.com")
    code = await code_of(shop, ada)
    with pytest.raises(ValidationFailed) as off:
        await _claim(shop, code, "friend@example.com")
    assert off.value.code == "PROGRAM_DISABLED"
    await enable(shop)
    with pytest.raises(NotFound) as unknown:
        await _claim(shop, "ZZZZZZZ", "friend@example.com")
    assert unknown.value.field == "code"
    other = await make_shop()
    await enable(other)
    other_code = await code_of(other, await advocate(other, drain, email="o@example.com"))
    with pytest.raises(NotFound):
        await _claim(shop, other_code, "friend@example.com")
    with pytest.raises(ValidationFailed) as bad_email:
        await _claim(shop, code, "not-an-email")
    assert bad_email.value.field == "email"
    with pytest.raises(ValidationFailed) as own_email:
        await _claim(shop, code, "a.d.a+friend@gmail.com")
    assert own_email.value.code == "OWN_CODE"
    with pytest.raises(ValidationFailed) as own_login:
        await _claim(shop, code, "someone@example.com", customer_id=ada)
    assert own_login.value.code == "OWN_CODE"
    await advocate(shop, drain, email="known@example.com")
    with pytest.raises(ValidationFailed) as existing:
        await _claim(shop, code, "known@example.com")
    assert existing.value.code == "ALREADY_CUSTOMER"
    await _claim(shop, code, "friend@example.com")
    with pytest.raises(ValidationFailed) as twice:
        await _claim(shop, code, "Friend@Example.com")
    assert (twice.value.field, twice.value.code) == ("email", "ALREADY_CLAIMED")
    with pytest.raises(ValidationFailed) as disposable:
        await _claim(shop, code, "x@mailinator.com")
    assert disposable.value.code == "DISPOSABLE_EMAIL"
    assert len(await referral_rows(shop)) == 1


async def test_claims_expire_when_no_order_comes(shop, drain):
    await enable(shop)
    ada = await advocate(shop, drain)
    await _claim(shop, await code_of(shop, ada), "late@example.com")
    await settle(drain)
    assert (await one_referral(shop))["status"] == "claimed"
    await execute(
        "update referrals set expires_at = now() - interval '1 minute' where merchant_id = :m", m=shop.id
    )
    await settle(drain)
    assert (await one_referral(shop))["status"] == "expired"
    progress = await referrals.get_progress(shop.id, ada)
    assert (progress.claimed, progress.completed) == (1, 0)


# --- the advocate's view, invites, progress ----------------------------------------------------------


async def test_my_referral_shows_code_link_share_urls_and_creates_the_link_discount_once(shop, drain, fake):
    await rewards_support.connect_shop(shop, fake)
    await enable(shop, milestones=[referrals.MilestoneDTO(2, 300)])
    ada = await advocate(shop, drain)
    mine = await referrals.get_my_referral(shop.id, ada, shop_domain=shop.domain)
    assert mine.link == f"https://{shop.domain}/apps/loyalnest/r/{mine.code}"
    assert mine.share.whatsapp.startswith("https://wa.me/?text=")
    assert mine.share.facebook.startswith("https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2F")
    assert mine.share.x.startswith("https://x.com/intent/post?text=")
    assert mine.share.email.startswith("mailto:?subject=")
    assert mine.share.sms.startswith("sms:")
    assert mine.friend_offer.text == "USD 10.00 off your first order"
    assert (mine.advocate_reward.kind, mine.advocate_reward.points) == ("points", 500)
    assert (mine.progress.next_milestone, mine.progress.to_next_milestone) == (
        referrals.MilestoneDTO(2, 300),
        2,
    )
    await drain()
    again = await referrals.get_my_referral(shop.id, ada, shop_domain=shop.domain)
    await drain()
    assert again.code == mine.code
    link_discounts = [d for d in fake.discounts(shop.domain) if f"REF-{mine.code}" in str(d)]
    assert len(link_discounts) == 1
    [state] = await rows(
        "select link_discount_state, link_discount_gid from referral_codes where merchant_id = :m", m=shop.id
    )
    assert state["link_discount_state"] == "created"
    assert state["link_discount_gid"]


async def test_invites_are_capped_at_20_a_day_and_never_go_to_customers(shop, drain):
    await enable(shop)
    ada = await advocate(shop, drain, email="ada@example.com")
    await advocate(shop, drain, email="known@example.com")
    async with unit_of_work() as uow:
        with pytest.raises(ValidationFailed) as known:
            await referrals.send_invite(
                uow, merchant_id=shop.id, customer_id=ada, channel="email", to="known@example.com"
            )
    assert known.value.code == "ALREADY_CUSTOMER"
    async with unit_of_work() as uow:
        with pytest.raises(ValidationFailed):
            await referrals.send_invite(
                uow, merchant_id=shop.id, customer_id=ada, channel="email", to="ada@example.com"
            )
    results = []
    for n in range(20):
        async with unit_of_work() as uow:
            results.append(
                await referrals.send_invite(
                    uow, merchant_id=shop.id, customer_id=ada, channel="email", to=f"pal{n}@example.com"
                )
            )
    assert [r.remaining_today for r in results][:2] == [19, 18]
    assert results[-1].remaining_today == 0
    async with unit_of_work() as uow:
        with pytest.raises(DomainError) as capped:
            await referrals.send_invite(
                uow, merchant_id=shop.id, customer_id=ada, channel="sms", to="+1 555 010 9999"
            )
    assert capped.value.code == "INVITE_LIMIT_REACHED"
    assert (await referrals.get_progress(shop.id, ada)).invited == 20
    invites = await rows(
        "select variables, recipient_enc from notification_deliveries"
        " where merchant_id = :m and type = 'referral_invite'",
        m=shop.id,
    )
    assert len(invites) == 20
    code = await code_of(shop, ada)
    assert invites[0]["variables"]["link"] == f"https://{shop.domain}/apps/loyalnest/r/{code}"
    assert invites[0]["variables"]["advocate_first_name"] == "Ada"
    assert "example.com" not in invites[0]["recipient_enc"]
    stored = await rows("select recipient_bidx from referral_invites where merchant_id = :m", m=shop.id)
    assert all("example.com" not in r["recipient_bidx"] for r in stored)


async def test_progress_counts_and_its_live_channel(shop, drain):
    await enable(shop)
    ada = await advocate(shop, drain)
    code = await code_of(shop, ada)
    await execute(
        "insert into referral_clicks_daily (merchant_id, advocate_customer_id, day, clicks, unique_visitors)"
        " values (:m, :a, current_date - 1, 7, 5), (:m, :a, current_date, 3, 2)",
        m=shop.id,
        a=ada,
    )
    channel = referrals.referral_progress_channel(shop.id, ada)
    assert channel == f"referrals:progress:{shop.id}:{ada}"
    updates = pubsub.subscribe(channel)
    first = asyncio.ensure_future(updates.__anext__())
    for _ in range(100):
        if pubsub.local_subscribers(channel):
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)
    await _claim(shop, code, "pal@example.com")
    message = await asyncio.wait_for(first, timeout=10)
    assert message == {"merchant_id": shop.id, "customer_id": ada}
    await updates.aclose()
    await place(shop, drain, friend_order(new_id(), new_id(), ref_attribute=code))
    progress = await referrals.get_progress(shop.id, ada)
    assert (progress.clicked, progress.claimed, progress.completed, progress.rewarded) == (10, 1, 0, 0)
    # the order's referral waits for its confirmation period: its points are pending
    assert progress.pending_rewards == 500
