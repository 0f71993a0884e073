"""Staff mutations on points."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.points import api as points
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.mutations import Write, mutation
from loyalnest.graphql.core.permissions import CanAdjustPoints, IsStaff
from loyalnest.graphql.customers.lookup import customer_of_shop
from loyalnest.graphql.customers.types import Customer
from loyalnest.graphql.points.types import PointsTransaction

# the client's retry key of a mutation that may be sent again (awardPoints too)
IDEMPOTENCY_KEY = strawberry.argument(
    description="Your key for this change: sending the same key again (a retry) does not do it "
    f"twice. 1 to {points.MAX_IDEMPOTENCY_KEY_LENGTH} characters."
)


@strawberry.type(description="The result of adjustPoints.")
class AdjustPointsPayload:
    transaction: PointsTransaction | None = strawberry.field(
        description="The ledger row of the change; null when refused."
    )
    customer: Customer | None = strawberry.field(description="The customer, with the new balance.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


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
        delta: Annotated[
            int, strawberry.argument(description="Points to add (positive) or remove (negative), not 0.")
        ],
        reason: Annotated[str, strawberry.argument(description="Why, shown in the customer's history.")],
        idempotency_key: Annotated[str | None, IDEMPOTENCY_KEY] = None,
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
