"""Staff mutations on points."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.types import Info

from loyalnest.contexts.points import api as points
from loyalnest.graphql.core.errors import UserError
from loyalnest.graphql.core.mutations import Write, mutation
from loyalnest.graphql.core.permissions import CanAdjustPoints, IsStaff
from loyalnest.graphql.customers.lookup import customer_of_shop
from loyalnest.graphql.customers.types import Customer
from loyalnest.graphql.points.types import PointsTransaction


@strawberry.type
class AdjustPointsPayload:
    transaction: PointsTransaction | None
    customer: Customer | None
    user_errors: list[UserError]


@strawberry.type
class PointsMutation:
    @strawberry.mutation(
        permission_classes=[IsStaff, CanAdjustPoints],
        description="Add (positive delta) or remove (negative) points by hand, with a reason. "
        "Refused with INSUFFICIENT_POINTS rather than going below zero. Send the same "
        "idempotencyKey again to retry safely.",
    )
    @mutation(AdjustPointsPayload, ids={"customer_id": "Customer"})
    async def adjust_points(
        self,
        info: Info,
        write: Write,
        customer_id: int,
        delta: int,
        reason: str,
        idempotency_key: str | None = None,
    ) -> AdjustPointsPayload:
        staff = info.context.staff
        dto = await customer_of_shop(staff.merchant_id, customer_id)
        if idempotency_key is not None:
            points.validate_client_key(idempotency_key)
        result = await points.adjust_points(
            write.uow,
            merchant_id=staff.merchant_id,
            customer_id=dto.id,
            delta=delta,
            reason=reason,
            actor=staff.actor,
            # keys are namespaced by staff user so two people cannot collide by accident
            idempotency_key=f"{staff.user_id}:{idempotency_key or uuid.uuid4().hex}",
        )
        write.changed_customer(dto.id)
        return AdjustPointsPayload(
            transaction=PointsTransaction.from_dto(result.entry),
            customer=Customer.from_dto(dto),
            user_errors=[],
        )


MUTATIONS = (PointsMutation,)
