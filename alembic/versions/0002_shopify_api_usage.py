"""shopify_api_usage: Admin API calls, costs, throttling and bucket use per shop and minute

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:38:02.039730
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shopify_api_usage",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("minute", sa.DateTime(timezone=True), nullable=False),
        sa.Column("calls", sa.Integer(), server_default="0", nullable=False),
        sa.Column("requested_cost", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("actual_cost", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("throttled_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("errors", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "max_utilisation_pct", sa.Numeric(precision=5, scale=2), server_default="0", nullable=False
        ),
        sa.Column("maximum_available", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "minute"),
    )


def downgrade() -> None:
    op.drop_table("shopify_api_usage")
