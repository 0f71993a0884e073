"""``award_referral``: referral rewards are ledger rows of kind ``referral`` through the
one pipeline, once per key; the pipeline's steps (tier multipliers) run for them only
when the referral program says multipliers apply."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import pytest

from loyalnest.contexts.earning import api as earning
from loyalnest.platform.uow import UnitOfWork, unit_of_work
from tests.contexts.rewards.support import customer_with_points
from tests.contexts.support import rows

seen: list[str] = []


async def _double_referrals(
    uow: UnitOfWork, merchant_id: int, earnings: Sequence[earning.Earning], dry_run: bool
) -> None:
    """Stands for a tier listing "referral" among its multiplied triggers."""
    for item in earnings:
        seen.append(item.award.rule)
        if item.award.rule == "referral":
            item.parts.append(
                earning.Part(
                    suffix="tier",
                    points=item.award.points,
                    kind="tier_bonus",
                    origin_type=earning.ORIGIN_TIER,
                    origin_id=1,
                    label="Gold x2",
                )
            )


@pytest.fixture
async def tier_step() -> AsyncIterator[None]:
    from loyalnest.contexts.earning import pipeline

    saved = dict(pipeline._steps)
    pipeline._steps.clear()
    earning.pipeline_step("tests.referral_tier", order=100)(_double_referrals)
    seen.clear()
    try:
        yield
    finally:
        pipeline._steps.clear()
        pipeline._steps.update(saved)


async def _award(shop, customer: int, key: str, *, applies: bool):
    async with unit_of_work() as uow:
        return await earning.award_referral(
            uow,
            merchant_id=shop.id,
            customer_id=customer,
            points=250,
            idempotency_key=key,
            source_ref="referral:1",
            reason="Referral reward",
            tier_multiplier_applies=applies,
        )


async def _ledger(shop, customer: int) -> list[tuple[str, str, int, str]]:
    found = await rows(
        "select kind, source, delta, idempotency_key from points_ledger"
        " where merchant_id = :m and customer_id = :c order by id",
        m=shop.id,
        c=customer,
    )
    return [(r["kind"], r["source"], r["delta"], r["idempotency_key"]) for r in found]


async def test_a_referral_award_is_a_referral_row_once_and_skips_the_steps(shop, drain, tier_step):
    customer = await customer_with_points(shop.id, 9101, 0)
    first = await _award(shop, customer, "referral:1:advocate", applies=False)
    again = await _award(shop, customer, "referral:1:advocate", applies=False)
    assert first is not None
    assert again is not None
    assert (first.created, again.created, again.entry.id) == (True, False, first.entry.id)
    assert await _ledger(shop, customer) == [("referral", "referral", 250, "referral:1:advocate")]
    assert seen == []  # the tier step never saw it


async def test_multipliers_apply_when_the_program_says_so(shop, drain, tier_step):
    customer = await customer_with_points(shop.id, 9102, 0)
    await _award(shop, customer, "referral:2:advocate", applies=True)
    assert seen == ["referral"]
    assert await _ledger(shop, customer) == [
        ("referral", "referral", 250, "referral:2:advocate"),
        ("tier_bonus", "referral", 250, "referral:2:advocate:tier"),
    ]


async def test_nothing_to_award_posts_nothing(shop, drain):
    customer = await customer_with_points(shop.id, 9103, 0)
    assert await _award_points(shop, customer, 0) is None
    assert await _ledger(shop, customer) == []


async def _award_points(shop, customer: int, amount: int):
    async with unit_of_work() as uow:
        return await earning.award_referral(
            uow,
            merchant_id=shop.id,
            customer_id=customer,
            points=amount,
            idempotency_key="referral:3:advocate",
            source_ref=None,
            reason=None,
        )
