"""A shop's customers. PII columns hold AES-GCM ciphertexts (``*_enc``); exact-match
lookups go through blind indexes (``*_bidx``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlmodel import Field, SQLModel

from loyalnest.contexts.customers import rules
from loyalnest.platform.crypto import Keyring
from loyalnest.platform.key_rotation import blind_index_column, encrypted_column
from loyalnest.platform.timeutil import utcnow

# AAD per column: a ciphertext moved into another column or table does not decrypt.
EMAIL = b"customers.email"
FIRST_NAME = b"customers.first_name"
LAST_NAME = b"customers.last_name"
PHONE = b"customers.phone"
BIRTHDAY = b"customers.birthday"


class Customer(SQLModel, table=True):
    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("merchant_id", "shopify_customer_id", name="uq_customers_shopify_id"),
        Index("ix_customers_email_bidx", "merchant_id", "email_bidx"),
        # "whose birthday falls on this day" in one shop
        Index(
            "ix_customers_birthday_month_day",
            "merchant_id",
            "birthday_md_bidx",
            postgresql_where=text("birthday_md_bidx IS NOT NULL"),
        ),
        # customers an import brought, waiting for Shopify's id: claimed by email
        Index(
            "ix_customers_imported",
            "merchant_id",
            "email_bidx",
            postgresql_where=text("state = 'imported'"),
        ),
        # birthdays stored before the month-day index existed, still to be indexed
        Index(
            "ix_customers_birthday_unindexed",
            "merchant_id",
            "id",
            postgresql_where=text("birthday_enc IS NOT NULL AND birthday_md_bidx IS NULL"),
        ),
    )

    merchant_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("merchants.id", ondelete="CASCADE"), primary_key=True)
    )
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    shopify_customer_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    email_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    email_bidx: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    first_name_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_name_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    phone_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    birthday_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # The birthday's month and day as a per-shop blind index (the date itself is only
    # stored encrypted), so "whose birthday is today" is an index lookup; and when the
    # birthday was first set or moved to another day (one set less than 30 days before
    # it falls waits a year for its points). Null with a birthday: set before tracking.
    birthday_md_bidx: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    birthday_set_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    accepts_marketing: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    # The first time a customers/create|update webhook showed marketing consent on; never
    # cleared, so a newsletter signup is recognised once per customer whatever happens
    # after. Order payloads never set it (see ``service.upsert_from_shopify``).
    marketing_opt_in_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # The customer's language as Shopify knows it (the customer's ``locale``, a BCP 47
    # tag such as "pt-BR"); notifications start their template fallback here. Null: not
    # sent by Shopify (the shop's default applies).
    locale: str | None = Field(default=None, sa_column=Column(String(35), nullable=True))
    # Merchant-chosen labels such as "VIP"; not PII, kept in clear for filtering.
    tags: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    state: str = Field(
        default="enabled", sa_column=Column(String(32), nullable=False, server_default="enabled")
    )
    # Shopify's own updated_at: an older update delivered late never overwrites a newer one.
    shopify_updated_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


# What `loyalnest rotate-keys` re-encrypts: every PII column and the AAD it is bound to.
EMAIL_COLUMN = encrypted_column("customers", ("merchant_id", "id"), "email_enc", EMAIL)
for _column, _aad in (
    ("first_name_enc", FIRST_NAME),
    ("last_name_enc", LAST_NAME),
    ("phone_enc", PHONE),
):
    encrypted_column("customers", ("merchant_id", "id"), _column, _aad)
BIRTHDAY_COLUMN = encrypted_column("customers", ("merchant_id", "id"), "birthday_enc", BIRTHDAY)

# The index value of a stored birthday no configured key can read: never a real index,
# so the row is not tried again, and never matches a day.
UNREADABLE_BIRTHDAY_INDEX = "unreadable"


def _birthday_reindex(keyring: Keyring, stored: str, row: Mapping[str, Any]) -> str:
    # stored as an ISO date; the index holds the shop and the month-day, as written
    return rules.birthday_index(keyring, row["merchant_id"], rules.month_day(date.fromisoformat(stored)))


# What `loyalnest rotate-keys --blind-index` recomputes, from the ciphertext beside it.
blind_index_column(EMAIL_COLUMN, "email_bidx", lambda keyring, email, _row: rules.email_index(keyring, email))
blind_index_column(
    BIRTHDAY_COLUMN,
    "birthday_md_bidx",
    _birthday_reindex,
    marker=f"birthday_md_bidx = '{UNREADABLE_BIRTHDAY_INDEX}'",
)
