"""analytics segments

Custom segments and their members.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analytics_custom_segments",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("parsed_rule", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_table(
        "analytics_custom_segment_members",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("segment_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["merchant_id", "segment_id"],
            ["analytics_custom_segments.merchant_id", "analytics_custom_segments.id"],
            ondelete="CASCADE",
            name="fk_analytics_custom_segment_members_segment",
        ),
        sa.PrimaryKeyConstraint("merchant_id", "segment_id", "customer_id"),
    )
    op.create_index(
        "ix_analytics_custom_segment_members_customer",
        "analytics_custom_segment_members",
        ["merchant_id", "customer_id"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_analytics_custom_segment_members_customer", table_name="analytics_custom_segment_members"
    )
    op.drop_table("analytics_custom_segment_members")
    op.drop_table("analytics_custom_segments")
