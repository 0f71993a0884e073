"""analytics order lines: drop the product index

Every read of ``analytics_order_lines`` goes through its key (the refunds' lookup by
order) or scans the shop (the product stats' pass); the (merchant_id, product_id) index
served no query and cost an index write per line on the webhook path.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 04:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_analytics_order_lines_product", table_name="analytics_order_lines")


def downgrade() -> None:
    columns = ["merchant_id", "product_id"]
    op.create_index("ix_analytics_order_lines_product", "analytics_order_lines", columns)
