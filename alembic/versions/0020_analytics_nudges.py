"""analytics nudges

Nudges, variants, events and conversions.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _merchant() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("merchant_id", sa.BigInteger(), nullable=False)


def _merchant_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE")


def _now(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def _texts(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    if nullable:
        return sa.Column(name, postgresql.JSONB(astext_type=sa.Text()), nullable=True)
    return sa.Column(
        name, postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
    )


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False)


def _big(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.BigInteger(), autoincrement=False, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "analytics_nudges",
        _merchant(),
        _id(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("segment", sa.Text(), nullable=True),
        sa.Column("default_locale", sa.String(length=16), nullable=False),
        _texts("titles"),
        _texts("bodies"),
        _texts("cta_labels"),
        sa.Column("cta_url", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("hide_days", sa.Integer(), server_default="7", nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        _now("created_at"),
        _now("updated_at"),
        sa.CheckConstraint(
            "kind IN ('at_risk', 'loyal', 'new', 'inactive', 'tier_dropped', 'segment')",
            name="ck_analytics_nudges_kind",
        ),
        sa.CheckConstraint("(kind = 'segment') = (segment IS NOT NULL)", name="ck_analytics_nudges_segment"),
        sa.CheckConstraint("hide_days BETWEEN 0 AND 365", name="ck_analytics_nudges_hide_days"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_table(
        "analytics_nudge_variants",
        _merchant(),
        _id(),
        _big("nudge_id"),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("is_control", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        _texts("titles", nullable=True),
        _texts("bodies", nullable=True),
        _texts("cta_labels", nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        _now("created_at"),
        sa.CheckConstraint("weight BETWEEN 1 AND 10000", name="ck_analytics_nudge_variants_weight"),
        sa.ForeignKeyConstraint(
            ["merchant_id", "nudge_id"],
            ["analytics_nudges.merchant_id", "analytics_nudges.id"],
            ondelete="CASCADE",
            name="fk_analytics_nudge_variants_nudge",
        ),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_index(
        "ix_analytics_nudge_variants_nudge", "analytics_nudge_variants", ["merchant_id", "nudge_id"]
    )
    op.create_table(
        "analytics_nudge_events",
        _merchant(),
        _big("nudge_id"),
        _big("customer_id"),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        _big("variant_id"),
        _now("occurred_at"),
        sa.CheckConstraint("kind IN ('view', 'click', 'dismiss')", name="ck_analytics_nudge_events_kind"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "nudge_id", "customer_id", "kind", "day"),
    )
    op.create_index(
        "ix_analytics_nudge_events_clicks",
        "analytics_nudge_events",
        ["merchant_id", "customer_id", "occurred_at"],
        postgresql_where=sa.text("kind = 'click'"),
    )
    op.create_table(
        "analytics_nudge_dismissals",
        _merchant(),
        _big("nudge_id"),
        _big("customer_id"),
        _now("dismissed_at"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "nudge_id", "customer_id"),
    )
    op.create_table(
        "analytics_nudge_tier_drops",
        _merchant(),
        _big("customer_id"),
        _now("dropped_at"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "customer_id"),
    )
    op.create_table(
        "analytics_nudge_conversions",
        _merchant(),
        _big("shopify_order_id"),
        _big("nudge_id"),
        _big("variant_id"),
        _big("customer_id"),
        sa.Column("clicked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "shopify_order_id"),
    )
    op.create_index(
        "ix_analytics_nudge_conversions_variant",
        "analytics_nudge_conversions",
        ["merchant_id", "nudge_id", "variant_id"],
    )
    op.create_table(
        "analytics_nudge_email_runs",
        _merchant(),
        _id(),
        _big("nudge_id"),
        sa.Column("segment", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=8), server_default="queued", nullable=False),
        _big("cursor", nullable=True),
        sa.Column("seen", sa.Integer(), server_default="0", nullable=False),
        sa.Column("queued", sa.Integer(), server_default="0", nullable=False),
        sa.Column("skipped", sa.Integer(), server_default="0", nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        _now("created_at"),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done')", name="ck_analytics_nudge_email_runs_status"
        ),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
    )
    op.create_index(
        "ix_analytics_nudge_email_runs_nudge", "analytics_nudge_email_runs", ["merchant_id", "nudge_id", "id"]
    )
    op.create_table(
        "analytics_nudge_sends",
        _merchant(),
        _big("nudge_id"),
        _big("customer_id"),
        sa.Column("window_no", sa.Integer(), autoincrement=False, nullable=False),
        _big("run_id"),
        _now("sent_at"),
        _merchant_fk(),
        sa.PrimaryKeyConstraint("merchant_id", "nudge_id", "customer_id", "window_no"),
    )


def downgrade() -> None:
    op.drop_table("analytics_nudge_sends")
    op.drop_index("ix_analytics_nudge_email_runs_nudge", table_name="analytics_nudge_email_runs")
    op.drop_table("analytics_nudge_email_runs")
    op.drop_index("ix_analytics_nudge_conversions_variant", table_name="analytics_nudge_conversions")
    op.drop_table("analytics_nudge_conversions")
    op.drop_table("analytics_nudge_tier_drops")
    op.drop_table("analytics_nudge_dismissals")
    op.drop_index("ix_analytics_nudge_events_clicks", table_name="analytics_nudge_events")
    op.drop_table("analytics_nudge_events")
    op.drop_index("ix_analytics_nudge_variants_nudge", table_name="analytics_nudge_variants")
    op.drop_table("analytics_nudge_variants")
    op.drop_table("analytics_nudges")
