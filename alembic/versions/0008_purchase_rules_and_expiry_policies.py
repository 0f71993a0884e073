"""purchase rules and expiry policies

One owner per concept: a shop's program settings were one row of the merchants
context (``program_settings``) holding the purchase rule and the points' expiry policy.
The purchase rule becomes the earning context's table (``program_settings`` renamed
``purchase_rules``, its constraints with it); the expiry policy moves, with its values
and its last change, to the points context's ``points_expiry_policies``. Merchants
keeps neither. No value changes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POLICIES = (
    "expiry_policy IN ('never', 'days_after_earn', 'days_after_activity', 'end_of_month', 'end_of_year')"
)
DAYS = "(expiry_policy IN ('days_after_earn', 'days_after_activity')) = (expiry_days IS NOT NULL)"
DAYS_POSITIVE = "expiry_days IS NULL OR expiry_days > 0"
# the purchase checks keep their conditions, under the table's new name
RENAMED = {
    "ck_program_settings_rate": "ck_purchase_rules_rate",
    "ck_program_settings_rounding": "ck_purchase_rules_rounding",
    "ck_program_settings_pending_days": "ck_purchase_rules_pending_days",
    "ck_program_settings_min_order_amount": "ck_purchase_rules_min_order_amount",
    "program_settings_pkey": "purchase_rules_pkey",
    "program_settings_merchant_id_fkey": "purchase_rules_merchant_id_fkey",
}


def upgrade() -> None:
    op.create_table(
        "points_expiry_policies",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("expiry_policy", sa.String(length=32), server_default="never", nullable=False),
        sa.Column("expiry_days", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(POLICIES, name="ck_points_expiry_policies_policy"),
        sa.CheckConstraint(DAYS, name="ck_points_expiry_policies_days"),
        sa.CheckConstraint(DAYS_POSITIVE, name="ck_points_expiry_policies_days_positive"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id"),
    )
    op.execute(
        """
        INSERT INTO points_expiry_policies (merchant_id, expiry_policy, expiry_days, updated_at)
        SELECT merchant_id, expiry_policy, expiry_days, updated_at FROM program_settings
        ORDER BY merchant_id
        """
    )
    for name in (
        "ck_program_settings_expiry_days_positive",
        "ck_program_settings_expiry_days",
        "ck_program_settings_expiry_policy",
    ):
        op.drop_constraint(name, "program_settings", type_="check")
    op.drop_column("program_settings", "expiry_days")
    op.drop_column("program_settings", "expiry_policy")
    op.rename_table("program_settings", "purchase_rules")
    for old, new in RENAMED.items():
        op.execute(f"ALTER TABLE purchase_rules RENAME CONSTRAINT {old} TO {new}")


def downgrade() -> None:
    for old, new in RENAMED.items():
        op.execute(f"ALTER TABLE purchase_rules RENAME CONSTRAINT {new} TO {old}")
    op.rename_table("purchase_rules", "program_settings")
    op.add_column(
        "program_settings",
        sa.Column("expiry_policy", sa.String(length=32), server_default="never", nullable=False),
    )
    op.add_column("program_settings", sa.Column("expiry_days", sa.Integer(), nullable=True))
    op.execute(
        """
        UPDATE program_settings AS s SET expiry_policy = p.expiry_policy, expiry_days = p.expiry_days
        FROM points_expiry_policies AS p WHERE p.merchant_id = s.merchant_id
        """
    )
    op.create_check_constraint("ck_program_settings_expiry_policy", "program_settings", POLICIES)
    op.create_check_constraint("ck_program_settings_expiry_days", "program_settings", DAYS)
    op.create_check_constraint("ck_program_settings_expiry_days_positive", "program_settings", DAYS_POSITIVE)
    op.drop_table("points_expiry_policies")
