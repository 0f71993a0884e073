"""imports: two rows naming one customer of the shop

- ``ix_import_rows_customer``: validation asks the rows of an import's earlier chunks
  for the customers a chunk's rows matched, and applying asks the rows applied before
  for the customers matched since, so two rows naming one customer (one by the Shopify
  id, the other by the email) are found whatever the file's size.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-04 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_import_rows_customer",
        "import_rows",
        ["merchant_id", "import_id", "customer_id"],
        postgresql_where=sa.text("customer_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_import_rows_customer", table_name="import_rows")
