"""privacy: customer data requests and customers' own requests, their exports, per-shop
retention settings

- ``privacy_requests`` also logs customer data requests (``data_request``), asked by
  Shopify, the customer in the widget (``storefront``) or staff; a customer's own request
  waits ``unconfirmed`` for the emailed link (and ends ``expired`` if it never comes);
  ``external_ref`` is Shopify's id of a data request (one export per id), and
  ``alerted_at`` when staff were told a request is overdue.
- ``privacy_exports``: a data request's archive, encrypted, until it expires.
- ``privacy_retention_settings``: a shop's own retention limits (defaults without a row).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = "status NOT IN ('completed', 'expired')"


def upgrade() -> None:
    op.add_column("privacy_requests", sa.Column("external_ref", sa.String(255), nullable=True))
    op.add_column("privacy_requests", sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("privacy_requests", sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True))
    for name in ("ck_privacy_requests_type", "ck_privacy_requests_source", "ck_privacy_requests_status"):
        op.drop_constraint(name, "privacy_requests", type_="check")
    op.create_check_constraint(
        "ck_privacy_requests_type",
        "privacy_requests",
        "type IN ('shop_redact', 'customer_redact', 'data_request')",
    )
    op.create_check_constraint(
        "ck_privacy_requests_source",
        "privacy_requests",
        "source IN ('webhook', 'system', 'storefront', 'staff')",
    )
    op.create_check_constraint(
        "ck_privacy_requests_status",
        "privacy_requests",
        "status IN ('unconfirmed', 'pending', 'processing', 'completed', 'failed', 'expired')",
    )
    for name in (
        "uq_privacy_requests_open_shop_redact",
        "uq_privacy_requests_open_customer_redact",
        "ix_privacy_requests_open",
    ):
        op.drop_index(name, table_name="privacy_requests")
    op.create_index(
        "uq_privacy_requests_open_shop_redact",
        "privacy_requests",
        ["merchant_id"],
        unique=True,
        postgresql_where=sa.text(f"type = 'shop_redact' AND {_OPEN}"),
    )
    op.create_index(
        "uq_privacy_requests_open_customer",
        "privacy_requests",
        ["merchant_id", "type", "customer_ref"],
        unique=True,
        postgresql_where=sa.text(f"type IN ('customer_redact', 'data_request') AND {_OPEN}"),
    )
    op.create_index(
        "uq_privacy_requests_external_ref",
        "privacy_requests",
        ["merchant_id", "external_ref"],
        unique=True,
        postgresql_where=sa.text("external_ref IS NOT NULL"),
    )
    op.create_index(
        "ix_privacy_requests_open", "privacy_requests", ["due_at"], postgresql_where=sa.text(_OPEN)
    )
    op.create_index("ix_privacy_requests_shop", "privacy_requests", ["merchant_id", "id"])

    op.create_table(
        "privacy_exports",
        sa.Column(
            "merchant_id",
            sa.BigInteger(),
            sa.ForeignKey("merchants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("request_id", sa.BigInteger(), primary_key=True),
        sa.Column("content_enc", sa.Text(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("tables", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_privacy_exports_expires_at", "privacy_exports", ["expires_at"])

    op.create_table(
        "privacy_retention_settings",
        sa.Column(
            "merchant_id",
            sa.BigInteger(),
            sa.ForeignKey("merchants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("inbox_days", sa.Integer(), nullable=False),
        sa.Column("delivery_log_days", sa.Integer(), nullable=False),
        sa.Column("export_days", sa.Integer(), nullable=False),
        sa.Column("artefact_days", sa.Integer(), nullable=False),
        sa.Column("audit_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("privacy_retention_settings")
    op.drop_table("privacy_exports")
    op.execute(
        "DELETE FROM privacy_requests WHERE type = 'data_request' OR status IN ('unconfirmed', 'expired')"
    )
    op.execute("UPDATE privacy_requests SET source = 'system' WHERE source IN ('storefront', 'staff')")
    for name in (
        "uq_privacy_requests_open_shop_redact",
        "uq_privacy_requests_open_customer",
        "uq_privacy_requests_external_ref",
        "ix_privacy_requests_open",
        "ix_privacy_requests_shop",
    ):
        op.drop_index(name, table_name="privacy_requests")
    for name in ("ck_privacy_requests_type", "ck_privacy_requests_source", "ck_privacy_requests_status"):
        op.drop_constraint(name, "privacy_requests", type_="check")
    op.create_check_constraint(
        "ck_privacy_requests_type", "privacy_requests", "type IN ('shop_redact', 'customer_redact')"
    )
    op.create_check_constraint(
        "ck_privacy_requests_source", "privacy_requests", "source IN ('webhook', 'system')"
    )
    op.create_check_constraint(
        "ck_privacy_requests_status",
        "privacy_requests",
        "status IN ('pending', 'processing', 'completed', 'failed')",
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
    for column in ("alerted_at", "confirmed_at", "external_ref"):
        op.drop_column("privacy_requests", column)
