"""Shared by the campaigns tests (context, GraphQL, workers): campaigns created through
the api, customers, awards, and what the database holds (plain SQL)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from loyalnest.contexts.campaigns import api as campaigns
from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.earning import api as earning
from loyalnest.platform.uow import unit_of_work
from tests.contexts.support import rows, scalar


async def make_campaign(merchant_id: int, **fields: Any) -> campaigns.CampaignDTO:
    values: dict[str, Any] = {"name": "Double points", "effect": "multiplier", "multiplier": Decimal(2)}
    values.update(fields)
    if values["effect"] != "multiplier" and "multiplier" not in fields:
        values["multiplier"] = None
    async with unit_of_work() as uow:
        return await campaigns.create_campaign(
            uow, merchant_id=merchant_id, actor="staff:test", data=campaigns.CampaignInput(**values)
        )


async def make_customer(merchant_id: int, shopify_id: int | None = None, tags: tuple[str, ...] = ()) -> int:
    async with unit_of_work() as uow:
        return await customers.upsert_from_shopify(
            uow,
            merchant_id,
            customers.ShopifyCustomerFacts(shopify_customer_id=shopify_id or _next_id(), tags=tags),
        )


_ids = iter(range(91_000_000, 10**10))


def _next_id() -> int:
    return next(_ids)


async def enable_rule(merchant_id: int, trigger: str, points: int | None = None) -> None:
    async with unit_of_work() as uow:
        await earning.update_rule(
            uow,
            merchant_id=merchant_id,
            actor="staff:test",
            trigger=trigger,
            update=earning.EarningRuleUpdate(enabled=True, points=points),
        )


async def award_custom(merchant_id: int, customer_id: int, points: int, key: str | None = None) -> None:
    async with unit_of_work() as uow:
        await earning.award_custom(
            uow,
            merchant_id=merchant_id,
            customer_id=customer_id,
            points_given=points,
            reason="test",
            actor="staff:test",
            idempotency_key=key or uuid.uuid4().hex,
        )


async def ledger(merchant_id: int, customer_id: int | None = None) -> list[dict[str, Any]]:
    sql = (
        "select customer_id, delta, kind, source, idempotency_key, reason, origin_type, origin_id"
        " from points_ledger where merchant_id = :m"
    )
    params: dict[str, Any] = {"m": merchant_id}
    if customer_id is not None:
        sql += " and customer_id = :c"
        params["c"] = customer_id
    return await rows(sql + " order by id", **params)


async def campaign_rows(merchant_id: int) -> list[tuple[str, int]]:
    return [(r["kind"], r["delta"]) for r in await ledger(merchant_id) if r["kind"] == "campaign"]


async def results(merchant_id: int, campaign_id: int) -> dict[str, Any]:
    [row] = await rows(
        "select points_issued, orders_affected, customers_reached, revenue, discount_uses"
        " from campaign_results where merchant_id = :m and campaign_id = :c",
        m=merchant_id,
        c=campaign_id,
    )
    return row


async def status(merchant_id: int, campaign_id: int) -> str:
    return str(
        await scalar(
            "select status from campaigns where merchant_id = :m and id = :c", m=merchant_id, c=campaign_id
        )
    )


async def audit_actions(merchant_id: int) -> list[str]:
    return [
        r["action"]
        for r in await rows(
            "select action from audit_entries where merchant_id = :m order by id", m=merchant_id
        )
    ]
