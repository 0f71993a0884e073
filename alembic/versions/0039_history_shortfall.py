"""imports: a history row's shortfall

``import_history_rows.shortfall``: a history file's ``shortfall`` column, staged: what a
debit (a refund of points already spent) asked for beyond the points it took. The
importer asks for all of it again, so lifetime earned comes out as it was.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-04 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("import_history_rows", sa.Column("shortfall", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("import_history_rows", "shortfall")
