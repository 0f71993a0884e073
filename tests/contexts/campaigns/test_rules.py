"""The campaign rule (rules.py), pure: examples of each part of it, and properties over
random campaigns and earnings (hypothesis): the outcome does not depend on the order
campaigns are listed in, no cap is ever exceeded, and a paused, ended or archived
campaign never applies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalnest.contexts.campaigns import rules
from loyalnest.platform.errors import ValidationFailed

UTC_TZ = ZoneInfo("UTC")
NOW = datetime(2026, 12, 5, 15, 30, tzinfo=UTC)  # a Saturday
CAP = Decimal(5)


def campaign(id: int = 1, **changes) -> rules.CampaignRule:
    values = {
        "id": id,
        "name": f"Campaign {id}",
        "status": rules.ACTIVE,
        "window": rules.Window(starts_at=NOW - timedelta(days=1)),
        "effect": rules.MULTIPLIER,
        "triggers": frozenset({rules.ORDER}),
        "multiplier": Decimal(2),
    }
    values.update(changes)
    if values["effect"] != rules.MULTIPLIER and "multiplier" not in changes:
        values["multiplier"] = None
    return rules.CampaignRule(**values)


def order(customer_id: int = 1, points: int = 100, **changes) -> rules.EarningFacts:
    values = {
        "customer_id": customer_id,
        "trigger": rules.ORDER,
        "base_points": points,
        "at": NOW,
        "subtotal": Decimal(points),
        "lines": (rules.LineFacts(product_id=7, quantity=2, amount=Decimal(points)),),
    }
    values.update(changes)
    return rules.EarningFacts(**values)


def decide(campaigns, facts, usage=None, cap=CAP, tz=UTC_TZ):
    return rules.decide(campaigns, facts, tz=tz, max_total_multiplier=cap, usage=usage or rules.Usage())


def points(decision) -> dict[int, int]:
    return {part.campaign_id: part.points for part in decision.parts}


# --- examples ---------------------------------------------------------------------------------


def test_each_effect_kind():
    assert points(decide([campaign()], order())) == {1: 100}
    assert points(decide([campaign(multiplier=Decimal("1.5"))], order(points=99))) == {1: 49}  # floor
    assert points(decide([campaign(effect=rules.ORDER_BONUS, bonus_points=50)], order())) == {1: 50}
    products = rules.Conditions(product_ids=frozenset({7}))
    unit = campaign(effect=rules.PRODUCT_UNIT_BONUS, bonus_points=10, conditions=products)
    line = campaign(effect=rules.PRODUCT_LINE_BONUS, bonus_points=25, conditions=products)
    two_lines = order(
        lines=(
            rules.LineFacts(product_id=7, quantity=3, amount=Decimal(30)),
            rules.LineFacts(product_id=8, quantity=5, amount=Decimal(70)),
        )
    )
    assert points(decide([unit], two_lines)) == {1: 30}
    assert points(decide([line], two_lines)) == {1: 25}
    signup = campaign(effect=rules.TRIGGER_BONUS, bonus_points=100, triggers=frozenset({"signup"}))
    assert points(decide([signup], order(trigger="signup", subtotal=None, lines=()))) == {1: 100}
    assert points(decide([signup], order())) == {}  # an order is not a signup


def test_a_multiplier_with_a_product_condition_counts_the_products_share():
    doubled = campaign(conditions=rules.Conditions(product_tags=frozenset({"new"})))
    facts = order(
        points=100,
        lines=(
            rules.LineFacts(product_id=1, quantity=1, amount=Decimal(25), tags=frozenset({"new"})),
            rules.LineFacts(product_id=2, quantity=1, amount=Decimal(75)),
        ),
    )
    assert points(decide([doubled], facts)) == {1: 25}


def test_conditions():
    at_least_50 = campaign(conditions=rules.Conditions(min_order_amount=Decimal(50)))
    assert points(decide([at_least_50], order(points=49))) == {}
    assert points(decide([at_least_50], order(points=50))) == {1: 50}
    gold = campaign(conditions=rules.Conditions(audience=(rules.Clause(rules.TIER_CLAUSE, frozenset({3})),)))
    assert points(decide([gold], order(tier_id=2))) == {}
    assert points(decide([gold], order(tier_id=3))) == {1: 100}
    vip = campaign(
        conditions=rules.Conditions(audience=(rules.Clause(rules.CUSTOMER_TAG_CLAUSE, frozenset({"vip"})),))
    )
    assert points(decide([vip], order(customer_tags=frozenset({"vip", "x"})))) == {1: 100}
    assert points(decide([vip], order())) == {}
    unknown = campaign(conditions=rules.Conditions(audience=(rules.Clause("rfm_segment", frozenset({"a"})),)))
    assert points(decide([unknown], order())) == {}  # a newer kind never over-applies
    first = campaign(conditions=rules.Conditions(nth_order=rules.NthOrder(first=True)))
    third = campaign(2, conditions=rules.Conditions(nth_order=rules.NthOrder(every=3)))
    assert [points(decide([first, third], order(order_number=n))) for n in (1, 2, 3, 6)] == [
        {1: 100},
        {},
        {2: 100},
        {2: 100},
    ]
    assert points(decide([first], order())) == {}  # unknown order number: no nth-order bonus


def test_windows_days_and_hours_in_the_shops_timezone():
    later = campaign(window=rules.Window(starts_at=NOW + timedelta(minutes=1)))
    over = campaign(window=rules.Window(starts_at=NOW - timedelta(days=2), ends_at=NOW))
    assert points(decide([later], order())) == {}
    assert points(decide([over], order())) == {}  # ends_at is exclusive
    weekends = campaign(window=rules.Window(starts_at=NOW - timedelta(days=1), days=frozenset({5, 6})))
    assert points(decide([weekends], order())) == {1: 100}  # Saturday 15:30 UTC
    # ... which is already Sunday in Auckland and still Saturday in Los Angeles
    weekdays = campaign(window=rules.Window(starts_at=NOW - timedelta(days=1), days=frozenset(range(5))))
    assert points(decide([weekdays], order(), tz=ZoneInfo("Pacific/Auckland"))) == {}
    happy_hour = campaign(window=rules.Window(starts_at=NOW - timedelta(days=1), hours=(7, 9)))
    assert points(decide([happy_hour], order(), tz=ZoneInfo("America/Los_Angeles"))) == {1: 100}  # 07:30
    assert points(decide([happy_hour], order())) == {}
    night = campaign(window=rules.Window(starts_at=NOW - timedelta(days=1), hours=(22, 2)))
    assert points(decide([night], order(at=NOW.replace(hour=23)))) == {1: 100}
    assert points(decide([night], order(at=NOW.replace(hour=1)))) == {1: 100}
    assert points(decide([night], order())) == {}


def test_statuses_that_never_apply():
    for status in (rules.PAUSED, rules.ENDED, rules.ARCHIVED):
        assert points(decide([campaign(status=status)], order())) == {}
    # a scheduled campaign whose start came applies before the status actor flips it
    assert points(decide([campaign(status=rules.SCHEDULED)], order())) == {1: 100}


def test_stacking():
    stack_a = campaign(1, effect=rules.ORDER_BONUS, bonus_points=10)
    stack_b = campaign(2, effect=rules.ORDER_BONUS, bonus_points=20)
    low = campaign(3, effect=rules.ORDER_BONUS, bonus_points=300, stacking=rules.EXCLUSIVE, priority=1)
    high = campaign(4, effect=rules.ORDER_BONUS, bonus_points=400, stacking=rules.EXCLUSIVE, priority=5)
    assert points(decide([stack_a, stack_b], order())) == {1: 10, 2: 20}
    assert points(decide([stack_a, stack_b, low, high], order())) == {4: 400, 1: 10, 2: 20}
    alone = campaign(4, effect=rules.ORDER_BONUS, bonus_points=400, stacking=rules.EXCLUSIVE, priority=5,
                     exclusive_of_all=True)  # fmt: skip
    assert points(decide([stack_a, stack_b, low, alone], order())) == {4: 400}
    # a tie goes to the older campaign (lower id)
    tie = campaign(5, effect=rules.ORDER_BONUS, bonus_points=500, stacking=rules.EXCLUSIVE, priority=5)
    assert points(decide([tie, high], order())) == {4: 400}


def test_the_shops_cap_bounds_tier_and_campaign_multipliers_together():
    tier = rules.MultiplierPart(index=0, points=50, multiplier=Decimal("1.5"))
    triple = campaign(1, multiplier=Decimal(3))
    quad = campaign(2, multiplier=Decimal(4))
    decision = decide([triple, quad], order(prior_multipliers=(tier,)))
    # extra allowed: 4x base. The tier keeps its 0.5, the first campaign gets 2, the second 1.5
    assert [(p.campaign_id, p.points, p.multiplier) for p in decision.parts] == [
        (1, 200, Decimal(3)),
        (2, 150, Decimal("2.5")),
    ]
    assert decision.lowered == ()
    capped = decide([triple], order(prior_multipliers=(rules.MultiplierPart(0, 900, Decimal(10)),)))
    assert capped.parts == ()
    assert capped.lowered == ((0, 400, Decimal(5)),)
    # a cap of 1: no multiplier at all, fixed bonuses still count
    bonus = campaign(3, effect=rules.ORDER_BONUS, bonus_points=7)
    assert points(decide([triple, bonus], order(), cap=Decimal(1))) == {3: 7}


def test_caps_per_customer_and_budget():
    usage = rules.Usage()
    once = campaign(1, effect=rules.ORDER_BONUS, bonus_points=10, max_uses_per_customer=1)
    budget = campaign(2, effect=rules.ORDER_BONUS, bonus_points=30, points_budget=50)
    per_customer = campaign(3, effect=rules.ORDER_BONUS, bonus_points=40, max_points_per_customer=60)
    batch = [order(1), order(1), order(2)]
    decisions = rules.decide_batch([once, budget, per_customer], batch, tz=UTC_TZ, max_total_multiplier=CAP,
                                   usage=usage)  # fmt: skip
    assert [points(d) for d in decisions] == [{1: 10, 2: 30, 3: 40}, {2: 20, 3: 20}, {1: 10, 3: 40}]
    assert usage.issued == {1: 20, 2: 50, 3: 100}
    # the budget is spent: the campaign is no candidate any more (an exclusive one stops blocking)
    spent = campaign(4, effect=rules.ORDER_BONUS, bonus_points=30, points_budget=50, stacking=rules.EXCLUSIVE,
                     exclusive_of_all=True)  # fmt: skip
    other = campaign(5, effect=rules.ORDER_BONUS, bonus_points=5)
    assert points(decide([spent, other], order(), usage=rules.Usage(issued={4: 50}))) == {5: 5}


def test_conditions_round_trip_through_json():
    conditions = rules.Conditions(
        min_order_amount=Decimal("25.50"),
        product_ids=frozenset({3, 1}),
        product_tags=frozenset({"new"}),
        audience=(
            rules.Clause(rules.TIER_CLAUSE, frozenset({9})),
            rules.Clause(rules.CUSTOMER_TAG_CLAUSE, frozenset({"vip"})),
        ),
        nth_order=rules.NthOrder(every=3),
    )
    assert rules.conditions_from_json(rules.conditions_to_json(conditions)) == conditions
    assert rules.conditions_from_json({}) == rules.Conditions()


@pytest.mark.parametrize(
    ("value", "ok"), [(Decimal(1), True), (Decimal("0.99"), False), (Decimal(0), False), (Decimal(100), True)]
)
def test_the_shops_cap_is_at_least_1(value, ok):
    if ok:
        assert rules.check_max_total_multiplier(value) == value
    else:
        with pytest.raises(ValidationFailed) as refused:
            rules.check_max_total_multiplier(value)
        assert refused.value.field == "maxTotalMultiplier"


def test_description_falls_back_like_reward_titles():
    descriptions = {"en": "Double points", "fr": "Points doublés"}
    assert rules.description_for(descriptions, "en", "fr-CA") == "Points doublés"
    assert rules.description_for(descriptions, "en", "de") == "Double points"
    assert rules.description_for({}, "en", "fr") is None


# --- properties -------------------------------------------------------------------------------

STATUS = st.sampled_from(rules.STATUSES)
# Strategies built once, not at each draw: a composite that builds them as it draws spends
# most of an example building and validating them (the same strategies, the same data)
_COUNT = st.integers(min_value=0, max_value=8)
_EFFECT = st.sampled_from((rules.MULTIPLIER, rules.ORDER_BONUS, rules.PRODUCT_UNIT_BONUS))
_MIN_ORDER = st.none() | st.sampled_from((Decimal(10), Decimal(80)))
_AUDIENCE = st.sampled_from(((), (rules.Clause(rules.TIER_CLAUSE, frozenset({1})),)))
_STACKING = st.sampled_from(rules.STACKINGS)
_HOURS_AGO = st.integers(-2, 5)
_DAYS = st.none() | st.frozensets(st.integers(0, 6), min_size=1)
_MULTIPLIER = st.sampled_from((Decimal("1.5"), Decimal(2), Decimal(10)))
_BONUS = st.integers(1, 500)
_PRIORITY = st.integers(0, 3)
_BOOLEANS = st.booleans()
_MAX_USES = st.none() | st.integers(1, 3)
_MAX_POINTS = st.none() | st.integers(1, 400)
_BUDGET = st.none() | st.integers(1, 1500)


@st.composite
def campaigns_strategy(draw) -> list[rules.CampaignRule]:
    count = draw(_COUNT)
    found = []
    for i in range(1, count + 1):
        effect = draw(_EFFECT)
        conditions = rules.Conditions(
            min_order_amount=draw(_MIN_ORDER),
            product_ids=frozenset({7}) if effect == rules.PRODUCT_UNIT_BONUS else frozenset(),
            audience=draw(_AUDIENCE),
        )
        stacking = draw(_STACKING)
        found.append(
            rules.CampaignRule(
                id=i,
                name=f"c{i}",
                status=draw(STATUS),
                window=rules.Window(
                    starts_at=NOW - timedelta(hours=draw(_HOURS_AGO)),
                    days=draw(_DAYS),
                ),
                effect=effect,
                triggers=frozenset({rules.ORDER}),
                multiplier=draw(_MULTIPLIER) if effect == rules.MULTIPLIER else None,
                bonus_points=None if effect == rules.MULTIPLIER else draw(_BONUS),
                conditions=conditions,
                stacking=stacking,
                priority=draw(_PRIORITY),
                exclusive_of_all=stacking == rules.EXCLUSIVE and draw(_BOOLEANS),
                max_uses_per_customer=draw(_MAX_USES),
                max_points_per_customer=draw(_MAX_POINTS),
                points_budget=draw(_BUDGET),
            )
        )
    return found


_SIZE = st.integers(min_value=1, max_value=6)
_BASE = st.integers(1, 500)
_TIER = st.none() | st.sampled_from((Decimal("1.5"), Decimal(3), Decimal(8)))
_CUSTOMER = st.integers(1, 3)
_SUBTOTAL = st.integers(1, 200)
_TIER_ID = st.none() | st.just(1)
_QUANTITY = st.integers(1, 4)


@st.composite
def batch_strategy(draw) -> list[rules.EarningFacts]:
    size = draw(_SIZE)
    batch = []
    for _ in range(size):
        base = draw(_BASE)
        tier = draw(_TIER)
        batch.append(
            order(
                customer_id=draw(_CUSTOMER),
                points=base,
                subtotal=Decimal(draw(_SUBTOTAL)),
                tier_id=draw(_TIER_ID),
                lines=(rules.LineFacts(product_id=7, quantity=draw(_QUANTITY), amount=Decimal(base)),),
                prior_multipliers=()
                if tier is None
                else (rules.MultiplierPart(0, int(base * (tier - 1)), tier),),
            )
        )
    return batch


CAPS = st.sampled_from((Decimal(1), Decimal("2.5"), Decimal(5), Decimal(100)))


@settings(max_examples=300, deadline=None)
@given(campaigns_strategy(), batch_strategy(), st.randoms(), CAPS)
def test_property_the_order_campaigns_are_listed_in_does_not_matter(campaigns, batch, random, cap):
    shuffled = list(campaigns)
    random.shuffle(shuffled)
    first = rules.decide_batch(campaigns, batch, tz=UTC_TZ, max_total_multiplier=cap, usage=rules.Usage())
    second = rules.decide_batch(shuffled, batch, tz=UTC_TZ, max_total_multiplier=cap, usage=rules.Usage())
    assert [sorted(d.parts, key=lambda p: p.campaign_id) for d in first] == [
        sorted(d.parts, key=lambda p: p.campaign_id) for d in second
    ]
    assert [d.lowered for d in first] == [d.lowered for d in second]


@settings(max_examples=300, deadline=None)
@given(campaigns_strategy(), batch_strategy(), CAPS, st.integers(0, 1000))
def test_property_caps_are_never_exceeded(campaigns, batch, cap, already_issued):
    start = rules.Usage(issued={c.id: min(already_issued, c.points_budget or 0) for c in campaigns})
    usage = start.copy()
    decisions = rules.decide_batch(campaigns, batch, tz=UTC_TZ, max_total_multiplier=cap, usage=usage)
    by_id = {c.id: c for c in campaigns}
    given_total: dict[int, int] = {}
    per_customer: dict[tuple[int, int], list[int]] = {}
    for facts, decision in zip(batch, decisions, strict=True):
        exclusives = [p for p in decision.parts if by_id[p.campaign_id].stacking == rules.EXCLUSIVE]
        assert len(exclusives) <= 1
        if exclusives and by_id[exclusives[0].campaign_id].exclusive_of_all:
            assert len(decision.parts) == 1
        # the shop's cap: 1 + the extra of every multiplier part (tier included)
        lowered = {index: m for index, _, m in decision.lowered}
        total = Decimal(1)
        for prior in facts.prior_multipliers:
            total += lowered.get(prior.index, prior.multiplier) - 1
        multiplier_points = sum(p.points for p in decision.parts if p.multiplier is not None)
        for part in decision.parts:
            assert part.points > 0
            if part.multiplier is not None:
                total += part.multiplier - 1
            given_total[part.campaign_id] = given_total.get(part.campaign_id, 0) + part.points
            per_customer.setdefault((part.campaign_id, facts.customer_id), []).append(part.points)
        assert total <= max(cap, Decimal(1))
        assert multiplier_points <= facts.base_points * (max(cap, Decimal(1)) - 1)
    for campaign_id, total_points in given_total.items():
        campaign = by_id[campaign_id]
        if campaign.points_budget is not None:
            assert start.issued[campaign_id] + total_points <= campaign.points_budget
    for (campaign_id, _), parts in per_customer.items():
        campaign = by_id[campaign_id]
        if campaign.max_uses_per_customer is not None:
            assert len(parts) <= campaign.max_uses_per_customer
        if campaign.max_points_per_customer is not None:
            assert sum(parts) <= campaign.max_points_per_customer


@settings(max_examples=300, deadline=None)
@given(campaigns_strategy(), batch_strategy())
def test_property_a_paused_ended_or_archived_campaign_never_applies(campaigns, batch):
    usage = rules.Usage()
    decisions = rules.decide_batch(campaigns, batch, tz=UTC_TZ, max_total_multiplier=CAP, usage=usage)
    status = {c.id: c.status for c in campaigns}
    for decision in decisions:
        for part in decision.parts:
            assert status[part.campaign_id] in rules.LIVE
    # and pausing every campaign leaves nothing at all
    paused = [rules.with_status(c, rules.PAUSED) for c in campaigns]
    again = rules.decide_batch(paused, batch, tz=UTC_TZ, max_total_multiplier=CAP, usage=rules.Usage())
    assert all(d.parts == () for d in again)
