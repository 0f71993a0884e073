"""The table of the Shopify history backfill: one row per run, with where it is (the
phase, its bulk operation, how many lines of the result file are done: what a resumed
run starts from), what it brought in, and how it ended. One queued or running run per
shop (a partial unique index)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    String,
    func,
    text,
)
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.timeutil import utcnow

BACKFILL_STATUSES = ("queued", "running", "completed", "failed")
BACKFILL_OPEN = "status IN ('queued', 'running')"


def _now() -> Any:
    return Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def _count() -> Any:
    return Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


class ShopifyBackfillRun(SQLModel, table=True):
    __tablename__ = "imports_shopify_backfills"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'completed', 'failed')",
            name="ck_imports_shopify_backfills_status",
        ),
        CheckConstraint(
            "phase IN ('customers', 'orders', 'done')", name="ck_imports_shopify_backfills_phase"
        ),
        CheckConstraint("award_points_days >= 0", name="ck_imports_shopify_backfills_award_days"),
        Index(
            "uq_imports_shopify_backfills_open",
            "merchant_id",
            unique=True,
            postgresql_where=text(BACKFILL_OPEN),
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    status: str = Field(
        default="queued", sa_column=Column(String(16), nullable=False, server_default="queued")
    )
    # orders created since (None: all the history the app may read)
    since: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    # orders of the last N days go through earning (0: no points for history)
    award_points_days: int = _count()
    # "install" or the staff member who asked
    requested_by: str = Field(sa_column=Column(String(255), nullable=False))
    phase: str = Field(
        default="customers", sa_column=Column(String(16), nullable=False, server_default="customers")
    )
    # the phase's bulk operation (gid) and the lines of its result file already imported
    bulk_operation_id: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    lines_done: int = _count()
    customers_imported: int = _count()
    orders_imported: int = _count()
    orders_awarded: int = _count()
    error_code: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    error_message: str | None = Field(default=None, sa_column=Column(String(500), nullable=True))
    requested_at: datetime = _now()
    started_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
