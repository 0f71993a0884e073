"""The campaigns actors on the real Redis broker and Dramatiq worker, each idempotent:
the status pass starts and ends campaigns once however often it runs, and a campaign's
Shopify discount (against the Shopify fake) is created once when it starts, switched
off when it pauses, ends or is archived, and on again when it resumes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loyalnest.contexts.campaigns import api as campaigns
from loyalnest.platform import queue
from loyalnest.platform.uow import unit_of_work
from tests.contexts.campaigns import support
from tests.contexts.rewards import support as rewards_support
from tests.contexts.support import rows


@pytest.fixture
def fake(broker):
    with rewards_support.admin_fake() as fake:
        yield fake


async def _move(campaign_id: int, **moments: str) -> None:
    """Shift a campaign's window into the past (what waiting would do)."""
    sets = ", ".join(f"{name} = now() - interval '{ago}'" for name, ago in moments.items())
    async with unit_of_work() as uow:
        from sqlalchemy import text

        await uow.session.execute(text(f"update campaigns set {sets} where id = :c"), {"c": campaign_id})


def _send(actor: str, **kwargs) -> None:
    queue.send(actor, campaigns.CAMPAIGNS_QUEUE, kwargs)


async def test_the_status_pass_starts_and_ends_campaigns_once(shop, drain):
    starting = await support.make_campaign(shop.id, name="Starting", starts_at=_soon())
    ending = await support.make_campaign(shop.id, name="Ending", ends_at=_soon())
    assert (starting.status, ending.status) == ("scheduled", "active")
    await _move(starting.id, starts_at="1 minute")
    await _move(ending.id, starts_at="2 days", ends_at="1 minute")

    _send(campaigns.ADVANCE_STATUSES_ACTOR)
    _send(campaigns.ADVANCE_STATUSES_ACTOR)
    await drain()

    assert await support.status(shop.id, starting.id) == "active"
    assert await support.status(shop.id, ending.id) == "ended"
    assert sorted(await support.audit_actions(shop.id)) == sorted(
        ["campaign.created", "campaign.created", "campaign.started", "campaign.ended"]
    )
    [ended] = (await campaigns.get_campaigns(shop.id, [ending.id])).values()
    assert ended.ended_reason == "schedule"


def _soon():
    from datetime import timedelta

    from loyalnest.platform.timeutil import utcnow

    return utcnow() + timedelta(hours=1)


async def _discount_state(merchant_id: int, campaign_id: int) -> dict:
    [row] = await rows(
        "select discount_state, discount_gid, discount_error from campaigns"
        " where merchant_id = :m and id = :c",
        m=merchant_id,
        c=campaign_id,
    )
    return row


async def test_a_campaign_discount_follows_the_campaign(shop, fake, drain):
    await rewards_support.connect_shop(shop, fake)
    campaign = await support.make_campaign(
        shop.id, discount_kind="percentage", discount_value=Decimal(15), discount_code="GOLD15",
        min_order_amount=Decimal(50), ends_at=_soon(),
    )  # fmt: skip
    await drain()  # the sync actor, sent after the create committed

    state = await _discount_state(shop.id, campaign.id)
    discount = fake.discount(shop.domain, "GOLD15")
    assert discount is not None
    assert (state["discount_state"], state["discount_gid"]) == ("active", discount.gid)
    assert discount.input["customerGets"]["value"] == {"percentage": 0.15}
    assert discount.input["minimumRequirement"] == {"subtotal": {"greaterThanOrEqualToSubtotal": "50"}}
    assert discount.input["context"] == {"all": "ALL"}
    assert discount.input["endsAt"] is not None

    _send(campaigns.SYNC_DISCOUNT_ACTOR, merchant_id=shop.id, campaign_id=campaign.id)  # again: nothing to do
    await drain()
    assert len(fake.requests(shop.domain, operation="discountCodeBasicCreate")) == 1

    async def change(command) -> None:
        async with unit_of_work() as uow:
            await command(uow, merchant_id=shop.id, actor="staff:test", campaign_id=campaign.id)
        await drain()

    await change(campaigns.pause_campaign)
    assert (await _discount_state(shop.id, campaign.id))["discount_state"] == "inactive"
    assert fake.discount(shop.domain, "GOLD15").deactivated
    await change(campaigns.resume_campaign)
    assert (await _discount_state(shop.id, campaign.id))["discount_state"] == "active"
    assert not fake.discount(shop.domain, "GOLD15").deactivated
    await change(campaigns.archive_campaign)
    assert (await _discount_state(shop.id, campaign.id))["discount_state"] == "inactive"
    assert len(fake.requests(shop.domain, operation="discountCodeBasicCreate")) == 1


async def test_a_refused_discount_is_recorded_and_not_retried(shop, fake, drain):
    await rewards_support.connect_shop(shop, fake)
    fake.fail_next_mutation(message="Code is not allowed", shop=shop.domain)
    campaign = await support.make_campaign(
        shop.id, discount_kind="fixed_amount", discount_value=Decimal(5), discount_code="FIVE"
    )
    await drain()
    state = await _discount_state(shop.id, campaign.id)
    assert state["discount_state"] == "failed"
    assert "Code is not allowed" in state["discount_error"]
    assert fake.discount(shop.domain, "FIVE") is None
