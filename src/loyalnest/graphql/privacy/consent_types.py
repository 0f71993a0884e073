"""GraphQL types of consents, built from the privacy context's DTOs (a module of its own
beside the request log's ``types``)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from loyalnest.contexts.privacy import api as privacy
from loyalnest.graphql.core.pagination import Connection, Count, connection


def wire(member: Enum) -> str:
    """An enum member's value as the context spells it ("newsletter", "staff")."""
    return str(member.value)


@strawberry.enum(
    description="What a customer may allow or refuse. Defaults, until a choice is recorded: NEWSLETTER and "
    "SMS_MARKETING not granted (marketing needs an opt-in; Shopify's marketing consent in its customers "
    "webhooks is recorded as the customer's choice), the others granted until revoked."
)
class ConsentType(Enum):
    NEWSLETTER = strawberry.enum_value(
        "newsletter", description="Marketing email (greetings, nudge emails). Revoked: none is sent by email."
    )
    SMS_MARKETING = strawberry.enum_value(
        "sms_marketing",
        description="Marketing text messages. Revoked (or never granted): none is sent by SMS.",
    )
    RFM_TRACKING = strawberry.enum_value(
        "rfm_tracking",
        description="Scoring the customer's purchases (RFM scores, segments). Revoked: their scores, segment "
        "history and custom segment memberships are deleted at once and every later pass leaves them out.",
    )
    REFERRALS = strawberry.enum_value(
        "referrals",
        description="Receiving referral invites from other customers. Revoked: no invite goes to their "
        "email address or phone number.",
    )
    PROFILING = strawberry.enum_value(
        "profiling",
        description="Offers chosen from the customer's profile: nudges in the widget and nudge emails. "
        "Revoked: they see and get none.",
    )


@strawberry.enum(description="Where a consent choice was recorded.")
class ConsentSource(Enum):
    SHOPIFY = strawberry.enum_value(
        "shopify",
        description="Shopify's marketing consent, from a customers/create or customers/update webhook.",
    )
    STOREFRONT = strawberry.enum_value("storefront", description="The customer, in the storefront widget.")
    STAFF = strawberry.enum_value("staff", description="The shop's staff, on the customer's behalf.")
    IMPORT = strawberry.enum_value("import", description="An import of the shop's existing data.")


@strawberry.type(description="The current state of one consent of one customer.")
class Consent:
    type: ConsentType = strawberry.field(description="Which consent.")
    granted: bool = strawberry.field(description="Whether it is granted now.")
    is_default: bool = strawberry.field(
        description="True while no choice was ever recorded for it: `granted` is the default "
        "(see ConsentType)."
    )
    source: ConsentSource | None = strawberry.field(
        description="Where the choice in force was recorded; null while it is the default."
    )
    changed_at: datetime | None = strawberry.field(
        description="When the choice in force was made (Shopify's consent time for SHOPIFY); "
        "null while it is the default."
    )

    @classmethod
    def from_dto(cls, dto: privacy.ConsentDTO) -> Consent:
        return cls(
            type=ConsentType(dto.type),
            granted=dto.granted,
            is_default=dto.is_default,
            source=None if dto.source is None else ConsentSource(dto.source),
            changed_at=dto.changed_at,
        )


@strawberry.type(description="One change in a customer's consents history (the history is append-only).")
class ConsentChange:
    type: ConsentType = strawberry.field(description="Which consent changed.")
    granted: bool = strawberry.field(description="Granted (true) or revoked (false) by this change.")
    source: ConsentSource = strawberry.field(description="Where the change was recorded.")
    actor: str = strawberry.field(
        description='Who recorded it, as the audit trail names actors: "shopify", "customer:<id>", '
        '"staff:<user id>".'
    )
    occurred_at: datetime = strawberry.field(
        description="When the choice was made (Shopify's consent_updated_at for SHOPIFY)."
    )
    recorded_at: datetime = strawberry.field(description="When LoyalNest recorded it.")

    @classmethod
    def from_dto(cls, dto: privacy.ConsentChangeDTO) -> ConsentChange:
        return cls(
            type=ConsentType(dto.type),
            granted=dto.granted,
            source=ConsentSource(dto.source),
            actor=dto.actor,
            occurred_at=dto.occurred_at,
            recorded_at=dto.recorded_at,
        )


def consent_change_connection(
    page: privacy.ConsentHistoryPage, count: Count, *, after_given: bool
) -> Connection[ConsentChange]:
    return connection(
        [ConsentChange.from_dto(dto) for dto in page.items],
        ids=[dto.id for dto in page.items],
        has_next_page=page.has_next,
        has_previous_page=after_given,
        count=count,
    )


@strawberry.input(description="A consent granted or revoked.")
class ConsentInput:
    type: ConsentType = strawberry.field(description="Which consent.")
    granted: bool = strawberry.field(description="True: grant it; false: revoke it.")


def to_choices(changes: list[ConsentInput]) -> list[privacy.ConsentChoice]:
    return [privacy.ConsentChoice(type=wire(c.type), granted=c.granted) for c in changes]
