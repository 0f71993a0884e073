"""Staff queries of the earning context: the ways to earn, the review-webhook secret."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.earning import api as earning
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.permissions import CanManageProgram, IsStaff
from loyalnest.graphql.customers.lookup import customer_of_shop
from loyalnest.graphql.earning.types import EarningBreakdown, EarningRule, ReviewWebhook, SimulatedOrderInput
from loyalnest.platform.errors import DomainError


@strawberry.type
class EarningQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="Every way to earn of the shop, purchases first, each on or off; null (with "
        "an error) for a caller who is not staff.",
    )
    async def earning_rules(self, info: Info) -> list[EarningRule] | None:
        return [EarningRule.from_dto(rule) for rule in await earning.get_rules(info.context.merchant_id)]

    @strawberry.field(
        permission_classes=[IsStaff, CanManageProgram],
        description="The endpoints and signing secret to connect a review app (Judge.me, Yotpo). "
        "Reading it changes nothing: shops get their secret at install; null for a shop installed "
        "before that until `rotateReviewWebhookSecret` makes one (and, with an error, for a caller "
        "without admin:full).",
    )
    async def review_webhook(self, info: Info) -> ReviewWebhook | None:
        staff = info.context.staff
        dto = await earning.review_webhook(staff.merchant_id)
        return None if dto is None else ReviewWebhook.from_dto(dto, staff.shop_domain)

    @strawberry.field(
        permission_classes=[IsStaff],
        description="What a hypothetical order would earn, part by part (base, tier multiplier, each "
        "campaign), under the program as it is now; writes nothing. A customerId of another shop "
        "is NOT_FOUND; an amount out of range is BAD_USER_INPUT.",
    )
    async def simulate_earning(
        self,
        info: Info,
        order: Annotated[SimulatedOrderInput, strawberry.argument(description="The order to simulate.")],
    ) -> EarningBreakdown | None:
        merchant_id = info.context.merchant_id
        customer_id: int | None = None
        if order.customer_id is not None:
            customer_id = decode_id(order.customer_id, "Customer")
            try:
                if customer_id is None:
                    raise DomainError("no such Customer", code="NOT_FOUND")
                await customer_of_shop(merchant_id, customer_id)
            except DomainError as exc:
                raise PublicError("customerId: no such Customer", code="NOT_FOUND") from exc
        try:
            lines = earning.normalise_lines(
                [(line.product_id, line.quantity, line.price) for line in order.lines]
            )
            breakdown = await earning.estimate_order(
                merchant_id,
                customer_id=customer_id,
                subtotal=order.subtotal,
                lines=lines,
                discount_codes=order.discount_codes,
            )
        except DomainError as exc:
            raise PublicError(str(exc), code="BAD_USER_INPUT") from exc
        return EarningBreakdown.from_dto(breakdown)


QUERIES = (EarningQuery,)
