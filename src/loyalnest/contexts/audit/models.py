"""Audit trail: who did what. Records actions and changed field names/values of
settings, never customer PII."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Identity, Index, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from loyalnest.platform.timeutil import utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_merchant_created", "merchant_id", "created_at"),)

    merchant_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("merchants.id", ondelete="CASCADE"), primary_key=True)
    )
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    actor: str = Field(sa_column=Column(String(255), nullable=False))
    action: str = Field(sa_column=Column(String(100), nullable=False))
    target_type: str = Field(sa_column=Column(String(100), nullable=False))
    target_id: str = Field(sa_column=Column(String(100), nullable=False))
    details: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
