"""What the tiers tests share: a ladder and settings set through the api (as the
GraphQL mutations do), orders and refunds through the signed webhook route, the stored
rows read with SQL, and "time passing" (a test cannot wait a year: it moves stored
times back, and the real code decides what that means)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest

from loyalnest.contexts.tiers import api as tiers
from loyalnest.platform import events
from loyalnest.platform.uow import unit_of_work
from tests.contexts.points.helpers import execute
from tests.contexts.support import rows


async def ladder(shop: Any, drain: Any, *specs: dict[str, Any]) -> list[tiers.TierDTO]:
    """Create tiers lowest first (each spec: name, threshold, and any TierInput field)
    in one transaction, as a launch would (tiers created one by one may each be
    re-tiered before the next exists), then let the worker run the re-tier they ask for."""
    created = []
    async with unit_of_work() as uow:
        for spec in specs:
            spec = dict(spec)
            name = spec.pop("name")
            created.append(
                await tiers.create_tier(
                    uow,
                    merchant_id=shop.id,
                    actor="staff:test",
                    data=tiers.TierInput(
                        names=[("en", name)],
                        default_locale="en",
                        threshold=Decimal(str(spec.pop("threshold"))),
                        **spec,
                    ),
                )
            )
    await drain()
    return created


async def configure(shop: Any, drain: Any, **changes: Any) -> tiers.TierSettingsDTO:
    async with unit_of_work() as uow:
        settings = await tiers.update_settings(
            uow, merchant_id=shop.id, actor="staff:test", update=tiers.TierSettingsUpdate(**changes)
        )
    await drain()
    return settings


async def standing(shop: Any, customer_id: int) -> tiers.CustomerTierDTO:
    return (await tiers.get_customer_tiers(shop.id, [customer_id]))[customer_id]


async def tier_of(shop: Any, customer_id: int) -> int | None:
    return (await standing(shop, customer_id)).tier_id


async def history(shop: Any, customer_id: int) -> list[tuple[int | None, int | None, str]]:
    """(from, to, reason), oldest first."""
    found = await rows(
        "select from_tier_id, to_tier_id, reason from tier_history"
        " where merchant_id = :m and customer_id = :c order by id",
        m=shop.id,
        c=customer_id,
    )
    return [(r["from_tier_id"], r["to_tier_id"], r["reason"]) for r in found]


async def ledger(shop: Any, customer_id: int, kind: str | None = None) -> list[dict[str, Any]]:
    sql = (
        "select kind, delta, source, idempotency_key, origin_type, origin_id, reason from points_ledger"
        " where merchant_id = :m and customer_id = :c"
    )
    params: dict[str, Any] = {"m": shop.id, "c": customer_id}
    if kind is not None:
        sql += " and kind = :k"
        params["k"] = kind
    return await rows(sql + " order by id", **params)


async def age_activity(shop: Any, customer_id: int, interval: str) -> None:
    """Everything the customer did happened ``interval`` earlier (e.g. "13 months"), and
    so did their last evaluation."""
    await execute(
        "update tier_metric_entries set occurred_at = occurred_at - cast(cast(:i as text) as interval)"
        " where merchant_id = :m and customer_id = :c",
        i=interval,
        m=shop.id,
        c=customer_id,
    )
    await execute(
        "update customer_tiers set evaluated_at = evaluated_at - cast(cast(:i as text) as interval),"
        " qualified_at = qualified_at - cast(cast(:i as text) as interval)"
        " where merchant_id = :m and customer_id = :c",
        i=interval,
        m=shop.id,
        c=customer_id,
    )


async def expire_retention(shop: Any, customer_id: int) -> None:
    await execute(
        "update customer_tiers set retain_until = now() - interval '1 second'"
        " where merchant_id = :m and customer_id = :c",
        m=shop.id,
        c=customer_id,
    )


async def reevaluate(shop: Any, drain: Any) -> None:
    """The hourly pass, as the scheduler sends it, run by the real worker."""
    from loyalnest.platform import queue

    queue.send(tiers.REEVALUATE_DUE_ACTOR, tiers.TIERS_QUEUE, {})
    await drain()


changes: list[tiers.TierChanged] = []


async def _record(uow: Any, batch: Sequence[tiers.TierChanged]) -> None:
    changes.extend(batch)


@pytest.fixture
def tier_events() -> Iterator[list[tiers.TierChanged]]:
    """The ``TierChanged`` events published while the test runs (a handler of its own,
    registered as any context's would be)."""
    changes.clear()
    events.handles(tiers.TierChanged)(_record)
    try:
        yield changes
    finally:
        events._handlers[tiers.TierChanged].remove(_record)
