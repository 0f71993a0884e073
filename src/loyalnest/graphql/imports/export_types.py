"""GraphQL types of customer exports, built from the export's DTO."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from loyalnest.contexts.imports import export_api as exports
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.pagination import Connection, Count, connection
from loyalnest.platform.timeutil import utcnow

CUSTOMER_EXPORT = "CustomerExport"


@strawberry.enum(
    description="The columns of an export's customer file. Each is read back by importCustomers with the "
    "source of the same name."
)
class ExportFormat(Enum):
    GENERIC = strawberry.enum_value(
        "GENERIC",
        description="Every field LoyalNest keeps, under its own names: shopify_customer_id, email, "
        "first_name, last_name, points_balance, points_pending, lifetime_points, points_spent, tier_name, "
        "birthday, referral_code, referral_url, accepts_email_marketing, accepts_sms_marketing, enrolled_at.",
    )
    SMILE = strawberry.enum_value(
        "SMILE",
        description="Smile.io's names: email, first_name, last_name, points_balance, vip_tier, date_of_birth "
        "(year 1004: unknown), referral_url, with shopify_customer_id, accepts_email_marketing, "
        "accepts_sms_marketing.",
    )
    LOYALTYLION = strawberry.enum_value(
        "LOYALTYLION",
        description="LoyaltyLion's names: Email, First name, Last name, Points approved (the balance), "
        "Points pending, Points spent, Points lifetime, Tier, Birthday, Referral URL, Enrolled at, with "
        "Shopify Customer ID, Accepts email marketing, Accepts SMS marketing.",
    )


@strawberry.enum(description="Where a customer export stands.")
class CustomerExportStatus(Enum):
    QUEUED = strawberry.enum_value("queued", description="Asked for; the worker has not started it yet.")
    RUNNING = strawberry.enum_value("running", description="Being written (see rowsDone, rowsTotal, eta).")
    COMPLETED = strawberry.enum_value(
        "completed", description="Written: downloadUrl (and historyDownloadUrl) until expiresAt."
    )
    FAILED = strawberry.enum_value("failed", description="Stopped (`lastError`); ask for a new export.")
    EXPIRED = strawberry.enum_value(
        "expired",
        description="Its files are gone: past expiresAt, or a customer's data was erased since (the files "
        "held them). Ask for a new export.",
    )


@strawberry.type(
    description="An export of every customer of the shop to CSV (balance, pending, lifetime and spent "
    "points, tier, birthday, referral code, consents), and optionally their points history as a second "
    "file. Written in the background; its files stay downloadable for 7 days."
)
class CustomerExport:
    id: strawberry.ID = strawberry.field(description="The export's global id.")
    format: ExportFormat = strawberry.field(description="The columns of its customer file.")
    include_history: bool = strawberry.field(
        description="Whether it has a second file: every ledger entry of the customers, in order."
    )
    status: CustomerExportStatus = strawberry.field(description="Where it stands.")
    customers: int = strawberry.field(
        description="Customers written so far (erased customers, with nothing to know them by, are left out)."
    )
    history_rows: int = strawberry.field(description="Ledger entries written to the history file so far.")
    rows_done: int = strawberry.field(description="Customers of the shop gone through so far.")
    rows_total: int | None = strawberry.field(
        description="Customers the shop had when the export started (once started)."
    )
    eta: datetime | None = strawberry.field(description="When it should be done, at its pace so far.")
    file_bytes: int | None = strawberry.field(description="The customer file's size, once completed.")
    history_bytes: int | None = strawberry.field(description="The history file's size, once completed.")
    requested_by: str = strawberry.field(description="The staff member who asked.")
    created_at: datetime = strawberry.field(description="When it was asked for.")
    started_at: datetime | None = strawberry.field(description="When a worker started writing it.")
    finished_at: datetime | None = strawberry.field(description="When it completed or failed.")
    expires_at: datetime | None = strawberry.field(
        description="Until when its files may be downloaded (7 days after it completed)."
    )
    last_error: str | None = strawberry.field(description="Why it failed; null otherwise.")
    download_url: str | None = strawberry.field(
        description="A link to the customer file (no session needed: the link is the credential), valid an "
        "hour: read the export again for a fresh one. Null unless COMPLETED."
    )
    history_download_url: str | None = strawberry.field(
        description="A link to the points-history file, like downloadUrl; null without includeHistory."
    )

    @classmethod
    def from_dto(cls, dto: exports.CustomerExportDTO) -> CustomerExport:
        return cls(
            id=encode_id(CUSTOMER_EXPORT, dto.id),
            format=ExportFormat(dto.format),
            include_history=dto.include_history,
            status=CustomerExportStatus(dto.status),
            customers=dto.customers,
            history_rows=dto.history_rows,
            rows_done=dto.rows_done,
            rows_total=dto.rows_total,
            eta=exports.eta(dto, utcnow()),
            file_bytes=dto.file_bytes,
            history_bytes=dto.history_bytes,
            requested_by=dto.requested_by,
            created_at=dto.created_at,
            started_at=dto.started_at,
            finished_at=dto.finished_at,
            expires_at=dto.expires_at,
            last_error=dto.last_error,
            download_url=exports.download_url(dto, exports.CUSTOMERS_FILE),
            history_download_url=exports.download_url(dto, exports.HISTORY_FILE),
        )


def export_connection(
    page: exports.CustomerExportPage, count: Count, *, after_given: bool
) -> Connection[CustomerExport]:
    return connection(
        [CustomerExport.from_dto(e) for e in page.items],
        ids=[e.id for e in page.items],
        has_next_page=page.has_next,
        has_previous_page=after_given,
        count=count,
    )
