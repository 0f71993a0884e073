"""privacy: customers' consents, and what each honouring context keeps of them

- ``privacy_consents``: the append-only history (one row per change of one consent of
  one customer); the current state is the latest row of each type.
- ``notification_marketing_consents``: marketing consent per channel, as notifications
  reads it at send time.
- ``analytics_profiling_exclusions``: customers who revoked ``profiling`` (no nudges).
- ``referral_invite_opt_outs``: addresses of customers who revoked ``referrals``.

Existing state becomes history, so nothing changes for anyone on upgrade: every
customer Shopify told us accepts email marketing gets ``newsletter`` granted (source
``shopify``, dated by their first opt-in), and every customer staff excluded from RFM
(``setRfmTracking``) gets ``rfm_tracking`` revoked (source ``staff``).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _merchant_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE")


def _now(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "privacy_consents",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        _now("recorded_at"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
        sa.CheckConstraint(
            "type IN ('newsletter', 'sms_marketing', 'rfm_tracking', 'referrals', 'profiling')",
            name="ck_privacy_consents_type",
        ),
        sa.CheckConstraint(
            "source IN ('shopify', 'storefront', 'staff', 'import')", name="ck_privacy_consents_source"
        ),
    )
    op.create_index(
        "ix_privacy_consents_customer", "privacy_consents", ["merchant_id", "customer_id", "type", "id"]
    )
    op.create_table(
        "notification_marketing_consents",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "customer_id", "channel"),
        sa.CheckConstraint("channel IN ('email', 'sms')", name="ck_notification_marketing_consents_channel"),
    )
    op.create_table(
        "analytics_profiling_exclusions",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        _now("created_at"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "customer_id"),
    )
    op.create_table(
        "referral_invite_opt_outs",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("recipient_bidx", sa.Text(), nullable=False),
        _now("created_at"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "customer_id", "recipient_bidx"),
    )
    op.create_index(
        "ix_referral_invite_opt_outs_recipient", "referral_invite_opt_outs", ["merchant_id", "recipient_bidx"]
    )
    # what was known before becomes the first rows of the history
    op.execute(
        "INSERT INTO privacy_consents (merchant_id, customer_id, type, granted, source, actor, occurred_at)"
        " SELECT merchant_id, id, 'newsletter', true, 'shopify', 'shopify',"
        " COALESCE(marketing_opt_in_at, updated_at, now())"
        " FROM customers WHERE accepts_marketing ORDER BY merchant_id, id"
    )
    op.execute(
        "INSERT INTO privacy_consents (merchant_id, customer_id, type, granted, source, actor, occurred_at)"
        " SELECT merchant_id, customer_id, 'rfm_tracking', false, 'staff', 'staff', created_at"
        " FROM analytics_rfm_exclusions ORDER BY merchant_id, customer_id"
    )


def downgrade() -> None:
    for table in (
        "referral_invite_opt_outs",
        "analytics_profiling_exclusions",
        "notification_marketing_consents",
        "privacy_consents",
    ):
        op.drop_table(table)  # drops its indexes
