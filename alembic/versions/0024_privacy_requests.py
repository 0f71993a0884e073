"""privacy: the request log (shop deletions and customer erasures)

One row per privacy duty, with its deadline and what was done. No foreign key to
``merchants``: the row proves a shop's deletion after the shop is gone.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "privacy_requests",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("shop_domain", sa.String(255), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_ref", sa.String(255), nullable=True),
        sa.Column("customer_ref", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retention_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("result", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.CheckConstraint("type IN ('shop_redact', 'customer_redact')", name="ck_privacy_requests_type"),
        sa.CheckConstraint("source IN ('webhook', 'system')", name="ck_privacy_requests_source"),
        sa.CheckConstraint(
            "status IN ('pending', 'processing', 'completed', 'failed')", name="ck_privacy_requests_status"
        ),
    )
    op.create_index(
        "uq_privacy_requests_open_shop_redact",
        "privacy_requests",
        ["merchant_id"],
        unique=True,
        postgresql_where=sa.text("type = 'shop_redact' AND status <> 'completed'"),
    )
    op.create_index(
        "uq_privacy_requests_open_customer_redact",
        "privacy_requests",
        ["merchant_id", "customer_ref"],
        unique=True,
        postgresql_where=sa.text("type = 'customer_redact' AND status <> 'completed'"),
    )
    op.create_index(
        "ix_privacy_requests_open",
        "privacy_requests",
        ["due_at"],
        postgresql_where=sa.text("status <> 'completed'"),
    )
    op.create_index("ix_privacy_requests_shop_domain", "privacy_requests", ["shop_domain"])


def downgrade() -> None:
    op.drop_table("privacy_requests")
