"""Tables of the RFM concern.

- ``analytics_rfm_settings``: a shop's scoring configuration and the boundaries the
  last full pass computed (quintile cut points, average order value). No row = defaults.
- ``analytics_orders``: the compact copy of the orders the product saw, their lines in
  arrays (test orders never stored; guest orders kept for program analytics).
- ``analytics_customer_rfm``: one row per scored customer (an order in the lookback
  window and tracking not withdrawn); everyone else has no row and counts as ``other``.
- ``analytics_segment_history``: every segment change (from, to, when).
- ``analytics_segment_daily``: customers per segment per shop-local day.
- ``analytics_rfm_exclusions``: customers who withdrew RFM tracking consent.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    Identity,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.timeutil import utcnow


def _now_column() -> Any:
    return Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def _time() -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


def _key(type_: Any = BigInteger) -> Any:
    return Field(sa_column=Column(type_, primary_key=True, autoincrement=False))


class RfmSettings(SQLModel, table=True):
    __tablename__ = "analytics_rfm_settings"
    __table_args__ = (
        CheckConstraint("mode IN ('quintiles', 'thresholds')", name="ck_analytics_rfm_settings_mode"),
        CheckConstraint("lookback_days BETWEEN 30 AND 3650", name="ck_analytics_rfm_settings_lookback"),
        CheckConstraint("half_life_days BETWEEN 7 AND 3650", name="ck_analytics_rfm_settings_half_life"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    mode: str = Field(default="quintiles", sa_column=Column(Text, nullable=False, server_default="quintiles"))
    preset: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # R5..R2 upper bounds in days, F1..F4 upper bounds in orders, M1..M4 upper bounds x AOV
    recency_days: list[int] = Field(
        default_factory=lambda: [7, 30, 60, 90],
        sa_column=Column(ARRAY(Integer), nullable=False, server_default="{7,30,60,90}"),
    )
    frequency_max: list[int] = Field(
        default_factory=lambda: [1, 3, 6, 10],
        sa_column=Column(ARRAY(Integer), nullable=False, server_default="{1,3,6,10}"),
    )
    monetary_ratios: list[Decimal] = Field(
        default_factory=lambda: [Decimal("0.5"), Decimal(1), Decimal(2), Decimal(5)],
        sa_column=Column(ARRAY(Numeric(8, 3)), nullable=False, server_default="{0.5,1,2,5}"),
    )
    lookback_days: int = Field(default=365, sa_column=Column(Integer, nullable=False, server_default="365"))
    time_weighting: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    half_life_days: int = Field(default=90, sa_column=Column(Integer, nullable=False, server_default="90"))
    # quintile cut points (4 each, ascending) of the last full pass, over the inputs of the
    # configuration then in force: last order (epoch seconds), frequency and monetary
    # (counts and net spend, or log-space weighted sums). Null until the first pass and
    # after a configuration change (scoring falls back to the thresholds meanwhile).
    r_cuts: list[float] | None = Field(default=None, sa_column=Column(ARRAY(Float), nullable=True))
    f_cuts: list[float] | None = Field(default=None, sa_column=Column(ARRAY(Float), nullable=True))
    m_cuts: list[float] | None = Field(default=None, sa_column=Column(ARRAY(Float), nullable=True))
    average_order_value: Decimal | None = Field(default=None, sa_column=Column(Numeric(14, 2), nullable=True))
    boundaries_computed_at: datetime | None = _time()
    # when a full recompute was last asked for (a recompute is pending while it is later
    # than boundaries_computed_at)
    recompute_requested_at: datetime | None = _time()
    updated_at: datetime = _now_column()


def _lines(item: Any) -> Any:
    return Field(default_factory=list, sa_column=Column(ARRAY(item), nullable=False, server_default="{}"))


class AnalyticsOrder(SQLModel, table=True):
    __tablename__ = "analytics_orders"
    # Covering: the summaries (real time, full pass, preview) read a customer's orders
    # from the index alone, in customer order (no heap visit, no sort).
    __table_args__ = (
        Index(
            "ix_analytics_orders_customer",
            "merchant_id",
            "customer_id",
            "placed_at",
            postgresql_include=["amount", "refunded", "cancelled"],
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    shopify_order_id: int = _key()
    customer_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # null while only a refund or cancellation of the order has arrived (Shopify does not
    # guarantee delivery order): such a row counts nowhere until its orders/create
    placed_at: datetime | None = _time()
    amount: Decimal = Field(
        default=Decimal(0), sa_column=Column(Numeric(14, 2), nullable=False, server_default="0")
    )
    refunded: Decimal = Field(
        default=Decimal(0), sa_column=Column(Numeric(14, 2), nullable=False, server_default="0")
    )
    cancelled: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
    # Shopify refunds already added to ``refunded`` (a redelivered refund counts once)
    refund_ids: list[int] = Field(
        default_factory=list, sa_column=Column(ARRAY(BigInteger), nullable=False, server_default="{}")
    )
    # The order's lines, one array element per line in Shopify's order: the product
    # (null for a custom line), units, revenue (price x quantity - discount) and what
    # refunds took back. Arrays in the order's row, not a row per line: the webhook path
    # writes one row per order instead of three (each with its key and foreign key
    # check), and the product pass reads the lines with their order's customer and date
    # without a join.
    line_products: list[int | None] = _lines(BigInteger)
    line_quantities: list[int] = _lines(Integer)
    line_revenues: list[Decimal] = _lines(Numeric(14, 2))
    line_refunds: list[Decimal] = _lines(Numeric(14, 2))


class CustomerRfm(SQLModel, table=True):
    __tablename__ = "analytics_customer_rfm"
    __table_args__ = (Index("ix_analytics_customer_rfm_segment", "merchant_id", "segment"),)

    merchant_id: int = Field(sa_column=merchant_key_column())
    customer_id: int = _key()
    first_order_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_order_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    order_count: int = Field(sa_column=Column(Integer, nullable=False))
    net_spend: Decimal = Field(sa_column=Column(Numeric(14, 2), nullable=False))
    # ln of the half-life-weighted order count / net spend relative to the fixed epoch
    # (rules.rfm.WEIGHT_EPOCH); null when the shop does not weight by time
    weighted_frequency: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    weighted_monetary: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    r: int = Field(sa_column=Column(SmallInteger, nullable=False))
    f: int = Field(sa_column=Column(SmallInteger, nullable=False))
    m: int = Field(sa_column=Column(SmallInteger, nullable=False))
    segment: str = Field(sa_column=Column(Text, nullable=False))
    segment_since: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = _now_column()


class SegmentHistory(SQLModel, table=True):
    __tablename__ = "analytics_segment_history"
    __table_args__ = (
        Index("ix_analytics_segment_history_changed", "merchant_id", "changed_at"),
        Index("ix_analytics_segment_history_customer", "merchant_id", "customer_id", "changed_at"),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    from_segment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    to_segment: str = Field(sa_column=Column(Text, nullable=False))
    changed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class SegmentDaily(SQLModel, table=True):
    __tablename__ = "analytics_segment_daily"

    merchant_id: int = Field(sa_column=merchant_key_column())
    day: date = _key(Date)
    segment: str = _key(Text)
    customers: int = Field(sa_column=Column(Integer, nullable=False))


class RfmExclusion(SQLModel, table=True):
    __tablename__ = "analytics_rfm_exclusions"

    merchant_id: int = Field(sa_column=merchant_key_column())
    customer_id: int = _key()
    created_at: datetime = _now_column()
