"""GraphQL types of the privacy context."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from loyalnest.contexts.privacy import api as privacy
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.pagination import Connection, Count, connection


@strawberry.enum(description="What a privacy request asks for.")
class PrivacyRequestType(Enum):
    DATA_REQUEST = strawberry.enum_value(
        "data_request", description="A copy of everything held about a customer (an archive to download)."
    )
    CUSTOMER_REDACT = strawberry.enum_value(
        "customer_redact", description="The erasure of a customer's personal data (their account closes)."
    )
    SHOP_REDACT = strawberry.enum_value(
        "shop_redact", description="The deletion of all the shop's data (after the app was uninstalled)."
    )


@strawberry.enum(description="Where a privacy request is.")
class PrivacyRequestStatus(Enum):
    UNCONFIRMED = strawberry.enum_value(
        "unconfirmed", description="A customer's own request, waiting for them to follow the emailed link."
    )
    PENDING = strawberry.enum_value("pending", description="Waiting for a worker.")
    PROCESSING = strawberry.enum_value("processing", description="A worker is on it.")
    COMPLETED = strawberry.enum_value("completed", description="Done; `outcome` says what was done.")
    FAILED = strawberry.enum_value(
        "failed",
        description="The last attempt failed (`lastError`); it is retried hourly, or now with "
        "processPrivacyRequest.",
    )
    EXPIRED = strawberry.enum_value(
        "expired", description="A customer's own request whose link was never followed: nothing was done."
    )


@strawberry.enum(description="Who asked.")
class PrivacyRequestSource(Enum):
    WEBHOOK = strawberry.enum_value("webhook", description="Shopify, by a compliance webhook.")
    STOREFRONT = strawberry.enum_value("storefront", description="The customer, in the shop's widget.")
    STAFF = strawberry.enum_value("staff", description="The shop's staff.")
    SYSTEM = strawberry.enum_value(
        "system",
        description="LoyalNest itself (a shop uninstalled for 7 days without Shopify's shop/redact).",
    )


@strawberry.type(
    description="A data request's archive (zip: data.json and one CSV per table), kept until it expires."
)
class PrivacyExport:
    download_url: str = strawberry.field(
        description="A signed link to the archive, working until "
        "`expiresAt`; whoever has it can download the "
        "customer's data, so pass it on only to them."
    )
    expires_at: datetime = strawberry.field(description="When the archive (and the link) go.")
    bytes: int = strawberry.field(description="The archive's size.")

    @classmethod
    def from_dto(cls, dto: privacy.ExportDTO | None) -> PrivacyExport | None:
        if dto is None:
            return None
        return cls(download_url=dto.download_url, expires_at=dto.expires_at, bytes=dto.bytes)


@strawberry.type(
    description="One privacy duty of the shop: what was asked, by whom, its legal deadline and what was done."
)
class PrivacyRequest:
    id: strawberry.ID = strawberry.field(description="The request's global id.")
    type: PrivacyRequestType = strawberry.field(description="What is asked.")
    source: PrivacyRequestSource = strawberry.field(description="Who asked.")
    status: PrivacyRequestStatus = strawberry.field(description="Where it is.")
    shopify_customer_id: str | None = strawberry.field(
        description="The Shopify id of the customer it concerns (null for a shop deletion, and once the "
        "request's artefacts expired)."
    )
    received_at: datetime = strawberry.field(description="When it was asked.")
    due_at: datetime = strawberry.field(
        description="Its legal deadline: 30 days after it was received (or confirmed, for a customer's own)."
    )
    overdue: bool = strawberry.field(description="Past its deadline and not done: staff were emailed.")
    confirmed_at: datetime | None = strawberry.field(
        description="When the customer confirmed their own request by the emailed link."
    )
    started_at: datetime | None = strawberry.field(description="When a worker last took it.")
    completed_at: datetime | None = strawberry.field(description="When it was done.")
    retention_expires_at: datetime | None = strawberry.field(
        description="When what ties the request to a customer goes (the row stays as proof it was done)."
    )
    attempts: int = strawberry.field(description="How many times a worker took it.")
    last_error: str | None = strawberry.field(description="Why the last attempt failed.")
    outcome: str | None = strawberry.field(
        description='What was done, in words ("exported", "erased", "deleted", "unknown customer: nothing '
        'held"...).'
    )
    export: PrivacyExport | None = strawberry.field(
        description="A completed data request's archive, while it is kept; null otherwise."
    )

    @classmethod
    def from_dto(cls, dto: privacy.PrivacyRequestDTO) -> PrivacyRequest:
        return cls(
            id=encode_id("PrivacyRequest", dto.id),
            type=PrivacyRequestType(dto.type),
            source=PrivacyRequestSource(dto.source),
            status=PrivacyRequestStatus(dto.status),
            shopify_customer_id=None if dto.shopify_customer_id is None else str(dto.shopify_customer_id),
            received_at=dto.received_at,
            due_at=dto.due_at,
            overdue=dto.overdue,
            confirmed_at=dto.confirmed_at,
            started_at=dto.started_at,
            completed_at=dto.completed_at,
            retention_expires_at=dto.retention_expires_at,
            attempts=dto.attempts,
            last_error=dto.last_error,
            outcome=dto.outcome,
            export=PrivacyExport.from_dto(dto.export),
        )


def privacy_request_connection(page: privacy.PrivacyRequestPage, count: Count) -> Connection[PrivacyRequest]:
    return connection(
        [PrivacyRequest.from_dto(dto) for dto in page.items],
        ids=[dto.id for dto in page.items],
        has_next_page=page.has_next,
        has_previous_page=False,
        count=count,
    )


@strawberry.type(description="A privacy request of the signed-in customer, as they see it.")
class MyPrivacyRequest:
    id: strawberry.ID = strawberry.field(description="The request's global id.")
    type: PrivacyRequestType = strawberry.field(description="What was asked.")
    status: PrivacyRequestStatus = strawberry.field(
        description="UNCONFIRMED until the emailed link is followed; then PENDING, PROCESSING, COMPLETED."
    )
    received_at: datetime = strawberry.field(description="When it was asked.")
    due_at: datetime = strawberry.field(description="The latest it will be done by.")
    completed_at: datetime | None = strawberry.field(description="When it was done.")
    download_url: str | None = strawberry.field(
        description="For a completed data request the customer asked themselves: the link to their archive, "
        "until it expires."
    )

    @classmethod
    def from_dto(cls, dto: privacy.PrivacyRequestDTO) -> MyPrivacyRequest:
        own_export = dto.export is not None and dto.source == "storefront"
        return cls(
            id=encode_id("PrivacyRequest", dto.id),
            type=PrivacyRequestType(dto.type),
            status=PrivacyRequestStatus(dto.status),
            received_at=dto.received_at,
            due_at=dto.due_at,
            completed_at=dto.completed_at,
            download_url=dto.export.download_url if own_export and dto.export is not None else None,
        )


@strawberry.type(description="One retention limit: how long a kind of record is kept, within bounds.")
class RetentionLimit:
    name: str = strawberry.field(description="The limit's field in RetentionSettings (e.g. inboxDays).")
    days: int = strawberry.field(description="The shop's value.")
    default_days: int = strawberry.field(description="The value without a setting of the shop's own.")
    min_days: int = strawberry.field(description="The least the shop may set.")
    max_days: int = strawberry.field(description="The most the shop may set.")
    applies_to: str = strawberry.field(description="What it deletes, in words.")


_FIELD_NAMES = {
    "inbox_days": "inboxDays",
    "delivery_log_days": "deliveryLogDays",
    "export_days": "exportDays",
    "artefact_days": "artefactDays",
    "audit_days": "auditDays",
}


@strawberry.type(
    description="How long the shop keeps records about people (days); the daily retention pass "
    "deletes what is older."
)
class RetentionSettings:
    inbox_days: int = strawberry.field(description="Handled webhook rows (default 30, 7-90).")
    delivery_log_days: int = strawberry.field(
        description="Finished notification deliveries (default 180, 30-730)."
    )
    export_days: int = strawberry.field(
        description="Data request archives, from when they are made (default 30, 1-30)."
    )
    artefact_days: int = strawberry.field(
        description="A completed privacy request's artefacts: the customer "
        "it named, what was done (default 90, "
        "30-365); the request's row stays as proof."
    )
    audit_days: int = strawberry.field(description="Audit entries (default 400, 180-2555).")
    limits: list[RetentionLimit] = strawberry.field(description="Each limit with its default and bounds.")

    @classmethod
    def from_values(cls, values: dict[str, int]) -> RetentionSettings:
        return cls(
            inbox_days=values["inbox_days"],
            delivery_log_days=values["delivery_log_days"],
            export_days=values["export_days"],
            artefact_days=values["artefact_days"],
            audit_days=values["audit_days"],
            limits=[
                RetentionLimit(
                    name=_FIELD_NAMES[limit.name],
                    days=values[limit.name],
                    default_days=limit.default,
                    min_days=limit.low,
                    max_days=limit.high,
                    applies_to=limit.why,
                )
                for limit in privacy.RETENTION
            ],
        )


def field_name(limit: str) -> str:
    """The GraphQL name of a limit (for a refusal's field path)."""
    return _FIELD_NAMES.get(limit, limit)
