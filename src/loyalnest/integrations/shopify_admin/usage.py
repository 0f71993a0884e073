"""Admin API usage per shop and minute, for rate-limit monitoring: each call adds its
numbers to ``shopify_api_usage``; the dashboard and the 80 % alert read them back."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from loyalnest.integrations.shopify_admin import repository
from loyalnest.integrations.shopify_admin.cost import QueryCost
from loyalnest.platform.db import plain_connection, read_session

log = logging.getLogger(__name__)


@dataclass
class Tally:
    """One call's numbers (all its HTTP attempts), recorded when it ends."""

    calls: int = 0
    requested_cost: int = 0
    actual_cost: int = 0
    throttled: int = 0
    errors: int = 0
    max_utilisation_pct: float = 0.0
    maximum_available: int | None = None

    def saw(self, cost: QueryCost | None, estimated_cost: int) -> None:
        if cost is None:
            return
        self.requested_cost += cost.requested if cost.requested is not None else estimated_cost
        self.actual_cost += cost.actual or 0
        utilisation = cost.utilisation_pct
        if utilisation is not None:
            self.max_utilisation_pct = max(self.max_utilisation_pct, utilisation)
        if cost.throttle_status is not None:
            self.maximum_available = round(cost.throttle_status.maximum_available)


async def record_usage(merchant_id: int, tally: Tally) -> None:
    if tally.calls == 0 and tally.throttled == 0:
        return
    minute = datetime.now(UTC).replace(second=0, microsecond=0)
    try:
        async with plain_connection() as connection:
            await repository.add_usage(
                connection,
                merchant_id=merchant_id,
                minute=minute,
                calls=tally.calls,
                requested_cost=tally.requested_cost,
                actual_cost=tally.actual_cost,
                throttled_count=tally.throttled,
                errors=tally.errors,
                max_utilisation_pct=Decimal(str(tally.max_utilisation_pct)),
                maximum_available=tally.maximum_available,
            )
    except Exception:  # monitoring must never fail the call it measures
        log.warning(
            "could not record Shopify Admin API usage", extra={"merchant_id": merchant_id}, exc_info=True
        )


@dataclass(frozen=True)
class ApiUsage:
    merchant_id: int
    minute: datetime
    calls: int
    requested_cost: int
    actual_cost: int
    throttled_count: int
    errors: int
    max_utilisation_pct: Decimal
    maximum_available: int | None


async def get_api_usage(
    merchant_id: int, *, since: datetime, until: datetime | None = None
) -> list[ApiUsage]:
    """The shop's Admin API usage per minute, oldest first (calls, costs, THROTTLED
    answers, errors, highest bucket utilisation in %)."""
    async with read_session() as session:
        rows = await repository.usage_between(session, merchant_id, since, until)
    return [
        ApiUsage(
            merchant_id=row.merchant_id,
            minute=row.minute,
            calls=row.calls,
            requested_cost=row.requested_cost,
            actual_cost=row.actual_cost,
            throttled_count=row.throttled_count,
            errors=row.errors,
            max_utilisation_pct=Decimal(row.max_utilisation_pct),
            maximum_available=row.maximum_available,
        )
        for row in rows
    ]
