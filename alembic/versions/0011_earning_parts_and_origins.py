"""earning parts and origins

One earning pipeline where tiers multiply and campaigns add: each part of an earning is
a ledger row of its own, and the row says where it came from (``origin_type`` rule, tier
or campaign, and ``origin_id``). An order remembers its parts (``parts``) so refunds and
cancellations take each back in proportion and pending orders post them on release, and
what it counts toward its customer's spend (``spend_amount`` less ``spend_refunded``,
placed at ``placed_at``), which tiers qualify on.

Orders seen before this migration count too, as well as can be known: their spend is
the amount they earned on (the subtotal was not kept) and their time the row's last
change; test orders, orders in another currency and cancelled ones count for nothing.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("points_ledger", sa.Column("origin_type", sa.String(length=16), nullable=True))
    op.add_column("points_ledger", sa.Column("origin_id", sa.BigInteger(), nullable=True))
    op.add_column(
        "order_points",
        sa.Column("parts", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
    )
    op.add_column("order_points", sa.Column("spend_amount", sa.Numeric(16, 4), nullable=True))
    op.add_column(
        "order_points", sa.Column("spend_refunded", sa.Numeric(16, 4), server_default="0", nullable=False)
    )
    op.add_column("order_points", sa.Column("placed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_order_points_customer",
        "order_points",
        ["merchant_id", "customer_id"],
        postgresql_where=sa.text("spend_amount IS NOT NULL AND NOT cancelled"),
    )
    op.execute(
        """
        UPDATE order_points
        SET spend_amount = eligible_amount, spend_refunded = LEAST(refunded_amount, eligible_amount),
            placed_at = updated_at
        WHERE eligible_amount IS NOT NULL AND customer_id IS NOT NULL AND skip_reason IS NULL
            AND NOT cancelled
        """
    )


def downgrade() -> None:
    op.drop_index("ix_order_points_customer", table_name="order_points")
    op.drop_column("order_points", "placed_at")
    op.drop_column("order_points", "spend_refunded")
    op.drop_column("order_points", "spend_amount")
    op.drop_column("order_points", "parts")
    op.drop_column("points_ledger", "origin_id")
    op.drop_column("points_ledger", "origin_type")
