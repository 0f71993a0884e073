"""GraphQL types of product-level RFM and segment exports, built from analytics' DTOs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.rfm.types import RfmSegment
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.pagination import Connection, Count, connection
from loyalnest.platform.timeutil import utcnow

SEGMENT_EXPORT = "SegmentExport"


@strawberry.enum(description="How productRfm orders the shop's products.")
class ProductRfmSort(Enum):
    REVENUE = strawberry.enum_value("revenue", description="Highest revenue (net of refunds) first.")
    ORDERS = strawberry.enum_value("orders", description="Most orders containing the product first.")
    RECENCY = strawberry.enum_value("recency", description="Most recently sold first.")
    REPEAT_RATE = strawberry.enum_value(
        "repeat_rate", description="Highest share of buyers who bought it again first (then most buyers)."
    )


@strawberry.type(description="How many of a product's buyers are in one RFM segment now.")
class ProductSegmentCount:
    segment: RfmSegment = strawberry.field(description="The segment.")
    buyers: int = strawberry.field(description="The product's buyers in it.")
    revenue: Decimal = strawberry.field(
        description="What those buyers spent on the product, net of refunds (shop currency)."
    )


@strawberry.type(
    description="One product's RFM: how recently, how often and for how much it sells, whether its "
    "buyers come back, and which segments they are in. Refreshed daily and after every full RFM "
    "recompute (see `refreshedAt`); products are known by their Shopify id."
)
class ProductRfm:
    product_id: str = strawberry.field(
        description="The product's Shopify GID (gid://shopify/Product/<id>): fetch its title from the "
        "Admin API."
    )
    last_sold_at: datetime = strawberry.field(description="When the last order containing it was placed.")
    days_since_last_sale: int = strawberry.field(description="Whole days since then (recency).")
    orders: int = strawberry.field(
        description="Orders containing it (frequency); cancelled ones excluded, guest orders included."
    )
    units: int = strawberry.field(description="Units sold in those orders.")
    revenue: Decimal = strawberry.field(
        description="Its lines' revenue (price x quantity less discounts) less refunds, shop currency "
        "(monetary)."
    )
    buyers: int = strawberry.field(description="Distinct customers who bought it (guests not counted).")
    repeat_buyers: int = strawberry.field(description="Buyers with two or more orders containing it.")
    repeat_rate: Decimal = strawberry.field(
        description="repeatBuyers / buyers, 0 to 1 with 4 decimal places (0 without buyers)."
    )
    slipping_buyers: int = strawberry.field(
        description="Buyers who moved into At Risk or Can't Lose Them in the last 30 days."
    )
    refreshed_at: datetime = strawberry.field(description="When these figures were computed.")
    merchant_id: strawberry.Private[int]
    local_id: strawberry.Private[int]

    @strawberry.field(
        description="The segments its buyers are in now, with how many in each (most buyers first; "
        "segments without any of them left out)."
    )
    async def buyer_segments(self, info: Info) -> list[ProductSegmentCount]:
        counts = await info.context.loaders.get("analytics.product_segments").load(self.local_id)
        return [
            ProductSegmentCount(segment=RfmSegment(c.segment), buyers=c.buyers, revenue=c.revenue)
            for c in counts
        ]

    @classmethod
    def from_dto(cls, dto: analytics.ProductRfmDTO, merchant_id: int) -> ProductRfm:
        return cls(
            product_id=analytics.product_gid(dto.product_id),
            last_sold_at=dto.last_sold_at,
            days_since_last_sale=dto.days_since_last_sale(utcnow()),
            orders=dto.orders,
            units=dto.units,
            revenue=dto.revenue,
            buyers=dto.buyers,
            repeat_buyers=dto.repeat_buyers,
            repeat_rate=dto.repeat_rate,
            slipping_buyers=dto.slipping_buyers,
            refreshed_at=dto.refreshed_at,
            merchant_id=merchant_id,
            local_id=dto.product_id,
        )


def product_connection(
    items: Sequence[analytics.ProductRfmDTO], merchant_id: int, *, has_next: bool, after: bool, count: Count
) -> Connection[ProductRfm]:
    """A page whose cursors are the products' ranks in the list's order."""
    return connection(
        [ProductRfm.from_dto(item, merchant_id) for item in items],
        ids=[item.rank for item in items],
        has_next_page=has_next,
        has_previous_page=after,
        count=count,
    )


@strawberry.type(description="A product among one segment's buyers (topProductsOfSegment).")
class SegmentProduct:
    product: ProductRfm = strawberry.field(description="The product and its RFM over all its buyers.")
    segment_buyers: int = strawberry.field(description="The segment's customers who bought it.")
    segment_revenue: Decimal = strawberry.field(
        description="What they spent on it, net of refunds (shop currency)."
    )


@strawberry.enum(description="Where a segment export stands.")
class SegmentExportStatus(Enum):
    QUEUED = strawberry.enum_value("queued", description="Waiting for a worker.")
    RUNNING = strawberry.enum_value("running", description="Being written: see rowsDone / rowsTotal.")
    COMPLETED = strawberry.enum_value("completed", description="Written: download it from downloadUrl.")
    FAILED = strawberry.enum_value("failed", description="Could not be written; ask for a new one.")


@strawberry.type(
    description="A CSV export of one segment's customers (customer GID, email, first and last name, "
    "points balance, tier, R, F, M, segment, last order), written in the background. Its content is "
    "encrypted at rest and downloadable through an expiring signed link."
)
class SegmentExport:
    id: strawberry.ID = strawberry.field(description="Global id (segmentExport(id), the subscription).")
    segment: str = strawberry.field(
        description="What was exported: a built-in segment's slug (e.g. champions) or custom:<id>."
    )
    status: SegmentExportStatus = strawberry.field(description="Where the export stands.")
    rows_done: int = strawberry.field(description="Customers written so far.")
    rows_total: int | None = strawberry.field(
        description="Customers in the segment when the export started; null while queued."
    )
    created_at: datetime = strawberry.field(description="When it was asked for.")
    completed_at: datetime | None = strawberry.field(description="When it was written; null until then.")
    expires_at: datetime | None = strawberry.field(
        description="When its content and every download link stop working; null until completed."
    )
    download_url: str | None = strawberry.field(
        description="A signed link to the CSV (GET, no session needed: keep it private), valid until "
        "expiresAt; null unless completed and not expired. Ask again for a fresh copy of the link."
    )

    @classmethod
    def from_dto(cls, dto: analytics.SegmentExportDTO) -> SegmentExport:
        return cls(
            id=encode_id(SEGMENT_EXPORT, dto.id),
            segment=dto.segment,
            status=SegmentExportStatus(dto.status),
            rows_done=dto.rows_done,
            rows_total=dto.rows_total,
            created_at=dto.created_at,
            completed_at=dto.completed_at,
            expires_at=dto.expires_at,
            download_url=analytics.export_download_url(dto),
        )
