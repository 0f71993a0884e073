"""earning: points held as pending that belong to no order

- ``held_points``: points an import brings still pending in the old app (LoyaltyLion's
  "Points pending"): in no balance and no ledger row until the release pass posts them
  under their ``key`` once ``release_at`` has passed; cancelled by their holder (an
  import's revert) while they wait.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-04 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "held_points",
        sa.Column(
            "merchant_id",
            sa.BigInteger(),
            sa.ForeignKey("merchants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("source_ref", sa.String(255), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("release_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("points > 0", name="ck_held_points_points_positive"),
        sa.CheckConstraint("status IN ('pending', 'released', 'cancelled')", name="ck_held_points_status"),
    )
    op.create_index(
        "ix_held_points_due", "held_points", ["release_at"], postgresql_where=sa.text("status = 'pending'")
    )
    op.create_index(
        "ix_held_points_customer",
        "held_points",
        ["merchant_id", "customer_id"],
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_table("held_points")
