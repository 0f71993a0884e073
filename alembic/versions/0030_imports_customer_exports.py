"""imports: customer exports

- ``customer_exports``: one row per export of a shop's customers (format, with or
  without the points history, status, progress, counts, the worker's attempt and
  heartbeat, when its files expire); at most one queued or running export per shop (a
  partial unique index); completed ones by expiry for the hourly sweep.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def _count(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.BigInteger(), server_default="0", nullable=False)


def upgrade() -> None:
    op.create_table(
        "customer_exports",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("include_history", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("status", sa.String(length=16), server_default="queued", nullable=False),
        _count("customers"),
        _count("history_rows"),
        _count("rows_done"),
        sa.Column("rows_total", sa.BigInteger(), nullable=True),
        sa.Column("file_bytes", sa.BigInteger(), nullable=True),
        sa.Column("history_bytes", sa.BigInteger(), nullable=True),
        sa.Column("requested_by", sa.String(length=255), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        _at("started_at"),
        _at("heartbeat_at"),
        _at("finished_at"),
        _at("expires_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "format IN ('GENERIC', 'SMILE', 'LOYALTYLION')", name="ck_customer_exports_format"
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'completed', 'failed', 'expired')",
            name="ck_customer_exports_status",
        ),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_index(
        "uq_customer_exports_open",
        "customer_exports",
        ["merchant_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('queued', 'running')"),
    )
    op.create_index(
        "ix_customer_exports_expiry",
        "customer_exports",
        ["expires_at"],
        postgresql_where=sa.text("status = 'completed'"),
    )


def downgrade() -> None:
    op.drop_index("ix_customer_exports_expiry", table_name="customer_exports")
    op.drop_index("uq_customer_exports_open", table_name="customer_exports")
    op.drop_table("customer_exports")
