"""when orders earn

The purchase rule says at which stage of an order its points are earned (``earn_on``):
when the order is created (``order_created``, what every shop did until now), when it is
paid (``order_paid``) or when it is fulfilled (``order_fulfilled``). Each order's row
records the stages it has reached (``paid``, ``fulfilled``), whichever of its webhooks
comes first. Points of an order that has not reached the shop's stage wait as pending
with no release date yet (``release_at`` null); the stage's webhook gives them one.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "purchase_rules",
        sa.Column("earn_on", sa.String(length=16), server_default="order_created", nullable=False),
    )
    op.create_check_constraint(
        "ck_purchase_rules_earn_on",
        "purchase_rules",
        "earn_on IN ('order_created', 'order_paid', 'order_fulfilled')",
    )
    op.add_column("order_points", sa.Column("paid", sa.Boolean(), server_default="false", nullable=False))
    op.add_column(
        "order_points", sa.Column("fulfilled", sa.Boolean(), server_default="false", nullable=False)
    )
    op.alter_column("pending_points", "release_at", existing_type=sa.DateTime(timezone=True), nullable=True)


def downgrade() -> None:
    # Points still waiting for their stage get a date: the release pass posts them, as
    # the shops' only choice before this revision (earning on orders/create) would have.
    op.execute("UPDATE pending_points SET release_at = now() WHERE release_at IS NULL")
    op.alter_column("pending_points", "release_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    op.drop_column("order_points", "fulfilled")
    op.drop_column("order_points", "paid")
    op.drop_constraint("ck_purchase_rules_earn_on", "purchase_rules", type_="check")
    op.drop_column("purchase_rules", "earn_on")
