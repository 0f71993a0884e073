"""GraphQL types of the Shopify history backfill, built from its DTO."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from loyalnest.contexts.imports import backfill_api as backfill
from loyalnest.graphql.core.ids import encode_id


@strawberry.enum(description="Where a Shopify history backfill is.")
class ShopifyBackfillStatus(Enum):
    QUEUED = strawberry.enum_value("queued", description="Asked for; the worker has not started it yet.")
    RUNNING = strawberry.enum_value("running", description="Fetching from Shopify and importing.")
    COMPLETED = strawberry.enum_value("completed", description="Everything fetched was imported.")
    FAILED = strawberry.enum_value(
        "failed",
        description="Stopped (see errorCode); what it imported stays, and a new backfill may be asked for.",
    )


@strawberry.enum(description="Which part of the history a backfill is on.")
class ShopifyBackfillPhase(Enum):
    CUSTOMERS = strawberry.enum_value("customers", description="The shop's customers.")
    ORDERS = strawberry.enum_value("orders", description="The shop's orders (since `since`).")
    DONE = strawberry.enum_value("done", description="Both imported.")


@strawberry.type(
    description="A backfill of the shop's Shopify history: its customers and orders fetched with bulk "
    "operations, so RFM analytics and tiers start from them. Past orders earn no points unless "
    "`awardPointsDays` says so."
)
class ShopifyBackfill:
    id: strawberry.ID = strawberry.field(description="The backfill's global id.")
    status: ShopifyBackfillStatus = strawberry.field(description="Where it is.")
    phase: ShopifyBackfillPhase = strawberry.field(description="Which part of the history it is on.")
    since: datetime | None = strawberry.field(
        description="Orders created since then were fetched; null: all the history the app may read."
    )
    award_points_days: int = strawberry.field(
        description="Orders of this many last days earned points through the program (0: none did)."
    )
    requested_by: str = strawberry.field(description='Who asked: "install" or the staff member.')
    customers_imported: int = strawberry.field(description="Customers imported so far.")
    orders_imported: int = strawberry.field(description="Orders imported so far (guest checkouts included).")
    orders_awarded: int = strawberry.field(
        description="Of them, orders sent through earning (those of the last `awardPointsDays` days)."
    )
    error_code: str | None = strawberry.field(
        description="Why it failed: Shopify's bulk operation errorCode (ACCESS_DENIED, "
        "INTERNAL_SERVER_ERROR, TIMEOUT), OPERATION_IN_PROGRESS, NOT_INSTALLED...; null otherwise."
    )
    error_message: str | None = strawberry.field(description="The failure in words; null otherwise.")
    requested_at: datetime = strawberry.field(description="When it was asked for.")
    started_at: datetime | None = strawberry.field(description="When the worker started it.")
    finished_at: datetime | None = strawberry.field(description="When it completed or failed.")

    @classmethod
    def from_dto(cls, dto: backfill.ShopifyBackfillDTO) -> ShopifyBackfill:
        return cls(
            id=encode_id("ShopifyBackfill", dto.id),
            status=ShopifyBackfillStatus(dto.status),
            phase=ShopifyBackfillPhase(dto.phase),
            since=dto.since,
            award_points_days=dto.award_points_days,
            requested_by=dto.requested_by,
            customers_imported=dto.customers_imported,
            orders_imported=dto.orders_imported,
            orders_awarded=dto.orders_awarded,
            error_code=dto.error_code,
            error_message=dto.error_message,
            requested_at=dto.requested_at,
            started_at=dto.started_at,
            finished_at=dto.finished_at,
        )
