"""imports: the Shopify history backfill's runs

- ``imports_shopify_backfills``: one row per run (status, since, the points option,
  phase and bulk operation with the lines of its result already imported, counts,
  error, when); at most one queued or running run per shop (a partial unique index).

Revision ID: 0028
Revises: 0027 (re-chain onto 0027 when merging)
Create Date: 2026-12-04 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _now(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def _count(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Integer(), server_default="0", nullable=False)


def upgrade() -> None:
    op.create_table(
        "imports_shopify_backfills",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="queued", nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        _count("award_points_days"),
        sa.Column("requested_by", sa.String(length=255), nullable=False),
        sa.Column("phase", sa.String(length=16), server_default="customers", nullable=False),
        sa.Column("bulk_operation_id", sa.String(length=128), nullable=True),
        _count("lines_done"),
        _count("customers_imported"),
        _count("orders_imported"),
        _count("orders_awarded"),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.String(length=500), nullable=True),
        _now("requested_at"),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'completed', 'failed')",
            name="ck_imports_shopify_backfills_status",
        ),
        sa.CheckConstraint(
            "phase IN ('customers', 'orders', 'done')", name="ck_imports_shopify_backfills_phase"
        ),
        sa.CheckConstraint("award_points_days >= 0", name="ck_imports_shopify_backfills_award_days"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_index(
        "uq_imports_shopify_backfills_open",
        "imports_shopify_backfills",
        ["merchant_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('queued', 'running')"),
    )


def downgrade() -> None:
    op.drop_index("uq_imports_shopify_backfills_open", table_name="imports_shopify_backfills")
    op.drop_table("imports_shopify_backfills")
