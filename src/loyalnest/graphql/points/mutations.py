"""Staff mutations on points."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.types import Info

from loyalnest.contexts.customers import api as customers
from loyalnest.contexts.points import api as points
from loyalnest.graphql.customers.types import Customer
from loyalnest.graphql.errors import UserError, user_error_from
from loyalnest.graphql.ids import decode_id
from loyalnest.graphql.permissions import CanAdjustPoints, IsStaff
from loyalnest.graphql.points.types import PointsTransaction
from loyalnest.platform.errors import DomainError, NotFound
from loyalnest.platform.uow import unit_of_work

MAX_IDEMPOTENCY_KEY_LENGTH = 200


@strawberry.type
class AdjustPointsPayload:
    transaction: PointsTransaction | None
    customer: Customer | None
    user_errors: list[UserError]


def _failed(error: DomainError) -> AdjustPointsPayload:
    return AdjustPointsPayload(transaction=None, customer=None, user_errors=[user_error_from(error)])


@strawberry.type
class PointsMutation:
    @strawberry.mutation(
        permission_classes=[IsStaff, CanAdjustPoints],
        description="Add (positive delta) or remove (negative) points by hand, with a reason. "
        "Refused with INSUFFICIENT_POINTS rather than going below zero. Send the same "
        "idempotencyKey again to retry safely.",
    )
    async def adjust_points(
        self,
        info: Info,
        customer_id: strawberry.ID,
        delta: int,
        reason: str,
        idempotency_key: str | None = None,
    ) -> AdjustPointsPayload:
        staff = info.context.staff
        local_id = decode_id(customer_id, "Customer")
        # tenancy: a customer of another shop is simply not found
        dto = None if local_id is None else await customers.get_customer(staff.merchant_id, local_id)
        if dto is None:
            return _failed(NotFound("customer not found", field="customerId"))
        if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
            return _failed(DomainError("idempotencyKey must be 1 to 200 characters", field="idempotencyKey"))
        # PostgreSQL text cannot hold NUL: refuse it here rather than fail in the database
        for name, value in (("reason", reason), ("idempotencyKey", idempotency_key or "")):
            if "\x00" in value:
                return _failed(DomainError(f"{name} must not contain NUL characters", field=name))
        # keys are namespaced by staff user so two people cannot collide by accident
        key = f"{staff.user_id}:{idempotency_key or uuid.uuid4().hex}"
        try:
            async with unit_of_work() as uow:
                result = await points.adjust_points(
                    uow,
                    merchant_id=staff.merchant_id,
                    customer_id=dto.id,
                    delta=delta,
                    reason=reason,
                    actor=staff.actor,
                    idempotency_key=key,
                )
        except DomainError as exc:
            return _failed(exc)
        info.context.loaders.forget_points(dto.id)
        return AdjustPointsPayload(
            transaction=PointsTransaction.from_dto(result.entry),
            customer=Customer.from_dto(dto),
            user_errors=[],
        )
