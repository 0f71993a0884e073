"""Tables of the products concern: product-level RFM materialised per shop
(``analytics_product_stats``, ``analytics_product_segment_stats``) and segment exports
(``analytics_exports``, the CSV encrypted at rest).

The stats tables are rebuilt by one set-based pass per shop (commands/products.py), so
every staff query is an index read; each sort order of ``productRfm`` has its rank
materialised, so a page is ``rank > cursor ORDER BY rank LIMIT n`` on its own index."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
    text,
)
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.key_rotation import encrypted_column

# AAD of the export's content: a ciphertext copied elsewhere does not decrypt
EXPORT_CONTENT = b"analytics_exports.content"


class ProductStats(SQLModel, table=True):
    """One product of one shop, as of the last refresh (``refreshed_at``)."""

    __tablename__ = "analytics_product_stats"
    __table_args__ = (
        # one index per sort of productRfm: a page is a range of its rank
        Index("ix_analytics_product_stats_revenue_rank", "merchant_id", "revenue_rank"),
        Index("ix_analytics_product_stats_orders_rank", "merchant_id", "orders_rank"),
        Index("ix_analytics_product_stats_recency_rank", "merchant_id", "recency_rank"),
        Index("ix_analytics_product_stats_repeat_rank", "merchant_id", "repeat_rank"),
        # productsSlipping reads only products with slipping buyers, most first
        Index(
            "ix_analytics_product_stats_slipping_rank",
            "merchant_id",
            "slipping_rank",
            postgresql_where=text("slipping_buyers > 0"),
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    # Shopify's product id (products are known by it only)
    product_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    last_sold_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    orders: int = Field(sa_column=Column(Integer, nullable=False))
    units: int = Field(sa_column=Column(Integer, nullable=False))
    # line revenue less refunds, shop currency; cancelled orders excluded
    revenue: Decimal = Field(sa_column=Column(Numeric(14, 2), nullable=False))
    # distinct known customers (guest orders count as orders, not buyers)
    buyers: int = Field(sa_column=Column(Integer, nullable=False))
    # buyers with two or more orders containing the product
    repeat_buyers: int = Field(sa_column=Column(Integer, nullable=False))
    repeat_rate: Decimal = Field(sa_column=Column(Numeric(5, 4), nullable=False))
    # buyers who moved into at_risk / cant_lose_them within the slipping window
    slipping_buyers: int = Field(sa_column=Column(Integer, nullable=False))
    # 1-based positions in each sort order (ties broken by product id)
    revenue_rank: int = Field(sa_column=Column(Integer, nullable=False))
    orders_rank: int = Field(sa_column=Column(Integer, nullable=False))
    recency_rank: int = Field(sa_column=Column(Integer, nullable=False))
    repeat_rank: int = Field(sa_column=Column(Integer, nullable=False))
    slipping_rank: int = Field(sa_column=Column(Integer, nullable=False))
    refreshed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class ProductSegmentStats(SQLModel, table=True):
    """How many of a product's buyers are in each RFM segment (their segment now), and
    what they spent on it: "top products of Champions" and a product's buyer mix."""

    __tablename__ = "analytics_product_segment_stats"
    __table_args__ = (
        # read backwards: most buyers first, then revenue, then product id (descending)
        Index(
            "ix_analytics_product_segment_stats_top",
            "merchant_id",
            "segment",
            "buyers",
            "revenue",
            "product_id",
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    product_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    segment: str = Field(sa_column=Column(String(32), primary_key=True))
    buyers: int = Field(sa_column=Column(Integer, nullable=False))
    revenue: Decimal = Field(sa_column=Column(Numeric(14, 2), nullable=False))


class SegmentExport(SQLModel, table=True):
    """A CSV export of one segment's customers. ``content_enc`` holds the zlib-compressed
    CSV (base64) encrypted with the platform keyring; it is cleared when the export
    expires."""

    __tablename__ = "analytics_exports"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'completed', 'failed')", name="ck_analytics_exports_status"
        ),
        # the purge of expired contents
        Index(
            "ix_analytics_exports_expiring",
            "merchant_id",
            "expires_at",
            postgresql_where=text("content_enc IS NOT NULL"),
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    # a built-in slug or custom:<id>
    segment: str = Field(sa_column=Column(String(64), nullable=False))
    status: str = Field(
        default="queued", sa_column=Column(String(16), nullable=False, server_default="queued")
    )
    rows_done: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    rows_total: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    # the staff user who asked (Shopify user id as text; no PII)
    requested_by: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    content_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # a short reason a failed export gives (no PII)
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now())
    )
    completed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    expires_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


ENCRYPTED_COLUMNS = (
    encrypted_column("analytics_exports", ("merchant_id", "id"), "content_enc", EXPORT_CONTENT),
)
