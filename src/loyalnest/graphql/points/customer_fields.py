"""What the points context puts in the Customer (staff) and Me (storefront) types: the
balance, lifetime points, pending and expiring points and the ledger history, read
through the request's DataLoaders."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.points import api as points
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.pagination import (
    After,
    Before,
    Connection,
    First,
    Last,
    empty_connection,
    page_request,
)
from loyalnest.graphql.points.types import ExpiringPoints, PointsTransaction, transaction_connection

WITHIN = strawberry.argument(description=f"Days ahead, 0 to {points.MAX_EXPIRING_WITHIN_DAYS}.")


async def account_of(info: Info, customer_id: int) -> points.AccountDTO:
    return await info.context.loaders.get("points.account").load(customer_id)


async def pending_points_of(info: Info, customer_id: int | None) -> int:
    # orders' pending points are the earning context's (its loader); shown with the
    # balance they will join
    if customer_id is None:
        return 0
    return await info.context.loaders.get("earning.pending_points").load(customer_id)


async def expiring_points_of(info: Info, customer_id: int | None, within: int) -> ExpiringPoints:
    if not 0 <= within <= points.MAX_EXPIRING_WITHIN_DAYS:
        raise PublicError(
            f"within must be between 0 and {points.MAX_EXPIRING_WITHIN_DAYS} days", code="BAD_USER_INPUT"
        )
    if customer_id is None:
        return ExpiringPoints(points=0, next_expires_at=None)
    return ExpiringPoints.from_dto(
        await info.context.loaders.get("points.expiring", within).load(customer_id)
    )


async def transactions_page(
    info: Info, customer_id: int, first: int | None, after: str | None, last: int | None, before: str | None
) -> Connection[PointsTransaction]:
    """A customer's ledger, newest first; the first page through the DataLoader, and the
    count (when selected) through another, so a list of customers costs one query each."""
    request = page_request(first, after, last, before)
    loaders = info.context.loaders
    if request.is_first_page:
        page = await loaders.get("points.first_transactions", request.size).load(customer_id)
    else:
        page = await points.list_transactions(
            info.context.merchant_id,
            customer_id,
            after_id=request.after_id,
            before_id=request.before_id,
            first=request.size,
            backward=request.backward,
        )

    async def count() -> int:
        return await loaders.get("points.transaction_count").load(customer_id)

    return transaction_connection(page, count)


@strawberry.type
class CustomerPoints:
    local_id: strawberry.Private[int]

    @strawberry.field(description="Spendable points now.")
    async def points_balance(self, info: Info) -> int:
        return (await account_of(info, self.local_id)).balance

    @strawberry.field(description="All points ever earned, less reversed earnings.")
    async def lifetime_points(self, info: Info) -> int:
        return (await account_of(info, self.local_id)).lifetime_earned

    @strawberry.field(description="Points of orders still in the shop's pending period (not spendable yet).")
    async def pending_points(self, info: Info) -> int:
        return await pending_points_of(info, self.local_id)

    @strawberry.field(description="Points expiring within `within` days (0 to 3660), and the next expiry.")
    async def expiring_points(self, info: Info, within: Annotated[int, WITHIN]) -> ExpiringPoints:
        return await expiring_points_of(info, self.local_id, within)

    @strawberry.field(description="Ledger history, newest first.")
    async def transactions(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[PointsTransaction]:
        return await transactions_page(info, self.local_id, first, after, last, before)


@strawberry.type
class MePoints:
    local_id: strawberry.Private[int | None]

    @strawberry.field(description="Your spendable points now.")
    async def points_balance(self, info: Info) -> int:
        if self.local_id is None:
            return 0
        return (await account_of(info, self.local_id)).balance

    @strawberry.field(description="All the points you ever earned, less reversed earnings.")
    async def lifetime_points(self, info: Info) -> int:
        if self.local_id is None:
            return 0
        return (await account_of(info, self.local_id)).lifetime_earned

    @strawberry.field(description="Points of your orders still in the shop's pending period.")
    async def pending_points(self, info: Info) -> int:
        return await pending_points_of(info, self.local_id)

    @strawberry.field(
        description="Your points expiring within `within` days (0 to 3660), and the next expiry."
    )
    async def expiring_points(self, info: Info, within: Annotated[int, WITHIN]) -> ExpiringPoints:
        return await expiring_points_of(info, self.local_id, within)

    @strawberry.field(description="Your points history, newest first.")
    async def transactions(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[PointsTransaction]:
        if self.local_id is None:
            page_request(first, after, last, before)  # the same refusals as for anyone else
            return empty_connection()
        return await transactions_page(info, self.local_id, first, after, last, before)


CUSTOMER_FIELDS = (CustomerPoints,)
ME_FIELDS = (MePoints,)
