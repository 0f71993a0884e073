"""SQL of the Admin API usage records (``shopify_api_usage``); every call takes the
merchant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.integrations.shopify_admin.models import ShopifyApiUsage

# One statement, race-free across processes: concurrent calls add up, the utilisation
# keeps the maximum. Plain SQL as a prepared statement: it runs on every Admin API call,
# and building the ORM upsert each time cost more than the database's work.
_ADD_USAGE = """
INSERT INTO shopify_api_usage (
    merchant_id, minute, calls, requested_cost, actual_cost, throttled_count, errors,
    max_utilisation_pct, maximum_available
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (merchant_id, minute) DO UPDATE SET
    calls = shopify_api_usage.calls + excluded.calls,
    requested_cost = shopify_api_usage.requested_cost + excluded.requested_cost,
    actual_cost = shopify_api_usage.actual_cost + excluded.actual_cost,
    throttled_count = shopify_api_usage.throttled_count + excluded.throttled_count,
    errors = shopify_api_usage.errors + excluded.errors,
    max_utilisation_pct = GREATEST(shopify_api_usage.max_utilisation_pct, excluded.max_utilisation_pct),
    maximum_available = COALESCE(excluded.maximum_available, shopify_api_usage.maximum_available)
"""


async def add_usage(
    connection: Any,
    *,
    merchant_id: int,
    minute: datetime,
    calls: int,
    requested_cost: int,
    actual_cost: int,
    throttled_count: int,
    errors: int,
    max_utilisation_pct: Decimal,
    maximum_available: int | None,
) -> None:
    """Add one call's numbers to its shop's row for ``minute`` (on a
    ``platform.db.plain_connection``: the statement commits on its own)."""
    await connection.execute(
        _ADD_USAGE,
        merchant_id,
        minute,
        calls,
        requested_cost,
        actual_cost,
        throttled_count,
        errors,
        max_utilisation_pct,
        maximum_available,
    )


async def usage_between(
    session: AsyncSession, merchant_id: int, since: datetime, until: datetime | None = None
) -> Sequence[ShopifyApiUsage]:
    statement = select(ShopifyApiUsage).where(
        ShopifyApiUsage.merchant_id == merchant_id,  # type: ignore[arg-type]
        ShopifyApiUsage.minute >= since,  # type: ignore[arg-type]
    )
    if until is not None:
        statement = statement.where(ShopifyApiUsage.minute < until)  # type: ignore[arg-type]
    result = await session.execute(statement.order_by(ShopifyApiUsage.minute))  # type: ignore[arg-type]
    return result.scalars().all()
