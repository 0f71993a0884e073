"""analytics program

Daily rollups of the program's results.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _merchant() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "merchant_id", sa.BigInteger(), sa.ForeignKey("merchants.id", ondelete="CASCADE"), primary_key=True
    )


def _int(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Integer(), nullable=False, server_default="0")


def _big(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")


def _money(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Numeric(14, 2), nullable=False, server_default="0")


def _now(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        "analytics_daily_points",
        _merchant(),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("bucket", sa.String(48), primary_key=True),
        _big("points"),
        _int("entries"),
    )
    op.create_table(
        "analytics_daily_program",
        _merchant(),
        sa.Column("day", sa.Date(), primary_key=True),
        _int("new_members"),
        _int("members"),
        _int("active_members"),
        _int("active_members_30d"),
        _big("net_points"),
        _big("outstanding_points"),
        sa.Column("first_ledger_id", sa.BigInteger(), nullable=True),
        _int("member_orders"),
        _int("member_repeat_orders"),
        _int("nonmember_orders"),
        _int("nonmember_repeat_orders"),
        _money("revenue"),
        _int("code_orders"),
        _money("code_revenue"),
        _now("updated_at"),
    )
    op.create_table(
        "analytics_program_state",
        _merchant(),
        sa.Column("live_from", sa.Date(), nullable=False),
        sa.Column("scan_from_id", sa.BigInteger(), nullable=False),
        _big("head_id"),
        sa.Column("last_day", sa.Date(), nullable=False),
        _now("refreshed_at"),
    )


def downgrade() -> None:
    op.drop_table("analytics_program_state")
    op.drop_table("analytics_daily_program")
    op.drop_table("analytics_daily_points")
