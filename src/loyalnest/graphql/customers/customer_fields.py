"""What the customers context puts in the Customer and Me types: who the customer is.

Its parts come first in both types (CONTEXTS order) and carry the data every other
context's fields read: ``local_id``, the customer's id in this shop (None in ``Me`` for a
storefront customer the shop has not told us about yet)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from loyalnest.contexts.customers import api as customers
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.node import Node
from loyalnest.graphql.core.permissions import CanSeeCustomerPii


def _pii(what: str) -> str:
    return f"{what}, or null if unknown. PII: needs role admin:full, admin:points or admin:support."


@strawberry.type
class CustomerProfile(Node):
    shopify_id: strawberry.ID | None = strawberry.field(
        description="The Shopify customer id (numeric); null for a customer an import brought that Shopify "
        "has not told us about yet, and after the customer's erasure."
    )
    accepts_marketing: bool = strawberry.field(
        description="Whether the customer accepts email marketing, as Shopify last told us."
    )
    tags: list[str] = strawberry.field(description="The customer's Shopify tags.")
    state: str = strawberry.field(
        description='The Shopify account state: "enabled", "disabled", "invited" or "declined"; or ours: '
        '"imported" (an import brought them, Shopify has not told us about them yet) or "erased" (their '
        "personal data was erased and their loyalty account closed)."
    )
    created_at: datetime = strawberry.field(description="When this shop's program first saw the customer.")
    local_id: strawberry.Private[int]
    # PII is decrypted only when a field asks for it (and its role allows it)
    dto: strawberry.Private[customers.CustomerDTO]

    @classmethod
    def from_dto(cls, dto: customers.CustomerDTO) -> CustomerProfile:
        return cls(
            id=encode_id("Customer", dto.id),
            # stored negated (our own id) when there is no Shopify id to hold: see ``state``
            shopify_id=strawberry.ID(str(dto.shopify_customer_id)) if dto.shopify_customer_id > 0 else None,
            accepts_marketing=dto.accepts_marketing,
            tags=list(dto.tags),
            state=dto.state,
            created_at=dto.created_at,
            local_id=dto.id,
            dto=dto,
        )

    @strawberry.field(permission_classes=[CanSeeCustomerPii], description=_pii("The email address"))
    def email(self) -> str | None:
        return self.dto.email

    @strawberry.field(permission_classes=[CanSeeCustomerPii], description=_pii("The first name"))
    def first_name(self) -> str | None:
        return self.dto.first_name

    @strawberry.field(permission_classes=[CanSeeCustomerPii], description=_pii("The last name"))
    def last_name(self) -> str | None:
        return self.dto.last_name

    @strawberry.field(permission_classes=[CanSeeCustomerPii], description=_pii("The phone number"))
    def phone(self) -> str | None:
        return self.dto.phone

    @strawberry.field(
        permission_classes=[CanSeeCustomerPii],
        description=_pii("The birthday, for birthday points (set by the customer or staff)"),
    )
    def birthday(self) -> date | None:
        return self.dto.birthday


@strawberry.type
class MeIdentity:
    shopify_customer_id: strawberry.ID = strawberry.field(description="Your Shopify customer id (numeric).")
    enrolled: bool = strawberry.field(description="False until the shop has told us about you.")
    local_id: strawberry.Private[int | None]


CUSTOMER_FIELDS = (CustomerProfile,)
ME_FIELDS = (MeIdentity,)
