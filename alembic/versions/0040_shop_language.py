"""merchants and notifications: messages speak the shop's language by default

- ``merchants.primary_locale``: the shop's language in Shopify (shop/update's
  ``primary_locale``, a BCP 47 tag).
- ``notification_settings.default_locale`` may be null: the shop has not chosen one,
  and its messages fall back to its language in Shopify (where templates ship in it),
  else en. Rows that exist keep the locale they hold.

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-04 21:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0040"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("merchants", sa.Column("primary_locale", sa.String(length=35), nullable=True))
    op.alter_column("notification_settings", "default_locale", nullable=True, server_default=None)


def downgrade() -> None:
    op.execute("UPDATE notification_settings SET default_locale = 'en' WHERE default_locale IS NULL")
    op.alter_column("notification_settings", "default_locale", nullable=False, server_default="en")
    op.drop_column("merchants", "primary_locale")
