"""rewards and redemptions

Reward catalog and redemptions (discount codes).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rewards",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("points_cost", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Numeric(precision=16, scale=4), nullable=True),
        sa.Column("variant_gid", sa.String(length=255), nullable=True),
        sa.Column("minimum_order_amount", sa.Numeric(precision=16, scale=4), nullable=True),
        sa.Column("usage_limit_per_customer", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_validity_days", sa.Integer(), server_default="30", nullable=False),
        sa.Column("default_locale", sa.String(length=35), nullable=False),
        sa.Column("titles", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("kind <> 'percentage' OR value <= 100", name="ck_rewards_percentage_at_most_100"),
        sa.CheckConstraint(
            "kind IN ('fixed_amount', 'percentage', 'free_shipping', 'free_product')", name="ck_rewards_kind"
        ),
        sa.CheckConstraint("code_validity_days > 0", name="ck_rewards_code_validity_positive"),
        sa.CheckConstraint(
            "minimum_order_amount IS NULL OR minimum_order_amount > 0", name="ck_rewards_minimum_positive"
        ),
        sa.CheckConstraint("points_cost > 0", name="ck_rewards_points_cost_positive"),
        sa.CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at", name="ck_rewards_window_order"
        ),
        sa.CheckConstraint(
            "usage_limit_per_customer IS NULL OR usage_limit_per_customer > 0",
            name="ck_rewards_usage_limit_positive",
        ),
        sa.CheckConstraint("value IS NULL OR value > 0", name="ck_rewards_value_positive"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_table(
        "reward_redemptions",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("reward_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("points_spent", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Numeric(precision=16, scale=4), nullable=True),
        sa.Column("minimum_order_amount", sa.Numeric(precision=16, scale=4), nullable=True),
        sa.Column("variant_gid", sa.String(length=255), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("code_enc", sa.Text(), nullable=False),
        sa.Column("code_bidx", sa.String(length=64), nullable=False),
        sa.Column("discount_gid", sa.String(length=255), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("shopify_order_id", sa.BigInteger(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'issued', 'fulfilled', 'expired', 'failed')",
            name="ck_reward_redemptions_status",
        ),
        sa.CheckConstraint("points_spent > 0", name="ck_reward_redemptions_points_positive"),
        sa.ForeignKeyConstraint(
            ["merchant_id", "reward_id"],
            ["rewards.merchant_id", "rewards.id"],
            name="fk_reward_redemptions_reward",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
        sa.UniqueConstraint("merchant_id", "code_bidx", name="uq_reward_redemptions_code_bidx"),
    )
    op.create_index(
        "ix_reward_redemptions_customer",
        "reward_redemptions",
        ["merchant_id", "customer_id", "id"],
        unique=False,
    )
    op.create_index(
        "ix_reward_redemptions_issued_expiry",
        "reward_redemptions",
        ["expires_at"],
        unique=False,
        postgresql_where=sa.text("status = 'issued'"),
    )
    op.create_index(
        "ix_reward_redemptions_pending",
        "reward_redemptions",
        ["created_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_reward_redemptions_pending",
        table_name="reward_redemptions",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_index(
        "ix_reward_redemptions_issued_expiry",
        table_name="reward_redemptions",
        postgresql_where=sa.text("status = 'issued'"),
    )
    op.drop_index("ix_reward_redemptions_customer", table_name="reward_redemptions")
    op.drop_table("reward_redemptions")
    op.drop_table("rewards")
