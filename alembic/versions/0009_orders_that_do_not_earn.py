"""orders that do not earn

The purchase rule says whether test orders earn (``test_orders_earn``, off: Shopify's
test-mode orders earn nothing unless a shop trying its program out turns it on), and
each order's row records why it earned nothing when a rule of the order itself kept it
from earning (``skip_reason``: cancelled or voided before we saw it, a test order, or
amounts in another currency than the shop's). Existing rows: test orders keep not
earning from now on; no skip reason is invented for orders already handled.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "purchase_rules",
        sa.Column("test_orders_earn", sa.Boolean(), server_default="false", nullable=False),
    )
    op.add_column("order_points", sa.Column("skip_reason", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("order_points", "skip_reason")
    op.drop_column("purchase_rules", "test_orders_earn")
