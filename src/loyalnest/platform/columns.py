"""Column builders every context's tables share."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey


def merchant_key_column() -> Column:  # type: ignore[type-arg]
    """``merchant_id`` as the leading column of a tenant table's primary key (a fresh
    Column per table: SQLAlchemy binds each to one table)."""
    return Column(BigInteger, ForeignKey("merchants.id", ondelete="CASCADE"), primary_key=True)
