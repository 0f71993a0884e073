"""points and imports: a debit's history names the lot it took from first

- ``points_lot_consumptions.seq``: the order an entry took from its lots in (0 first).
  A reversal takes from its earning's own lot before the oldest; an export's history
  file names that lot (``takes_from``) so that a re-import takes from it too and the
  lots come out the same. Rows written before keep 0 (read as oldest first).
- ``import_history_rows.entry_ref`` and ``takes_from_ref``: a history file's ``entry``
  and ``takes_from`` columns, staged.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-04 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "points_lot_consumptions", sa.Column("seq", sa.SmallInteger(), nullable=False, server_default="0")
    )
    op.add_column("import_history_rows", sa.Column("entry_ref", sa.BigInteger(), nullable=True))
    op.add_column("import_history_rows", sa.Column("takes_from_ref", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("import_history_rows", "takes_from_ref")
    op.drop_column("import_history_rows", "entry_ref")
    op.drop_column("points_lot_consumptions", "seq")
