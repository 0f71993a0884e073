"""The Customer type: profile from the customers context, points through loaders."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.points import api as points
from loyalnest.graphql.ids import decode_cursor, encode_id
from loyalnest.graphql.pagination import Connection, page_size
from loyalnest.graphql.permissions import CanSeeCustomerPii
from loyalnest.graphql.points.fields import expiring_points_of, pending_points_of
from loyalnest.graphql.points.types import ExpiringPoints, PointsTransaction, transaction_connection
from loyalnest.graphql.rewards.types import Redemption, redemptions_page


async def transactions_page(
    info: Info, customer_id: int, first: int | None, after: str | None
) -> Connection[PointsTransaction]:
    size = page_size(first)
    before_id = decode_cursor(after)
    if before_id is None:
        page = await info.context.loaders.first_transactions(size).load(customer_id)
    else:
        page = await points.list_transactions(
            info.context.merchant_id, customer_id, before_id=before_id, first=size
        )
    return transaction_connection(page)


@strawberry.type(description="A shop's customer and their loyalty standing.")
class Customer:
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
    def from_dto(cls, dto: customers.CustomerDTO) -> Customer:
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

    @strawberry.field(description="Spendable points now.")
    async def points_balance(self, info: Info) -> int:
        return (await info.context.loaders.account.load(self.local_id)).balance

    @strawberry.field(description="All points ever earned, less reversed earnings.")
    async def lifetime_points(self, info: Info) -> int:
        return (await info.context.loaders.account.load(self.local_id)).lifetime_earned

    @strawberry.field(description="Points of orders still in the shop's pending period (not spendable yet).")
    async def pending_points(self, info: Info) -> int:
        return await pending_points_of(info, self.local_id)

    @strawberry.field(description="Points expiring within `within` days (0 to 3660), and the next expiry.")
    async def expiring_points(self, info: Info, within: int) -> ExpiringPoints:
        return await expiring_points_of(info, self.local_id, within)

    @strawberry.field(description="Ledger history, newest first.")
    async def transactions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[PointsTransaction]:
        return await transactions_page(info, self.local_id, first, after)

    @strawberry.field(description="Rewards redeemed, newest first, with their discount codes.")
    async def redemptions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Redemption]:
        return await redemptions_page(info, self.local_id, first, after)
