"""notifications

The notifications context: per-shop settings (types on/off per channel, default locale,
staff email, branding, SMS quiet hours), providers per channel and role with encrypted
credentials, merchants' template overrides, the delivery log (also the outbox of
messages: one row per cause and channel, unique idempotency key), and customers'
preferences per type and channel.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _jsonb(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name, postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
    )


def _at(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def _merchant_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "notification_settings",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        _jsonb("enabled"),
        sa.Column("default_locale", sa.String(length=35), server_default="en", nullable=False),
        sa.Column("staff_email_enc", sa.Text(), nullable=True),
        sa.Column("sender_name", sa.String(length=255), nullable=True),
        sa.Column("reply_to", sa.String(length=320), nullable=True),
        sa.Column("logo_url", sa.Text(), nullable=True),
        sa.Column("primary_color", sa.String(length=7), server_default="#1F6FEB", nullable=False),
        _jsonb("footer"),
        _jsonb("points_name"),
        sa.Column("quiet_start", sa.Time(), server_default="21:00", nullable=False),
        sa.Column("quiet_end", sa.Time(), server_default="08:00", nullable=False),
        _at("updated_at"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id"),
    )
    op.create_table(
        "notification_providers",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        _jsonb("settings"),
        sa.Column("secret_enc", sa.Text(), nullable=True),
        _at("created_at"),
        _at("updated_at"),
        sa.CheckConstraint("channel IN ('email', 'sms')", name="ck_notification_providers_channel"),
        sa.CheckConstraint("kind IN ('smtp', 'klaviyo', 'sms')", name="ck_notification_providers_kind"),
        sa.CheckConstraint("role IN ('primary', 'fallback')", name="ck_notification_providers_role"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
        sa.UniqueConstraint("merchant_id", "channel", "role", name="uq_notification_providers_slot"),
    )
    op.create_table(
        "notification_templates",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("locale", sa.String(length=35), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=255), nullable=False),
        _at("updated_at"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
        sa.UniqueConstraint(
            "merchant_id", "type", "channel", "locale", name="uq_notification_templates_slot"
        ),
    )
    op.create_table(
        "notification_deliveries",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="queued", nullable=False),
        sa.Column("reason", sa.String(length=255), nullable=True),
        sa.Column("provider", sa.String(length=16), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("provider_message_id", sa.String(length=255), nullable=True),
        sa.Column("recipient_enc", sa.Text(), nullable=True),
        sa.Column("locale", sa.String(length=35), nullable=True),
        _jsonb("variables"),
        sa.Column("sealed_enc", sa.Text(), nullable=True),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        _at("created_at"),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        _at("updated_at"),
        sa.CheckConstraint(
            "status IN ('queued', 'held', 'sending', 'sent', 'failed', 'skipped')",
            name="ck_notification_deliveries_status",
        ),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
        sa.UniqueConstraint("merchant_id", "idempotency_key", name="uq_notification_deliveries_key"),
    )
    op.create_index(
        "ix_notification_deliveries_waiting",
        "notification_deliveries",
        ["merchant_id", "id"],
        postgresql_where=sa.text("status IN ('queued', 'held')"),
    )
    op.create_index(
        "ix_notification_deliveries_sending",
        "notification_deliveries",
        ["claimed_at"],
        postgresql_where=sa.text("status = 'sending'"),
    )
    op.create_index(
        "ix_notification_deliveries_held",
        "notification_deliveries",
        ["not_before"],
        postgresql_where=sa.text("status = 'held'"),
    )
    op.create_index(
        "ix_notification_deliveries_status", "notification_deliveries", ["merchant_id", "status", "id"]
    )
    op.create_index(
        "ix_notification_deliveries_customer", "notification_deliveries", ["merchant_id", "customer_id", "id"]
    )
    op.create_table(
        "notification_preferences",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("subscribed", sa.Boolean(), nullable=False),
        _at("changed_at"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "customer_id", "type", "channel"),
    )


def downgrade() -> None:
    op.drop_table("notification_preferences")
    op.drop_index("ix_notification_deliveries_customer", table_name="notification_deliveries")
    op.drop_index("ix_notification_deliveries_status", table_name="notification_deliveries")
    op.drop_index("ix_notification_deliveries_held", table_name="notification_deliveries")
    op.drop_index("ix_notification_deliveries_sending", table_name="notification_deliveries")
    op.drop_index("ix_notification_deliveries_waiting", table_name="notification_deliveries")
    op.drop_table("notification_deliveries")
    op.drop_table("notification_templates")
    op.drop_table("notification_providers")
    op.drop_table("notification_settings")
