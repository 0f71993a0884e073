"""bonus campaigns

Bonus campaigns (multipliers and bonuses with conditions, caps and explicit stacking),
the shop's cap on the total multiplier with its campaigns version (what each process's
snapshot of live campaigns is checked against), each campaign's results and the
counters its caps use, the orders it touched, and products' tags for product-tag
conditions.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaign_settings",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "max_total_multiplier", sa.Numeric(precision=6, scale=2), server_default="5", nullable=False
        ),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("max_total_multiplier >= 1", name="ck_campaign_settings_cap_at_least_1"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id"),
    )
    op.create_table(
        "campaigns",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("default_locale", sa.String(length=35), nullable=False),
        sa.Column(
            "descriptions", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("days_mask", sa.SmallInteger(), nullable=True),
        sa.Column("hours_from", sa.SmallInteger(), nullable=True),
        sa.Column("hours_to", sa.SmallInteger(), nullable=True),
        sa.Column("effect_kind", sa.String(length=32), nullable=False),
        sa.Column("multiplier", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("bonus_points", sa.BigInteger(), nullable=True),
        sa.Column("triggers", postgresql.ARRAY(sa.String(length=16)), nullable=False),
        sa.Column("conditions", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("max_uses_per_customer", sa.Integer(), nullable=True),
        sa.Column("max_points_per_customer", sa.BigInteger(), nullable=True),
        sa.Column("points_budget", sa.BigInteger(), nullable=True),
        sa.Column("stacking", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Integer(), server_default="0", nullable=False),
        sa.Column("exclusive_of_all", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("discount_kind", sa.String(length=16), nullable=True),
        sa.Column("discount_value", sa.Numeric(precision=16, scale=4), nullable=True),
        sa.Column("discount_code", sa.String(length=255), nullable=True),
        sa.Column("discount_gid", sa.String(length=255), nullable=True),
        sa.Column("discount_state", sa.String(length=16), server_default="none", nullable=False),
        sa.Column("discount_error", sa.Text(), nullable=True),
        sa.Column("ended_reason", sa.String(length=16), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "discount_kind IS NULL OR discount_kind IN ('percentage', 'fixed_amount', 'free_shipping')",
            name="ck_campaigns_discount_kind",
        ),
        sa.CheckConstraint(
            "discount_state IN ('none', 'pending', 'active', 'inactive', 'failed')",
            name="ck_campaigns_discount_state",
        ),
        sa.CheckConstraint(
            "effect_kind <> 'multiplier' OR (multiplier > 1 AND multiplier <= 10)",
            name="ck_campaigns_multiplier_range",
        ),
        sa.CheckConstraint(
            "effect_kind = 'multiplier' OR bonus_points > 0", name="ck_campaigns_bonus_points_positive"
        ),
        sa.CheckConstraint(
            "effect_kind IN ('multiplier', 'order_bonus', 'product_unit_bonus', 'product_line_bonus',"
            " 'trigger_bonus')",
            name="ck_campaigns_effect_kind",
        ),
        sa.CheckConstraint("stacking IN ('stackable', 'exclusive')", name="ck_campaigns_stacking"),
        sa.CheckConstraint(
            "status IN ('scheduled', 'active', 'paused', 'ended', 'archived')", name="ck_campaigns_status"
        ),
        sa.CheckConstraint(
            "(discount_kind IS NULL) = (discount_code IS NULL)", name="ck_campaigns_discount_code_with_kind"
        ),
        sa.CheckConstraint(
            "(hours_from IS NULL) = (hours_to IS NULL) AND (hours_from IS NULL OR"
            " (hours_from BETWEEN 0 AND 23 AND hours_to BETWEEN 1 AND 24 AND hours_from <> hours_to))",
            name="ck_campaigns_hours",
        ),
        sa.CheckConstraint("days_mask IS NULL OR days_mask BETWEEN 1 AND 127", name="ck_campaigns_days_mask"),
        sa.CheckConstraint("ends_at IS NULL OR starts_at < ends_at", name="ck_campaigns_window_order"),
        sa.CheckConstraint(
            "max_points_per_customer IS NULL OR max_points_per_customer > 0",
            name="ck_campaigns_max_points_positive",
        ),
        sa.CheckConstraint(
            "max_uses_per_customer IS NULL OR max_uses_per_customer > 0",
            name="ck_campaigns_max_uses_positive",
        ),
        sa.CheckConstraint("points_budget IS NULL OR points_budget > 0", name="ck_campaigns_budget_positive"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_index(
        "ix_campaigns_due_end",
        "campaigns",
        ["ends_at"],
        unique=False,
        postgresql_where=sa.text("status IN ('scheduled', 'active', 'paused') AND ends_at IS NOT NULL"),
    )
    op.create_index(
        "ix_campaigns_due_start",
        "campaigns",
        ["starts_at"],
        unique=False,
        postgresql_where=sa.text("status = 'scheduled'"),
    )
    op.create_index("ix_campaigns_status", "campaigns", ["merchant_id", "status"], unique=False)
    op.create_table(
        "campaign_customers",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("campaign_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("uses", sa.Integer(), server_default="0", nullable=False),
        sa.Column("points", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id", "campaign_id"],
            ["campaigns.merchant_id", "campaigns.id"],
            name="fk_campaign_customers_campaign",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "campaign_id", "customer_id"),
    )
    op.create_table(
        "campaign_orders",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("campaign_id", sa.BigInteger(), nullable=False),
        sa.Column("shopify_order_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=True),
        sa.Column("revenue", sa.Numeric(precision=16, scale=4), server_default="0", nullable=False),
        sa.Column("via_discount", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("cancelled", sa.Boolean(), server_default="false", nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id", "campaign_id"],
            ["campaigns.merchant_id", "campaigns.id"],
            name="fk_campaign_orders_campaign",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "campaign_id", "shopify_order_id"),
    )
    op.create_index(
        "ix_campaign_orders_order", "campaign_orders", ["merchant_id", "shopify_order_id"], unique=False
    )
    op.create_table(
        "campaign_results",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("campaign_id", sa.BigInteger(), nullable=False),
        sa.Column("points_issued", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("orders_affected", sa.Integer(), server_default="0", nullable=False),
        sa.Column("customers_reached", sa.Integer(), server_default="0", nullable=False),
        sa.Column("revenue", sa.Numeric(precision=16, scale=4), server_default="0", nullable=False),
        sa.Column("discount_uses", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id", "campaign_id"],
            ["campaigns.merchant_id", "campaigns.id"],
            name="fk_campaign_results_campaign",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "campaign_id"),
    )


def downgrade() -> None:
    op.drop_table("campaign_results")
    op.drop_index("ix_campaign_orders_order", table_name="campaign_orders")
    op.drop_table("campaign_orders")
    op.drop_table("campaign_customers")
    op.drop_index("ix_campaigns_status", table_name="campaigns")
    op.drop_index(
        "ix_campaigns_due_start", table_name="campaigns", postgresql_where=sa.text("status = 'scheduled'")
    )
    op.drop_index(
        "ix_campaigns_due_end",
        table_name="campaigns",
        postgresql_where=sa.text("status IN ('scheduled', 'active', 'paused') AND ends_at IS NOT NULL"),
    )
    op.drop_table("campaigns")
    op.drop_table("campaign_settings")
