"""Resolvers of the points fields that staff (``Customer``) and the storefront (``me``)
share: pending and expiring points, through the request's DataLoaders."""

from __future__ import annotations

from strawberry.types import Info

from loyalnest.contexts.points import api as points
from loyalnest.graphql.errors import PublicError
from loyalnest.graphql.points.types import ExpiringPoints


async def pending_points_of(info: Info, customer_id: int | None) -> int:
    if customer_id is None:
        return 0
    return await info.context.loaders.pending_points.load(customer_id)


async def expiring_points_of(info: Info, customer_id: int | None, within: int) -> ExpiringPoints:
    if not 0 <= within <= points.MAX_EXPIRING_WITHIN_DAYS:
        raise PublicError(
            f"within must be between 0 and {points.MAX_EXPIRING_WITHIN_DAYS} days", code="BAD_USER_INPUT"
        )
    if customer_id is None:
        return ExpiringPoints(points=0, next_expires_at=None)
    return ExpiringPoints.from_dto(await info.context.loaders.expiring_points(within).load(customer_id))
