"""imports: the points a row holds as pending with the old app

- ``import_rows.points_pending``: LoyaltyLion's "Points pending" (0 when the file says
  nothing), held for the shop's pending period when the row is imported.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-04 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "import_rows", sa.Column("points_pending", sa.BigInteger(), server_default="0", nullable=False)
    )


def downgrade() -> None:
    op.drop_column("import_rows", "points_pending")
