"""imports: customers imported from another loyalty app, and their staged rows

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _merchant() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "merchant_id", sa.BigInteger(), sa.ForeignKey("merchants.id", ondelete="CASCADE"), primary_key=True
    )


def _at(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    op.create_table(
        "imports",
        _merchant(),
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("mapping", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("file_name", sa.String(255), nullable=True),
        sa.Column("file_bytes", sa.BigInteger(), nullable=True),
        _at("upload_expires_at"),
        sa.Column("file_sha256", sa.String(64), nullable=True),
        sa.Column("dry_run", sa.Boolean(), nullable=False, server_default="true"),
        sa.Column("counts", postgresql.JSONB(), nullable=False, server_default="{}"),
        sa.Column("rows_done", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("rows_total", sa.BigInteger(), nullable=True),
        sa.Column("errors", postgresql.JSONB(), nullable=False, server_default="[]"),
        sa.Column("error_report_enc", sa.Text(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.String(64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        _at("started_at"),
        _at("heartbeat_at"),
        _at("finished_at"),
        _at("reverted_at"),
        sa.CheckConstraint(
            "source IN ('SMILE', 'LOYALTYLION', 'YOTPO', 'GENERIC')", name="ck_imports_source"
        ),
        sa.CheckConstraint(
            "status IN ('awaiting_upload', 'uploaded', 'validating', 'ready', 'invalid', 'importing',"
            " 'completed', 'failed', 'reverting', 'reverted')",
            name="ck_imports_status",
        ),
    )
    op.create_index(
        "uq_imports_running",
        "imports",
        ["merchant_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('validating', 'importing', 'reverting')"),
    )
    op.create_table(
        "import_rows",
        _merchant(),
        sa.Column("import_id", sa.BigInteger(), primary_key=True),
        sa.Column("line", sa.BigInteger(), primary_key=True),
        sa.Column("shopify_customer_id", sa.BigInteger(), nullable=True),
        sa.Column("email_enc", sa.Text(), nullable=True),
        sa.Column("first_name_enc", sa.Text(), nullable=True),
        sa.Column("last_name_enc", sa.Text(), nullable=True),
        sa.Column("points", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("accepts_email_marketing", sa.Boolean(), nullable=True),
        sa.Column("accepts_sms_marketing", sa.Boolean(), nullable=True),
        sa.Column("customer_id", sa.BigInteger(), nullable=True),
        sa.Column("created_customer", sa.Boolean(), nullable=False, server_default="false"),
        sa.Column("applied", sa.Boolean(), nullable=False, server_default="false"),
    )
    op.create_index(
        "ix_import_rows_pending",
        "import_rows",
        ["merchant_id", "import_id", "line"],
        postgresql_where=sa.text("NOT applied"),
    )


def downgrade() -> None:
    op.drop_table("import_rows")
    op.drop_table("imports")
