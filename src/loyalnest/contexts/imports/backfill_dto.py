"""What the backfill's door hands out: a run, as a frozen DTO."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loyalnest.contexts.imports.backfill_repository import RunRow


@dataclass(frozen=True, slots=True)
class ShopifyBackfillDTO:
    id: int
    merchant_id: int
    status: str
    phase: str
    since: datetime | None
    award_points_days: int
    requested_by: str
    customers_imported: int
    orders_imported: int
    orders_awarded: int
    error_code: str | None
    error_message: str | None
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def to_dto(row: RunRow) -> ShopifyBackfillDTO:
    return ShopifyBackfillDTO(
        id=row.id,
        merchant_id=row.merchant_id,
        status=row.status,
        phase=row.phase,
        since=row.since,
        award_points_days=row.award_points_days,
        requested_by=row.requested_by,
        customers_imported=row.customers_imported,
        orders_imported=row.orders_imported,
        orders_awarded=row.orders_awarded,
        error_code=row.error_code,
        error_message=row.error_message,
        requested_at=row.requested_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )
