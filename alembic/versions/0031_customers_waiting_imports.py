"""customers: imported customers waiting for Shopify's id, found by shop and email

- ``ix_customers_imported``: a partial index on (merchant_id, email_bidx) of customers an
  import brought that Shopify has not named yet (``state = 'imported'``). An order's or a
  customer webhook's customer claims such a row by email; the index makes "does this
  shop have any waiting" one probe per batch, and the claim one probe per customer.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_customers_imported",
        "customers",
        ["merchant_id", "email_bidx"],
        postgresql_where=sa.text("state = 'imported'"),
    )


def downgrade() -> None:
    op.drop_index("ix_customers_imported", table_name="customers")
