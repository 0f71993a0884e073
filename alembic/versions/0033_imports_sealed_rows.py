"""imports: staged rows sealed as the customers' own

``import_rows`` keeps a row's email and names encrypted under the AAD of the
customers' columns (``customer_*_enc``), with the email's blind index as the customers
context computes it: importing the row copies them into the customer's row instead of
decrypting and encrypting each value again. The older ``email_enc``, ``first_name_enc``
and ``last_name_enc`` (under the staged rows' own AAD) stay for rows staged before this
revision, which are imported as before.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-04 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("customer_email_enc", sa.Text()),
    ("customer_first_name_enc", sa.Text()),
    ("customer_last_name_enc", sa.Text()),
    ("email_bidx", sa.String(64)),
)


def upgrade() -> None:
    for name, kind in _COLUMNS:
        op.add_column("import_rows", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for name, _ in reversed(_COLUMNS):
        op.drop_column("import_rows", name)
