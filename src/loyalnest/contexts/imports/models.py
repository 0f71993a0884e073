"""An import of customers from another loyalty app, and its staged rows.

``imports`` is the job: its file (kept on disk under the data directory until the
import is done with it), its status, counts and first errors. ``import_rows`` holds
the file's valid rows once validated: set-based work (matching, posting) runs over it
in chunks, and what each row did (the customer it matched or created) is what a revert
takes back. Personal data in the staged rows is encrypted like the customers' own; the
rows go once the import is completed or reverted and the retention of its file ends.
"""

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
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from loyalnest.platform.columns import merchant_key_column
from loyalnest.platform.key_rotation import blind_index_column, encrypted_column
from loyalnest.platform.timeutil import utcnow

ROW_EMAIL = b"import_rows.email"
ROW_FIRST_NAME = b"import_rows.first_name"
ROW_LAST_NAME = b"import_rows.last_name"
ROW_BIRTHDAY = b"import_rows.birthday"
# Rows staged since 0033 hold their email and names sealed as the customers context
# stores them (``customers.api.seal_imported``): under the AAD of the customers' own
# columns, with the email's blind index of the customers' kind, so importing a row copies
# them into the customer's row as they are. The values are the customers context's (a
# test pins them): they are here for key rotation only; the imports context never
# encrypts, decrypts or indexes under them itself.
SEALED_EMAIL = b"customers.email"
SEALED_FIRST_NAME = b"customers.first_name"
SEALED_LAST_NAME = b"customers.last_name"
SEALED_EMAIL_INDEX_KIND = "email"
ERROR_REPORT = b"imports.error_report"

# an import a worker is on: one per shop at a time
RUNNING = "status IN ('validating', 'importing', 'reverting')"


class Import(SQLModel, table=True):
    __tablename__ = "imports"
    __table_args__ = (
        CheckConstraint("source IN ('SMILE', 'LOYALTYLION', 'YOTPO', 'GENERIC')", name="ck_imports_source"),
        CheckConstraint(
            "status IN ('awaiting_upload', 'uploaded', 'validating', 'ready', 'invalid', 'importing',"
            " 'completed', 'failed', 'reverting', 'reverted')",
            name="ck_imports_status",
        ),
        Index("uq_imports_running", "merchant_id", unique=True, postgresql_where=text(RUNNING)),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    id: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), primary_key=True))
    source: str = Field(sa_column=Column(String(16), nullable=False))
    status: str = Field(sa_column=Column(String(16), nullable=False))
    # a column mapping of the merchant's own ({their header: our field}; GENERIC)
    mapping: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )
    file_name: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    file_bytes: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # the optional second file, the customers' points history (kept beside the first)
    history_file_name: str | None = Field(default=None, sa_column=Column(String(255), nullable=True))
    history_file_bytes: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    history_sha256: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    # sent at upload links: the history file comes first (its own link), then the customers
    expects_history: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    # tiers the file names and the shop lacks are created (else such a row is an error)
    create_tiers: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    # a large file's upload link works until then (its token names the import; it
    # uploads once: the import leaves ``awaiting_upload``)
    upload_expires_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    # the file's SHA-256: the same file imported again posts nothing twice
    file_sha256: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    # validate only (a dry run), or go on to import the valid rows
    dry_run: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default="true"))
    # counts of the validation ({rows, valid, invalid, to_create, to_match, points}) and
    # of the import ({created, matched, points_posted})
    counts: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )
    rows_done: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    rows_total: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # the first row errors ([{line, column, reason}]: no values, so no personal data)
    errors: list[Any] = Field(
        default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]")
    )
    # every row error as a CSV (it quotes the rows' values: encrypted)
    error_report_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    requested_by: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    started_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    heartbeat_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    reverted_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class ImportRow(SQLModel, table=True):
    """A valid row of an import's file, staged (``line``: where it starts in the file)."""

    __tablename__ = "import_rows"
    __table_args__ = (
        Index(
            "ix_import_rows_pending", "merchant_id", "import_id", "line", postgresql_where=text("NOT applied")
        ),
        # a customer the file names twice (validation asks the earlier chunks' rows)
        Index(
            "ix_import_rows_email",
            "merchant_id",
            "import_id",
            "email_bidx",
            postgresql_where=text("email_bidx IS NOT NULL"),
        ),
        Index(
            "ix_import_rows_shopify_id",
            "merchant_id",
            "import_id",
            "shopify_customer_id",
            postgresql_where=text("shopify_customer_id IS NOT NULL"),
        ),
        # two rows naming one customer of the shop (validation; applying, for a match
        # made since)
        Index(
            "ix_import_rows_customer",
            "merchant_id",
            "import_id",
            "customer_id",
            postgresql_where=text("customer_id IS NOT NULL"),
        ),
    )

    merchant_id: int = Field(sa_column=merchant_key_column())
    import_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    line: int = Field(sa_column=Column(BigInteger, primary_key=True))
    shopify_customer_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # rows staged before 0033: email and names under the staged rows' own AAD (ROW_*)
    email_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    first_name_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_name_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    points: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    # points earned with the old app (spent ones included, pending ones not), when the file says
    lifetime_points: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # points still pending with the old app (LoyaltyLion's "Points pending"): held here
    # for the shop's pending period (earning's held points)
    points_pending: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    # the shop's tier the file names (resolved when validated)
    tier_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # a tier the import creates (``create_tiers``), by the name the file first spells it with
    tier_name: str | None = Field(default=None, sa_column=Column(String(100), nullable=True))
    # sealed as the customers' own (see SEALED_EMAIL): what creating the customer copies
    customer_email_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    customer_first_name_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    customer_last_name_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # the email's blind index as the customers context computes it (matching, and the new row's)
    email_bidx: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    # "YYYY-MM-DD" (year 1004: unknown, as Smile writes it)
    birthday_enc: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # the old app's code, as the referrals context stores codes
    referral_code: str | None = Field(default=None, sa_column=Column(String(16), nullable=True))
    # a keyed hash of the email: what a history file's rows are matched with
    email_ident: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    # the marketing consents the file states (None: it says nothing); recorded with
    # source ``import`` when the row is applied
    accepts_email_marketing: bool | None = Field(default=None, sa_column=Column(Boolean, nullable=True))
    accepts_sms_marketing: bool | None = Field(default=None, sa_column=Column(Boolean, nullable=True))
    # what the import did for the row: the customer it matched or created
    customer_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_customer: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    applied: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))
    # what else applying it did, for the revert: the tier held before the file's was put
    # on the customer, and whether the birthday and the referral code were the file's
    prior_tier_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    tier_placed: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    birthday_set: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    code_kept: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default="false"))


