"""merchant referrals

Each shop gets a merchant referral code (existing shops get theirs here, new ones at
install), the referrals between shops, and the append-only ledger of months credited
to a shop for them.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 18:30:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A copy of merchants.rules' alphabet and length, not an import: a migration must keep
# doing what it did when it was written, whatever the code becomes.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_LENGTH = 8


def _backfill_codes() -> None:
    """A distinct code for every existing shop, in one statement (a few thousand shops at
    most; the set keeps the codes made here distinct, the table has none yet)."""
    bind = op.get_bind()
    ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM merchants ORDER BY id"))]
    if not ids:
        return
    codes: set[str] = set()
    while len(codes) < len(ids):
        codes.add("".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH)))
    bind.execute(
        sa.text(
            "UPDATE merchants AS m SET referral_code = c.code"
            " FROM unnest(CAST(:ids AS bigint[]), CAST(:codes AS text[])) AS c(id, code)"
            " WHERE m.id = c.id"
        ),
        {"ids": ids, "codes": sorted(codes)},
    )


def upgrade() -> None:
    op.add_column("merchants", sa.Column("referral_code", sa.String(length=8), nullable=True))
    _backfill_codes()
    op.alter_column("merchants", "referral_code", nullable=False)
    op.create_unique_constraint("uq_merchants_referral_code", "merchants", ["referral_code"])

    op.create_table(
        "merchant_referrals",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("referred_merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("qualified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("credited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'qualified', 'cancelled')", name="ck_merchant_referrals_status"
        ),
        sa.CheckConstraint("merchant_id <> referred_merchant_id", name="ck_merchant_referrals_not_self"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["referred_merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
        sa.UniqueConstraint("referred_merchant_id", name="uq_merchant_referrals_referred"),
    )
    op.create_index(
        "ix_merchant_referrals_pending",
        "merchant_referrals",
        ["created_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )

    op.create_table(
        "merchant_credits",
        sa.Column("merchant_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("months <> 0", name="ck_merchant_credits_months_not_zero"),
        sa.CheckConstraint("kind IN ('referral')", name="ck_merchant_credits_kind"),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("merchant_id", "id"),
        sa.UniqueConstraint("merchant_id", "idempotency_key", name="uq_merchant_credits_idempotency_key"),
    )
    # Append-only, enforced by the database: a credit is corrected by appending, so an
    # UPDATE is a bug (or tampering) and is refused. DELETE stays possible: a shop's
    # rows go when the shop does (ON DELETE CASCADE, shop/redact).
    op.execute(
        """
        CREATE FUNCTION merchant_credits_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'merchant_credits is append-only: append a correcting row instead';
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER merchant_credits_append_only BEFORE UPDATE ON merchant_credits"
        " FOR EACH ROW EXECUTE FUNCTION merchant_credits_append_only()"
    )


def downgrade() -> None:
    op.drop_table("merchant_credits")  # drops its trigger
    op.execute("DROP FUNCTION merchant_credits_append_only()")
    op.drop_index("ix_merchant_referrals_pending", table_name="merchant_referrals")
    op.drop_table("merchant_referrals")
    op.drop_constraint("uq_merchants_referral_code", "merchants", type_="unique")
    op.drop_column("merchants", "referral_code")
