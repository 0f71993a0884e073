"""merchants: what shop/update tells of the shop

- ``merchants.email_enc``: the shop's contact email (AES-GCM, ``merchants.email``),
  where staff alerts go when the shop has set no ``staffEmail``.
- ``merchants.shop_updated_at``: the ``updated_at`` of the newest shop/update applied,
  so a delivery that comes late does not undo a newer one.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-04 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("merchants", sa.Column("email_enc", sa.Text(), nullable=True))
    op.add_column("merchants", sa.Column("shop_updated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("merchants", "shop_updated_at")
    op.drop_column("merchants", "email_enc")
