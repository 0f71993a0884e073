"""imports: everything a customer file holds, and a points-history file

- ``import_rows`` keeps what else a row says: lifetime points, the tier (resolved to the
  shop's tier when validated), the birthday (encrypted), the referral code, and a keyed
  hash of the email that a history file's rows are matched with; and what applying the
  row did beyond the points, for its revert (the tier held before, whether the
  birthday and the code were set).
- ``imports`` names an optional second file, the points history (its SHA-256, and
  whether an import waiting at upload links waits for one), and whether tiers the
  file names and the shop lacks are to be created (``create_tiers``); a row naming one
  keeps the name (``import_rows.tier_name``) until the import creates it.
- ``import_history_rows``: a history file's valid rows, staged: whose (the customer
  row they belong to, once matched), the signed points, when, why, when they expire.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for column in (
        sa.Column("lifetime_points", sa.BigInteger(), nullable=True),
        sa.Column("tier_id", sa.BigInteger(), nullable=True),
        sa.Column("tier_name", sa.String(100), nullable=True),
        sa.Column("birthday_enc", sa.Text(), nullable=True),
        sa.Column("referral_code", sa.String(16), nullable=True),
        sa.Column("email_ident", sa.String(64), nullable=True),
        sa.Column("prior_tier_id", sa.BigInteger(), nullable=True),
        sa.Column("tier_placed", sa.Boolean(), nullable=False, server_default="false"),
        sa.Column("birthday_set", sa.Boolean(), nullable=False, server_default="false"),
        sa.Column("code_kept", sa.Boolean(), nullable=False, server_default="false"),
    ):
        op.add_column("import_rows", column)
    op.add_column("imports", sa.Column("history_file_name", sa.String(255), nullable=True))
    op.add_column("imports", sa.Column("history_file_bytes", sa.BigInteger(), nullable=True))
    op.add_column("imports", sa.Column("history_sha256", sa.String(64), nullable=True))
    op.add_column(
        "imports", sa.Column("expects_history", sa.Boolean(), nullable=False, server_default="false")
    )
    op.add_column("imports", sa.Column("create_tiers", sa.Boolean(), nullable=False, server_default="false"))
    op.create_table(
        "import_history_rows",
        sa.Column(
            "merchant_id",
            sa.BigInteger(),
            sa.ForeignKey("merchants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("import_id", sa.BigInteger(), primary_key=True),
        sa.Column("line", sa.BigInteger(), primary_key=True),
        sa.Column("shopify_customer_id", sa.BigInteger(), nullable=True),
        sa.Column("email_ident", sa.String(64), nullable=True),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("row_line", sa.BigInteger(), nullable=True),
    )
    op.create_index(
        "ix_import_history_rows_row",
        "import_history_rows",
        ["merchant_id", "import_id", "row_line", "line"],
    )


def downgrade() -> None:
    op.drop_table("import_history_rows")
    op.drop_column("imports", "create_tiers")
    op.drop_column("imports", "expects_history")
    op.drop_column("imports", "history_sha256")
    op.drop_column("imports", "history_file_bytes")
    op.drop_column("imports", "history_file_name")
    for name in (
        "code_kept",
        "birthday_set",
        "tier_placed",
        "prior_tier_id",
        "email_ident",
        "referral_code",
        "birthday_enc",
        "tier_name",
        "tier_id",
        "lifetime_points",
    ):
        op.drop_column("import_rows", name)
