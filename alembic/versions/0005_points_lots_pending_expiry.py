"""points lots pending expiry

Points lots (per-lot FIFO expiry), pending points, expiry reminders; program settings
for purchase rules, pending and expiry.

Every account holding points gets one lot with its whole balance and no expiry (the
points earned before lots existed never expire); the ledger's unused ``expires_at`` and
``remaining`` columns go: lots live in their own table so the ledger stays append-only.
New shops earn 10 points per currency unit by default; existing shops keep their rate.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_points",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("shopify_order_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("release_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'released', 'cancelled')", name="ck_pending_points_status"),
        sa.CheckConstraint("points >= 0", name="ck_pending_points_points_non_negative"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "shopify_order_id"),
    )
    op.create_index(
        "ix_pending_points_customer",
        "pending_points",
        ["merchant_id", "customer_id"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_pending_points_due",
        "pending_points",
        ["release_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "points_expiry_reminders",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="due", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "status IN ('due', 'sent', 'cancelled')", name="ck_points_expiry_reminders_status"
        ),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
        sa.UniqueConstraint(
            "merchant_id", "customer_id", "expires_on", name="uq_points_expiry_reminders_customer_date"
        ),
    )
    op.create_index(
        "ix_points_expiry_reminders_due",
        "points_expiry_reminders",
        ["merchant_id", "id"],
        unique=False,
        postgresql_where=sa.text("status = 'due'"),
    )
    op.create_table(
        "points_lot_consumptions",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("points <> 0", name="ck_points_lot_consumptions_points_non_zero"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "entry_id", "lot_id"),
    )
    op.create_table(
        "points_lots",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=True),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("remaining", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("activity_days", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("activity_days IS NULL OR activity_days > 0", name="ck_points_lots_activity_days"),
        sa.CheckConstraint("points > 0", name="ck_points_lots_points_positive"),
        sa.CheckConstraint(
            "remaining >= 0 AND remaining <= points", name="ck_points_lots_remaining_in_range"
        ),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
        sa.UniqueConstraint("merchant_id", "entry_id", name="uq_points_lots_entry"),
    )
    op.create_index(
        "ix_points_lots_expiry",
        "points_lots",
        ["expires_at"],
        unique=False,
        postgresql_where=sa.text("remaining > 0 AND expires_at IS NOT NULL"),
    )
    op.create_index(
        "ix_points_lots_follow_activity",
        "points_lots",
        ["merchant_id", "customer_id"],
        unique=False,
        postgresql_where=sa.text("remaining > 0 AND activity_days IS NOT NULL"),
    )
    op.create_index(
        "ix_points_lots_open",
        "points_lots",
        ["merchant_id", "customer_id", "id"],
        unique=False,
        postgresql_where=sa.text("remaining > 0"),
    )
    op.create_table(
        "product_tags",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("tags", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("shopify_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "product_id"),
    )
    # Balances from before lots: one lot each, whole balance, never expiring.
    op.execute(
        """
        INSERT INTO points_lots (merchant_id, customer_id, entry_id, points, remaining, expires_at)
        SELECT merchant_id, customer_id, NULL, balance, balance, NULL
        FROM points_accounts WHERE balance > 0
        ORDER BY merchant_id, customer_id
        """
    )
    op.add_column("points_accounts", sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "order_points", sa.Column("points_lapsed", sa.BigInteger(), server_default="0", nullable=False)
    )
    op.drop_column("points_ledger", "expires_at")
    op.drop_column("points_ledger", "remaining")

    op.add_column(
        "program_settings",
        sa.Column("purchase_enabled", sa.Boolean(), server_default="true", nullable=False),
    )
    op.add_column(
        "program_settings", sa.Column("min_order_amount", sa.Numeric(precision=16, scale=4), nullable=True)
    )
    op.add_column(
        "program_settings",
        sa.Column(
            "excluded_product_ids", postgresql.ARRAY(sa.BigInteger()), server_default="{}", nullable=False
        ),
    )
    op.add_column(
        "program_settings",
        sa.Column("expiry_policy", sa.String(length=32), server_default="never", nullable=False),
    )
    op.add_column(
        "program_settings",
        sa.Column("excluded_product_tags", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
    )
    op.add_column("program_settings", sa.Column("expiry_days", sa.Integer(), nullable=True))
    op.add_column(
        "program_settings", sa.Column("pending_days", sa.Integer(), server_default="0", nullable=False)
    )
    # new shops earn 10 points per unit; the rows that exist keep their rate
    op.alter_column("program_settings", "points_per_currency_unit", server_default="10")
    op.create_check_constraint(
        "ck_program_settings_expiry_policy",
        "program_settings",
        "expiry_policy IN ('never', 'days_after_earn', 'days_after_activity', 'end_of_month', 'end_of_year')",
    )
    op.create_check_constraint(
        "ck_program_settings_expiry_days",
        "program_settings",
        "(expiry_policy IN ('days_after_earn', 'days_after_activity')) = (expiry_days IS NOT NULL)",
    )
    op.create_check_constraint(
        "ck_program_settings_expiry_days_positive",
        "program_settings",
        "expiry_days IS NULL OR expiry_days > 0",
    )
    op.create_check_constraint("ck_program_settings_pending_days", "program_settings", "pending_days >= 0")
    op.create_check_constraint(
        "ck_program_settings_min_order_amount",
        "program_settings",
        "min_order_amount IS NULL OR min_order_amount > 0",
    )


def downgrade() -> None:
    for name in (
        "ck_program_settings_min_order_amount",
        "ck_program_settings_pending_days",
        "ck_program_settings_expiry_days_positive",
        "ck_program_settings_expiry_days",
        "ck_program_settings_expiry_policy",
    ):
        op.drop_constraint(name, "program_settings", type_="check")
    op.alter_column("program_settings", "points_per_currency_unit", server_default="1")
    op.drop_column("program_settings", "pending_days")
    op.drop_column("program_settings", "expiry_days")
    op.drop_column("program_settings", "expiry_policy")
    op.drop_column("program_settings", "excluded_product_tags")
    op.drop_column("program_settings", "excluded_product_ids")
    op.drop_column("program_settings", "min_order_amount")
    op.drop_column("program_settings", "purchase_enabled")
    op.add_column("points_ledger", sa.Column("remaining", sa.BigInteger(), nullable=True))
    op.add_column("points_ledger", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.drop_column("order_points", "points_lapsed")
    op.drop_column("points_accounts", "last_activity_at")
    op.drop_index("ix_points_lots_open", table_name="points_lots")
    op.drop_index("ix_points_lots_follow_activity", table_name="points_lots")
    op.drop_index("ix_points_lots_expiry", table_name="points_lots")
    op.drop_table("points_lots")
    op.drop_table("points_lot_consumptions")
    op.drop_index("ix_points_expiry_reminders_due", table_name="points_expiry_reminders")
    op.drop_table("points_expiry_reminders")
    op.drop_index("ix_pending_points_due", table_name="pending_points")
    op.drop_index("ix_pending_points_customer", table_name="pending_points")
    op.drop_table("pending_points")
    op.drop_table("product_tags")
