"""The SQL that materialises RFM-only rules and the Python path over other contexts'
bulk reads agree with the reference evaluation (``rules.segments.evaluation``) for every
customer, on generated customers and generated rules."""

from __future__ import annotations

import random
from typing import Any

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.analytics.rules.rfm_segments import SEGMENTS, segment_for
from loyalnest.contexts.analytics.rules.segments.evaluation import CustomerFacts, matches
from loyalnest.contexts.analytics.rules.segments.language import (
    And,
    Compare,
    Has,
    InList,
    Not,
    Or,
    Rule,
    format_rule,
)
from loyalnest.platform.uow import unit_of_work
from tests.contexts.analytics.segments_support import give_points, make_customer, members, score

OPS = ("=", "!=", "<", "<=", ">", ">=")


def random_rule(rng: random.Random, depth: int = 0) -> Rule:
    """An RFM-only rule (r, f, m, segment, last_order_days)."""
    if depth < 3 and rng.random() < 0.45:
        kind = rng.choice(("not", "and", "or"))
        if kind == "not":
            return Not(random_rule(rng, depth + 1))
        items = tuple(random_rule(rng, depth + 1) for _ in range(rng.randint(2, 3)))
        return And(items) if kind == "and" else Or(items)
    field = rng.choice(("r", "f", "m", "segment", "last_order_days"))
    if field == "segment":
        if rng.random() < 0.5:
            return Compare("segment", rng.choice(("=", "!=")), rng.choice(SEGMENTS))
        return InList("segment", tuple(rng.sample(SEGMENTS, rng.randint(1, 3))))
    value_of = (lambda: rng.randint(1, 5)) if field != "last_order_days" else (lambda: rng.randint(0, 120))
    if rng.random() < 0.2:
        return InList(field, tuple(value_of() for _ in range(rng.randint(1, 3))))
    return Compare(field, rng.choice(OPS), value_of())


async def test_sql_and_python_paths_match_the_reference(shop: Any, broker: Any) -> None:
    rng = random.Random(20261203)
    facts: dict[int, CustomerFacts] = {}
    for _ in range(40):
        cid = await make_customer(shop)
        if rng.random() < 0.8:
            r, f, m = rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 5)
            days = rng.randint(0, 120)
            segment = segment_for(r, f, m)
            await score(shop, cid, r, f, m, segment, last_order_days=days)
            facts[cid] = CustomerFacts(r=r, f=f, m=m, segment=segment, last_order_days=days)
        else:
            facts[cid] = CustomerFacts()  # never ordered: no RFM row
    rich = sorted(facts)[:5]
    for cid in rich:
        await give_points(shop, cid, 10)

    generated = [random_rule(rng) for _ in range(30)]
    async with unit_of_work() as uow:
        created = []
        for i, rule in enumerate(generated):
            # the same rule twice: as is (SQL when it can), and or-ed with a tags condition
            # nobody meets, which forces the Python path over the customers list
            for variant in (rule, Or((rule, Has("nobody-has-this-tag")))):
                dto = await analytics.create_custom_segment(
                    uow,
                    shop.id,
                    analytics.CustomSegmentInput(name=f"generated {i}", rule=format_rule(variant)),
                    actor="staff:test",
                )
                created.append((dto.id, rule))
        # and one that mixes in points, a fact from another context
        mixed = And((Compare("points_balance", ">=", 10), Not(Compare("r", "=", 1))))
        dto = await analytics.create_custom_segment(
            uow,
            shop.id,
            analytics.CustomSegmentInput(name="mixed", rule=format_rule(mixed)),
            actor="staff:test",
        )
    async with unit_of_work() as uow:
        await analytics.refresh_custom_segment_members(uow, shop.id)

    for segment_id, rule in created:
        expected = sorted(cid for cid, known in facts.items() if matches(rule, known))
        assert await members(shop, segment_id) == expected, format_rule(rule)
    expected_mixed = sorted(
        cid for cid in rich if matches(mixed, CustomerFacts(**{**_fields(facts[cid]), "points_balance": 10}))
    )
    assert await members(shop, dto.id) == expected_mixed


def _fields(facts: CustomerFacts) -> dict[str, Any]:
    return {name: getattr(facts, name) for name in CustomerFacts.__slots__}