class ImportHistoryRow(SQLModel, table=True):
    """A valid row of an import's points-history file, staged; ``row_line`` is the
    customer file's row it belongs to (matched by Shopify id, else by email)."""

    __tablename__ = "import_history_rows"
    __table_args__ = (Index("ix_import_history_rows_row", "merchant_id", "import_id", "row_line", "line"),)

    merchant_id: int = Field(sa_column=merchant_key_column())
    import_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    line: int = Field(sa_column=Column(BigInteger, primary_key=True))
    shopify_customer_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    email_ident: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    points: int = Field(sa_column=Column(BigInteger, nullable=False))
    occurred_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    expires_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    row_line: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # the file's ``entry`` and ``takes_from`` (a debit taking first from that credit's points)
    entry_ref: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    takes_from_ref: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # the file's ``shortfall``: what a debit asked for beyond the points it took
    shortfall: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


encrypted_column("import_rows", ("merchant_id", "import_id", "line"), "email_enc", ROW_EMAIL)
encrypted_column("import_rows", ("merchant_id", "import_id", "line"), "first_name_enc", ROW_FIRST_NAME)
encrypted_column("import_rows", ("merchant_id", "import_id", "line"), "last_name_enc", ROW_LAST_NAME)
encrypted_column("import_rows", ("merchant_id", "import_id", "line"), "birthday_enc", ROW_BIRTHDAY)
encrypted_column("imports", ("merchant_id", "id"), "error_report_enc", ERROR_REPORT)
_SEALED_EMAIL_COLUMN = encrypted_column(
    "import_rows", ("merchant_id", "import_id", "line"), "customer_email_enc", SEALED_EMAIL
)
for _column, _aad in (
    ("customer_first_name_enc", SEALED_FIRST_NAME),
    ("customer_last_name_enc", SEALED_LAST_NAME),
):
    encrypted_column("import_rows", ("merchant_id", "import_id", "line"), _column, _aad)
blind_index_column(
    _SEALED_EMAIL_COLUMN,
    "email_bidx",
    lambda keyring, email, _row: keyring.blind_index(email, kind=SEALED_EMAIL_INDEX_KIND),
)


# the Shopify history backfill's runs (a table of its own module, registered with these)
from loyalnest.contexts.imports import backfill_models as _backfill_models  # noqa: E402, F401

# the customer exports (a table of its own module, registered with these)
from loyalnest.contexts.imports import export_models as _export_models  # noqa: E402, F401
