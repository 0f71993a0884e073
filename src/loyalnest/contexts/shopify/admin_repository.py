"""SQL of the Admin API usage records (``shopify_api_usage``); every call takes the
merchant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.shopify.admin_models import ShopifyApiUsage


async def add_usage(
    session: AsyncSession,
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
    """Add one call's numbers to its shop's row for ``minute`` (one statement, race-free
    across processes: concurrent calls add up, the utilisation keeps the maximum)."""
    statement = insert(ShopifyApiUsage).values(
        merchant_id=merchant_id,
        minute=minute,
        calls=calls,
        requested_cost=requested_cost,
        actual_cost=actual_cost,
        throttled_count=throttled_count,
        errors=errors,
        max_utilisation_pct=max_utilisation_pct,
        maximum_available=maximum_available,
    )
    table = ShopifyApiUsage.__table__  # type: ignore[attr-defined]
    excluded = statement.excluded
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["merchant_id", "minute"],
            set_={
                "calls": table.c.calls + excluded.calls,
                "requested_cost": table.c.requested_cost + excluded.requested_cost,
                "actual_cost": table.c.actual_cost + excluded.actual_cost,
                "throttled_count": table.c.throttled_count + excluded.throttled_count,
                "errors": table.c.errors + excluded.errors,
                "max_utilisation_pct": func.greatest(
                    table.c.max_utilisation_pct, excluded.max_utilisation_pct
                ),
                "maximum_available": func.coalesce(excluded.maximum_available, table.c.maximum_available),
            },
        )
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
