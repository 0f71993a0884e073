"""analytics rfm

RFM summaries, scores, segments, custom segments and their history.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _merchant_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE")


def _now(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "analytics_rfm_settings",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("mode", sa.Text(), server_default="quintiles", nullable=False),
        sa.Column("preset", sa.Text(), nullable=True),
        sa.Column(
            "recency_days", postgresql.ARRAY(sa.Integer()), server_default="{7,30,60,90}", nullable=False
        ),
        sa.Column(
            "frequency_max", postgresql.ARRAY(sa.Integer()), server_default="{1,3,6,10}", nullable=False
        ),
        sa.Column(
            "monetary_ratios",
            postgresql.ARRAY(sa.Numeric(8, 3)),
            server_default="{0.5,1,2,5}",
            nullable=False,
        ),
        sa.Column("lookback_days", sa.Integer(), server_default="365", nullable=False),
        sa.Column("time_weighting", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("half_life_days", sa.Integer(), server_default="90", nullable=False),
        sa.Column("r_cuts", postgresql.ARRAY(sa.Float()), nullable=True),
        sa.Column("f_cuts", postgresql.ARRAY(sa.Float()), nullable=True),
        sa.Column("m_cuts", postgresql.ARRAY(sa.Float()), nullable=True),
        sa.Column("average_order_value", sa.Numeric(14, 2), nullable=True),
        sa.Column("boundaries_computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recompute_requested_at", sa.DateTime(timezone=True), nullable=True),
        _now("updated_at"),
        sa.CheckConstraint("mode IN ('quintiles', 'thresholds')", name="ck_analytics_rfm_settings_mode"),
        sa.CheckConstraint("lookback_days BETWEEN 30 AND 3650", name="ck_analytics_rfm_settings_lookback"),
        sa.CheckConstraint("half_life_days BETWEEN 7 AND 3650", name="ck_analytics_rfm_settings_half_life"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id"),
    )
    op.create_table(
        "analytics_orders",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("shopify_order_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=True),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("amount", sa.Numeric(14, 2), server_default="0", nullable=False),
        sa.Column("refunded", sa.Numeric(14, 2), server_default="0", nullable=False),
        sa.Column("cancelled", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("refund_ids", postgresql.ARRAY(sa.BigInteger()), server_default="{}", nullable=False),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "shopify_order_id"),
    )
    op.create_index(
        "ix_analytics_orders_customer", "analytics_orders", ["merchant_id", "customer_id", "placed_at"]
    )
    op.create_table(
        "analytics_order_lines",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("shopify_order_id", sa.BigInteger(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.Numeric(14, 2), nullable=False),
        sa.Column("refunded", sa.Numeric(14, 2), server_default="0", nullable=False),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "shopify_order_id", "line_no"),
    )
    op.create_index(
        "ix_analytics_order_lines_product", "analytics_order_lines", ["merchant_id", "product_id"]
    )
    op.create_table(
        "analytics_customer_rfm",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("first_order_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_order_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("order_count", sa.Integer(), nullable=False),
        sa.Column("net_spend", sa.Numeric(14, 2), nullable=False),
        sa.Column("weighted_frequency", sa.Float(), nullable=True),
        sa.Column("weighted_monetary", sa.Float(), nullable=True),
        sa.Column("r", sa.SmallInteger(), nullable=False),
        sa.Column("f", sa.SmallInteger(), nullable=False),
        sa.Column("m", sa.SmallInteger(), nullable=False),
        sa.Column("segment", sa.Text(), nullable=False),
        sa.Column("segment_since", sa.DateTime(timezone=True), nullable=False),
        _now("updated_at"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "customer_id"),
    )
    op.create_index("ix_analytics_customer_rfm_segment", "analytics_customer_rfm", ["merchant_id", "segment"])
    op.create_table(
        "analytics_segment_history",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("from_segment", sa.Text(), nullable=True),
        sa.Column("to_segment", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_index(
        "ix_analytics_segment_history_changed", "analytics_segment_history", ["merchant_id", "changed_at"]
    )
    op.create_index(
        "ix_analytics_segment_history_customer",
        "analytics_segment_history",
        ["merchant_id", "customer_id", "changed_at"],
    )
    op.create_table(
        "analytics_segment_daily",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("segment", sa.Text(), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "day", "segment"),
    )
    op.create_table(
        "analytics_rfm_exclusions",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        _now("created_at"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "customer_id"),
    )


def downgrade() -> None:
    for table in (
        "analytics_rfm_exclusions",
        "analytics_segment_daily",
        "analytics_segment_history",
        "analytics_customer_rfm",
        "analytics_order_lines",
        "analytics_orders",
        "analytics_rfm_settings",
    ):
        op.drop_table(table)  # drops its indexes
