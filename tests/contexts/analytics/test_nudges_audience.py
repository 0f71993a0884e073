"""Which nudges apply to a customer now: the type's segments, a built-in or custom
segment, tier drops, dismissals hidden for N days, RFM-excluded customers never; each in
the customer's stable variant and locale."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.analytics.handlers import nudges as handlers
from loyalnest.contexts.tiers import api as tiers
from loyalnest.contexts.tiers.events import TierChanged
from loyalnest.platform.uow import unit_of_work
from tests.contexts.analytics.nudges_support import (
    custom_segment,
    exclude,
    execute,
    make_customer,
    make_nudge,
    record,
    set_segment,
)


async def _titles(merchant_id: int, customer_id: int, locale: str | None = None) -> list[str]:
    return [n.title for n in await analytics.my_nudges(merchant_id, customer_id, locale)]


async def test_nudges_follow_the_customers_segment(shop) -> None:
    at_risk, champion, other, excluded = [await make_customer(shop.id) for _ in range(4)]
    await set_segment(shop.id, at_risk, "cant_lose_them")
    await set_segment(shop.id, champion, "champions")
    await set_segment(shop.id, excluded, "at_risk")
    await exclude(shop.id, excluded)
    vip = await custom_segment(shop.id, [champion])
    await make_nudge(
        shop.id, name="a", titles=(("en", "Come back"),), bodies=(("en", "b"),), cta_labels=(("en", "c"),)
    )
    await make_nudge(
        shop.id,
        name="l",
        kind="loyal",
        titles=(("en", "Thanks"),),
        bodies=(("en", "b"),),
        cta_labels=(("en", "c"),),
    )
    await make_nudge(
        shop.id,
        name="v",
        kind="segment",
        segment=f"custom:{vip}",
        titles=(("en", "VIP"),),
        bodies=(("en", "b"),),
        cta_labels=(("en", "c"),),
    )
    await make_nudge(
        shop.id,
        name="off",
        kind="loyal",
        enabled=False,
        titles=(("en", "Off"),),
        bodies=(("en", "b"),),
        cta_labels=(("en", "c"),),
    )

    assert await _titles(shop.id, at_risk) == ["Come back"]
    assert await _titles(shop.id, champion) == ["Thanks", "VIP"]
    assert await _titles(shop.id, other) == []  # no RFM row: 'other'
    assert await _titles(shop.id, excluded) == []  # withdrew RFM tracking: no nudges


async def test_texts_in_the_customers_locale_and_variant(shop) -> None:
    customer = await make_customer(shop.id)
    await set_segment(shop.id, customer, "at_risk")
    nudge = await make_nudge(
        shop.id,
        variants=(
            analytics.VariantSpec(name="Control", weight=1),
            analytics.VariantSpec(name="Bold", weight=1, titles=(("en", "COME BACK"),)),
        ),
    )
    [mine] = await analytics.my_nudges(shop.id, customer, "fr-CA")
    assert (mine.nudge_id, mine.cta_url, mine.kind) == (nudge.id, "/collections/new", "at_risk")
    chosen = analytics.choose_nudge_variant(
        shop.id, nudge.id, customer, [(v.id, v.weight) for v in nudge.variants]
    )
    assert mine.variant_id == chosen
    assert mine.body == "Points doublés cette semaine"
    # the Bold variant overrides the English title only: French falls back to the nudge's
    assert mine.title == "Vous nous manquez"
    [english] = await analytics.my_nudges(shop.id, customer, "en-GB")
    assert english.title == ("COME BACK" if chosen == nudge.variants[1].id else "We miss you")
    # the same variant every time
    assert all(
        [(await analytics.my_nudges(shop.id, customer, "de"))[0].variant_id == chosen for _ in range(3)]
    )


async def test_a_dismissed_nudge_stays_hidden_for_its_days(shop) -> None:
    customer, other = await make_customer(shop.id), await make_customer(shop.id)
    for c in (customer, other):
        await set_segment(shop.id, c, "at_risk")
    nudge = await make_nudge(shop.id, hide_days=3)
    assert await record(shop.id, customer, nudge, "view") is True
    assert await record(shop.id, customer, nudge, "view") is False  # once per customer and day
    assert await record(shop.id, customer, nudge, "dismiss") is True
    assert await _titles(shop.id, customer) == []
    assert await _titles(shop.id, other) == ["We miss you"]
    # four days later it is back
    await execute(
        "UPDATE analytics_nudge_dismissals SET dismissed_at = now() - interval '4 days'"
        " WHERE merchant_id = :m AND customer_id = :c",
        m=shop.id,
        c=customer,
    )
    assert await _titles(shop.id, customer) == ["We miss you"]


async def test_tier_drops_open_the_tier_dropped_audience(shop) -> None:
    async with unit_of_work() as uow:
        silver = await tiers.create_tier(
            uow, merchant_id=shop.id, actor="staff:test",
            data=tiers.TierInput(names=[("en", "Silver")], default_locale="en", threshold=Decimal("100")),
        )  # fmt: skip
        gold = await tiers.create_tier(
            uow, merchant_id=shop.id, actor="staff:test",
            data=tiers.TierInput(names=[("en", "Gold")], default_locale="en", threshold=Decimal("500")),
        )  # fmt: skip
    down, out, up = [await make_customer(shop.id) for _ in range(3)]
    await make_nudge(shop.id, kind="tier_dropped")
    now = datetime.now(UTC)
    changes = [
        TierChanged(shop.id, down, gold.id, silver.id, "retention_expired", now),
        TierChanged(shop.id, out, silver.id, None, "refund", now),
        TierChanged(shop.id, up, silver.id, gold.id, "qualified", now),
    ]
    async with unit_of_work() as uow:
        await handlers.mark_tier_drops(uow, changes)
    assert await _titles(shop.id, down) == ["We miss you"]
    assert await _titles(shop.id, out) == ["We miss you"]
    assert await _titles(shop.id, up) == []
    # past the 30 days they are no longer its audience
    await execute(
        "UPDATE analytics_nudge_tier_drops SET dropped_at = now() - interval '31 days'"
        " WHERE merchant_id = :m",
        m=shop.id,
    )
    assert await _titles(shop.id, down) == []


async def test_another_shops_customer_sees_nothing_of_this_shop(make_shop) -> None:
    a, b = await make_shop(), await make_shop()
    customer_b = await make_customer(b.id)
    await set_segment(b.id, customer_b, "at_risk")
    nudge = await make_nudge(a.id)
    assert await _titles(b.id, customer_b) == []
    # nor can they record events on it
    import pytest

    from loyalnest.platform.errors import NotFound

    with pytest.raises(NotFound):
        await record(b.id, customer_b, nudge, "view")


async def test_me_nudges_costs_three_statements_however_many_nudges(shop) -> None:
    from loyalnest.platform.db import observe_statements

    customer = await make_customer(shop.id)
    await set_segment(shop.id, customer, "at_risk")
    for i in range(5):
        await make_nudge(shop.id, name=f"n{i}")
    seen: list[str] = []
    with observe_statements(seen.append):
        found = await analytics.my_nudges(shop.id, customer, "en")
    assert len(found) == 5
    # the live nudges, the customer's facts (segment, custom segments, exclusion, tier drop,
    # dismissals: one statement), the variants of those that apply
    assert len(seen) == 3, seen
