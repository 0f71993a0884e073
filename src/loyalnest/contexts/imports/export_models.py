"""The table of customer exports: one row per export a staff member asked for (its
format, whether the points history comes with it), where it stands (status, rows done
of the total, the worker's heartbeat and attempt), what it wrote (customers, history
rows, bytes) and until when its files may be downloaded. The files themselves are on
disk under the data directory, encrypted (``export_storage``); the row holds no
personal data. One queued or running export per shop (a partial unique index)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.timeutil import utcnow

EXPORT_OPEN = "status IN ('queued', 'running')"


def _at() -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


def _count() -> Any:
    return Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))


class CustomerExport(SQLModel, table=True):
    __tablename__ = "customer_exports"
    __table_args__ = (
        CheckConstraint("format IN ('GENERIC', 'SMILE', 'LOYALTYLION')", name="ck_customer_exports_format"),
        CheckConstraint(
            "status IN ('queued', 'running', 'completed', 'failed', 'expired')",
            name="ck_customer_exports_status",
        ),
        Index("uq_customer_exports_open", "merchant_id", unique=True, postgresql_where=text(EXPORT_OPEN)),
        # the hourly sweep: completed exports by expiry, across shops
        Index("ix_customer_exports_expiry", "expires_at", postgresql_where=text("status = 'completed'")),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    # which columns the customer file has (imports.reading.presets reads each back)
    format: str = Field(sa_column=Column(String(16), nullable=False))
    # a second file: every ledger entry of the customers, in order
    include_history: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    status: str = Field(
        default="queued", sa_column=Column(String(16), nullable=False, server_default="queued")
    )
    # what the files hold: customer rows and history rows written
    customers: int = _count()
    history_rows: int = _count()
    # progress: the shop's customers gone through of those it had when the run started
    rows_done: int = _count()
    rows_total: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    file_bytes: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    history_bytes: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # the staff member who asked
    requested_by: str = Field(sa_column=Column(String(255), nullable=False))
    # runs taken by a worker; a run writes files of its own attempt and completes only
    # while it is still the latest (a worker presumed dead cannot overwrite its successor)
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    started_at: datetime | None = _at()
    heartbeat_at: datetime | None = _at()
    finished_at: datetime | None = _at()
    # the files may be downloaded until then; the sweep removes them after
    expires_at: datetime | None = _at()
    # why it failed, in words (never a customer's data)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
