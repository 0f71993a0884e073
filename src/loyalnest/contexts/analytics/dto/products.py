"""Frozen DTOs of the products concern: product-level RFM and segment exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

# the sorts of productRfm: the stats column each ranks by
PRODUCT_SORTS = ("revenue", "orders", "recency", "repeat_rate")


@dataclass(frozen=True, slots=True)
class ProductSegmentCountDTO:
    """How many of a product's buyers are in ``segment`` now, and what they spent on it."""

    segment: str
    buyers: int
    revenue: Decimal


@dataclass(frozen=True, slots=True)
class ProductRfmDTO:
    """One product's RFM as of ``refreshed_at``. ``product_id`` is Shopify's id.

    ``orders`` counts orders containing it (cancelled ones excluded, guest orders
    included); ``revenue`` is its lines' revenue less refunds; ``buyers`` the distinct
    known customers who bought it, ``repeat_buyers`` those with two or more such orders;
    ``slipping_buyers`` the buyers who moved into at_risk or cant_lose_them within the
    last ``SLIPPING_WINDOW_DAYS``. ``rank`` is its position in the list asked for
    (the page cursor)."""

    product_id: int
    last_sold_at: datetime
    orders: int
    units: int
    revenue: Decimal
    buyers: int
    repeat_buyers: int
    repeat_rate: Decimal
    slipping_buyers: int
    refreshed_at: datetime
    rank: int

    def days_since_last_sale(self, now: datetime) -> int:
        return max((now - self.last_sold_at).days, 0)


@dataclass(frozen=True, slots=True)
class ProductRfmPage:
    items: list[ProductRfmDTO]
    has_next_page: bool


@dataclass(frozen=True, slots=True)
class SegmentProductDTO:
    """A product among a segment's buyers: how many of them bought it, their revenue."""

    product: ProductRfmDTO
    segment_buyers: int
    segment_revenue: Decimal


@dataclass(frozen=True, slots=True)
class ProductStatsRefresh:
    """What one refresh of a shop's product stats wrote."""

    merchant_id: int
    products: int
    seconds: float


# --- exports ------------------------------------------------------------------------------

EXPORT_STATUSES = ("queued", "running", "completed", "failed")


@dataclass(frozen=True, slots=True)
class SegmentExportDTO:
    """An export of a segment's customers. ``download_expires_at`` is when its content
    (and every download link) stops working; None until it completes."""

    id: int
    merchant_id: int
    segment: str
    status: str
    rows_done: int
    rows_total: int | None
    created_at: datetime
    completed_at: datetime | None
    expires_at: datetime | None
    error: str | None

    def downloadable(self, now: datetime) -> bool:
        return self.status == "completed" and self.expires_at is not None and self.expires_at > now


@dataclass(frozen=True, slots=True)
class ExportDownload:
    """A completed export's CSV, decrypted, for the download route."""

    export_id: int
    segment: str
    filename: str
    content: bytes
