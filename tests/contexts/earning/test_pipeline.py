"""The award pipeline's steps, registered from outside earning as the tiers and
campaigns contexts will: a step sees every award of a batch (orders and signups alike)
and its own postings reach the ledger in the same batch, under their own keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from loyalnest.contexts.earning import api as earning
from loyalnest.contexts.points import api as points
from loyalnest.platform.uow import UnitOfWork
from tests import payloads
from tests.contexts.support import rows

_ids = iter(range(70_000_000, 10**9))
seen: list[tuple[str, int]] = []


def _bonus(name: str, order: int, factor: int) -> earning.PipelineStep:
    @earning.pipeline_step(name, order=order)
    async def step(uow: UnitOfWork, merchant_id: int, postings: list[points.Posting]) -> list[points.Posting]:
        seen.append((name, len(postings)))
        base = [p for p in postings if p.source in ("order", "signup")]
        return postings + [
            points.Posting(
                customer_id=p.customer_id,
                delta=p.delta * factor,
                kind="earn",
                source=name,
                source_ref=p.idempotency_key,
                idempotency_key=f"{p.idempotency_key}:{name}",
            )
            for p in base
        ]

    return step


@pytest.fixture
def bonus_steps() -> Iterator[None]:
    seen.clear()
    _bonus("tests.campaign", 200, 2)
    _bonus("tests.tier", 100, 1)
    try:
        yield
    finally:
        from loyalnest.contexts.earning import pipeline

        pipeline._steps.pop("tests.campaign")
        pipeline._steps.pop("tests.tier")


async def test_registered_steps_run_in_order_and_post_in_the_same_batch(shop, drain, bonus_steps):
    sid = next(_ids)
    response = await shop.webhook(
        "orders/create", payloads.order(next(_ids), subtotal="40.00", customer_body=payloads.customer(sid))
    )
    assert response.status_code == 200
    await drain()
    # order 100 before 200; the campaign step sees the tier's posting too
    assert seen == [("tests.tier", 1), ("tests.campaign", 2)]
    ledger = await rows(
        "select l.source, l.delta, l.idempotency_key from points_ledger l join customers c"
        " on c.merchant_id = l.merchant_id and c.id = l.customer_id"
        " where l.merchant_id = :m and c.shopify_customer_id = :s order by l.id",
        m=shop.id,
        s=sid,
    )
    keys = [r["idempotency_key"] for r in ledger]
    assert [(r["source"], r["delta"]) for r in ledger] == [
        ("order", 40),
        ("tests.tier", 40),
        ("tests.campaign", 80),
    ]
    assert keys[1] == f"{keys[0]}:tests.tier"
    assert keys[2] == f"{keys[0]}:tests.campaign"
