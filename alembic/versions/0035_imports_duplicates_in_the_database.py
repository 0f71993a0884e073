"""imports: a customer a file names twice, found in the staged rows

- ``ix_import_rows_email`` and ``ix_import_rows_shopify_id``: validation asks the rows
  of an import's earlier chunks for each chunk's emails (by their index) and Shopify
  ids, so duplicates are found with memory for one chunk, whatever the file's size.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-04 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_import_rows_email",
        "import_rows",
        ["merchant_id", "import_id", "email_bidx"],
        postgresql_where=sa.text("email_bidx IS NOT NULL"),
    )
    op.create_index(
        "ix_import_rows_shopify_id",
        "import_rows",
        ["merchant_id", "import_id", "shopify_customer_id"],
        postgresql_where=sa.text("shopify_customer_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_import_rows_shopify_id", table_name="import_rows")
    op.drop_index("ix_import_rows_email", table_name="import_rows")
