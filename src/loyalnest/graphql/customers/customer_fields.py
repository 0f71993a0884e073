"""What the customers context puts in the Customer and Me types: who the customer is.

Its parts come first in both types (CONTEXTS order) and carry the data every other
context's fields read: ``local_id``, the customer's id in this shop (None in ``Me`` for a
storefront customer the shop has not told us about yet)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from loyalnest.contexts.customers import api as customers
from loyalnest.graphql.core.ids import encode_id
from loyalnest.graphql.core.permissions import CanSeeCustomerPii


@strawberry.type
class CustomerProfile:
    id: strawberry.ID
    shopify_id: strawberry.ID = strawberry.field(description="The Shopify customer id (numeric).")
    accepts_marketing: bool
    tags: list[str]
    state: str
    created_at: datetime
    local_id: strawberry.Private[int]
    # PII is decrypted only when a field asks for it (and its role allows it)
    dto: strawberry.Private[customers.CustomerDTO]

    @classmethod
    def from_dto(cls, dto: customers.CustomerDTO) -> CustomerProfile:
        return cls(
            id=encode_id("Customer", dto.id),
            shopify_id=strawberry.ID(str(dto.shopify_customer_id)),
            accepts_marketing=dto.accepts_marketing,
            tags=list(dto.tags),
            state=dto.state,
            created_at=dto.created_at,
            local_id=dto.id,
            dto=dto,
        )

    @strawberry.field(permission_classes=[CanSeeCustomerPii])
    def email(self) -> str | None:
        return self.dto.email

    @strawberry.field(permission_classes=[CanSeeCustomerPii])
    def first_name(self) -> str | None:
        return self.dto.first_name

    @strawberry.field(permission_classes=[CanSeeCustomerPii])
    def last_name(self) -> str | None:
        return self.dto.last_name

    @strawberry.field(permission_classes=[CanSeeCustomerPii])
    def phone(self) -> str | None:
        return self.dto.phone

    @strawberry.field(permission_classes=[CanSeeCustomerPii])
    def birthday(self) -> date | None:
        return self.dto.birthday


@strawberry.type
class MeIdentity:
    shopify_customer_id: strawberry.ID
    enrolled: bool = strawberry.field(description="False until the shop has told us about you.")
    local_id: strawberry.Private[int | None]


CUSTOMER_FIELDS = (CustomerProfile,)
ME_FIELDS = (MeIdentity,)
