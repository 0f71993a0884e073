"""earning rules

Earning rules per trigger and the facts their triggers need.

Every existing shop gets its rules with the defaults (signup 200, newsletter 100,
birthday 200, review 100, custom 100 a call), on; new shops get them on first use.
Customers gain a per-shop blind index of their birthday's month and day (with when it
was set) and the time their marketing opt-in was first seen. Customers already
subscribed count as opted in when they were last updated, so no newsletter points go
to subscriptions from before the program. Birthdays already stored are indexed by the
birthday actor (the index needs the blind-index key, which SQL does not have).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The defaults as of this revision (the code's may change later; a migration keeps its own).
DEFAULT_POINTS = {"signup": 200, "newsletter": 100, "birthday": 200, "review": 100, "custom": 100}


def upgrade() -> None:
    op.create_table(
        "earning_birthday_awards",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "customer_id", "year"),
    )
    op.create_table(
        "earning_rules",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "trigger IN ('signup', 'newsletter', 'birthday', 'review', 'custom')",
            name="ck_earning_rules_trigger",
        ),
        sa.CheckConstraint("points > 0 AND points <= 1000000", name="ck_earning_rules_points"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "trigger"),
    )
    op.create_table(
        "review_webhook_secrets",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("secret_enc", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id"),
    )
    op.add_column("customers", sa.Column("birthday_md_bidx", sa.String(length=64), nullable=True))
    op.add_column("customers", sa.Column("birthday_set_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("customers", sa.Column("marketing_opt_in_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_customers_birthday_month_day",
        "customers",
        ["merchant_id", "birthday_md_bidx"],
        unique=False,
        postgresql_where=sa.text("birthday_md_bidx IS NOT NULL"),
    )
    op.create_index(
        "ix_customers_birthday_unindexed",
        "customers",
        ["merchant_id", "id"],
        unique=False,
        postgresql_where=sa.text("birthday_enc IS NOT NULL AND birthday_md_bidx IS NULL"),
    )

    # The shops that exist get their rules now, with the defaults, on.
    op.execute(
        sa.text(
            """
            INSERT INTO earning_rules (merchant_id, trigger, enabled, points)
            SELECT m.id, d.trigger, true, d.points
            FROM merchants m
            CROSS JOIN unnest(CAST(:triggers AS text[]), CAST(:points AS int[])) AS d(trigger, points)
            ORDER BY m.id, d.trigger
            ON CONFLICT (merchant_id, trigger) DO NOTHING
            """
        ).bindparams(triggers=list(DEFAULT_POINTS), points=list(DEFAULT_POINTS.values()))
    )
    # Subscribed before the program: no newsletter points for it.
    op.execute("UPDATE customers SET marketing_opt_in_at = updated_at WHERE accepts_marketing")


def downgrade() -> None:
    op.drop_index(
        "ix_customers_birthday_unindexed",
        table_name="customers",
        postgresql_where=sa.text("birthday_enc IS NOT NULL AND birthday_md_bidx IS NULL"),
    )
    op.drop_index(
        "ix_customers_birthday_month_day",
        table_name="customers",
        postgresql_where=sa.text("birthday_md_bidx IS NOT NULL"),
    )
    op.drop_column("customers", "marketing_opt_in_at")
    op.drop_column("customers", "birthday_set_at")
    op.drop_column("customers", "birthday_md_bidx")
    op.drop_table("review_webhook_secrets")
    op.drop_table("earning_rules")
    op.drop_table("earning_birthday_awards")
