"""analytics products

Product RFM (``analytics_product_stats``, ``analytics_product_segment_stats``: rebuilt
per shop by a set-based pass) and segment exports (``analytics_exports``).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _merchant() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("merchant_id", sa.BigInteger(), nullable=False)


def _merchant_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "analytics_product_stats",
        _merchant(),
        sa.Column("product_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("last_sold_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.Numeric(14, 2), nullable=False),
        sa.Column("buyers", sa.Integer(), nullable=False),
        sa.Column("repeat_buyers", sa.Integer(), nullable=False),
        sa.Column("repeat_rate", sa.Numeric(5, 4), nullable=False),
        sa.Column("slipping_buyers", sa.Integer(), nullable=False),
        sa.Column("revenue_rank", sa.Integer(), nullable=False),
        sa.Column("orders_rank", sa.Integer(), nullable=False),
        sa.Column("recency_rank", sa.Integer(), nullable=False),
        sa.Column("repeat_rank", sa.Integer(), nullable=False),
        sa.Column("slipping_rank", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "product_id"),
    )
    for sort in ("revenue", "orders", "recency", "repeat"):
        op.create_index(
            f"ix_analytics_product_stats_{sort}_rank",
            "analytics_product_stats",
            ["merchant_id", f"{sort}_rank"],
        )
    op.create_index(
        "ix_analytics_product_stats_slipping_rank",
        "analytics_product_stats",
        ["merchant_id", "slipping_rank"],
        postgresql_where=sa.text("slipping_buyers > 0"),
    )

    op.create_table(
        "analytics_product_segment_stats",
        _merchant(),
        sa.Column("product_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("segment", sa.String(length=32), nullable=False),
        sa.Column("buyers", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.Numeric(14, 2), nullable=False),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "product_id", "segment"),
    )
    op.create_index(
        "ix_analytics_product_segment_stats_top",
        "analytics_product_segment_stats",
        ["merchant_id", "segment", "buyers", "revenue", "product_id"],
    )

    op.create_table(
        "analytics_exports",
        _merchant(),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("segment", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="queued", nullable=False),
        sa.Column("rows_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=True),
        sa.Column("requested_by", sa.String(length=64), nullable=True),
        sa.Column("content_enc", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'completed', 'failed')", name="ck_analytics_exports_status"
        ),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_index(
        "ix_analytics_exports_expiring",
        "analytics_exports",
        ["merchant_id", "expires_at"],
        postgresql_where=sa.text("content_enc IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_table("analytics_exports")
    op.drop_table("analytics_product_segment_stats")
    op.drop_table("analytics_product_stats")
