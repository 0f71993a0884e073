"""Merchant: the tenant root. (Its purchase rule is the earning context's table, its
expiry policy the points context's.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    String,
    Text,
    func,
)
from sqlmodel import Field, SQLModel

from loyalnest.platform.key_rotation import encrypted_column
from loyalnest.platform.timeutil import utcnow


class Merchant(SQLModel, table=True):
    __tablename__ = "merchants"

    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    shop_domain: str = Field(sa_column=Column(String(255), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(255), nullable=False))
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    iana_timezone: str = Field(
        default="UTC", sa_column=Column(String(64), nullable=False, server_default="UTC")
    )
    plan: str = Field(default="free", sa_column=Column(String(32), nullable=False, server_default="free"))
    # Admin API access token, AES-GCM ciphertext (platform.crypto).
    access_token_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    installed_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    uninstalled_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


# The shop's Admin API access token is stored encrypted under this AAD.
ACCESS_TOKEN_CONTEXT = b"merchants.access_token"
# For ``loyalnest rotate-keys``.
encrypted_column("merchants", ("id",), "access_token_enc", ACCESS_TOKEN_CONTEXT)
