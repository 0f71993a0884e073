"""customers' locale

Shopify's ``locale`` of a customer (a BCP 47 tag), where notifications start looking for
a template in the customer's language.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("locale", sa.String(length=35), nullable=True))


def downgrade() -> None:
    op.drop_column("customers", "locale")
