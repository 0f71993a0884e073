"""What the nudges tests share: customers written as the customers webhook would, their
RFM segment, custom segment membership and exclusion written as the RFM and segments
concerns store them (their contract columns), and nudges made through the api."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.customers import api as customers
from loyalnest.platform.uow import unit_of_work

_shopify_ids = itertools.count(int(datetime.now(UTC).timestamp()) * 1000 + 700_000)


async def make_customer(
    merchant_id: int,
    *,
    email: str | None = None,
    accepts_marketing: bool = True,
    locale: str | None = None,
    shopify_id: int | None = None,
) -> int:
    facts = customers.ShopifyCustomerFacts(
        shopify_customer_id=shopify_id or next(_shopify_ids),
        email=email if email is not None else f"n{uuid.uuid4().hex[:10]}@example.com",
        first_name="Ana",
        accepts_marketing=accepts_marketing,
        locale=locale,
    )
    async with unit_of_work() as uow:
        written = await customers.record_customer_webhook(uow, merchant_id, facts)
    return written.id


async def execute(sql: str, **params: Any) -> None:
    async with unit_of_work() as uow:
        await uow.session.execute(text(sql), params)


async def set_segment(merchant_id: int, customer_id: int, segment: str) -> None:
    """The customer's RFM row as the RFM concern leaves it (scores are irrelevant here)."""
    await execute(
        "INSERT INTO analytics_customer_rfm (merchant_id, customer_id, first_order_at, last_order_at,"
        " order_count, net_spend, r, f, m, segment, segment_since)"
        " VALUES (:m, :c, now(), now(), 1, 10, 3, 3, 3, :s, now())"
        " ON CONFLICT (merchant_id, customer_id) DO UPDATE SET segment = EXCLUDED.segment",
        m=merchant_id,
        c=customer_id,
        s=segment,
    )


async def exclude(merchant_id: int, customer_id: int) -> None:
    await execute(
        "INSERT INTO analytics_rfm_exclusions (merchant_id, customer_id) VALUES (:m, :c)"
        " ON CONFLICT DO NOTHING",
        m=merchant_id,
        c=customer_id,
    )


async def custom_segment(merchant_id: int, members: list[int]) -> int:
    async with unit_of_work() as uow:
        segment_id = (
            await uow.session.execute(
                text(
                    "INSERT INTO analytics_custom_segments (merchant_id, name, rule, parsed_rule)"
                    " VALUES (:m, 'VIP', 'm >= 4', CAST(:parsed AS jsonb)) RETURNING id"
                ),
                # the stored tree of "m >= 4" (rules.segments.language.to_json)
                {"m": merchant_id, "parsed": '{"cmp": ["m", ">=", 4]}'},
            )
        ).scalar_one()
        for customer_id in members:
            await uow.session.execute(
                text(
                    "INSERT INTO analytics_custom_segment_members (merchant_id, segment_id, customer_id)"
                    " VALUES (:m, :s, :c)"
                ),
                {"m": merchant_id, "s": segment_id, "c": customer_id},
            )
    return int(segment_id)


async def make_nudge(merchant_id: int, **fields: Any) -> analytics.NudgeDTO:
    data = {
        "name": "Win back",
        "kind": "at_risk",
        "default_locale": "en",
        "titles": (("en", "We miss you"), ("fr", "Vous nous manquez")),
        "bodies": (("en", "Double points this week"), ("fr", "Points doublés cette semaine")),
        "cta_labels": (("en", "Shop now"), ("fr", "Acheter")),
        "cta_url": "/collections/new",
        "enabled": True,
        **fields,
    }
    async with unit_of_work() as uow:
        return await analytics.create_nudge(
            uow, merchant_id=merchant_id, actor="staff:test", data=analytics.NudgeInput(**data)
        )


async def record(
    merchant_id: int, customer_id: int, nudge: Any, kind: str, variant_id: int | None = None
) -> bool:
    async with unit_of_work() as uow:
        return await analytics.record_nudge_event(
            uow,
            merchant_id=merchant_id,
            customer_id=customer_id,
            nudge_id=nudge.id,
            variant_id=variant_id or nudge.variants[0].id,
            kind=kind,
        )
