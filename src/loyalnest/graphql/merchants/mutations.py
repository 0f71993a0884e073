"""Staff mutations on the shop's program."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.earning import api as earning
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.mutations import Write, mutation
from loyalnest.graphql.core.permissions import CanManageProgram, IsStaff
from loyalnest.graphql.merchants.types import (
    EARN_ON_SHIPPING,
    EARN_ON_TAX,
    ROUNDING,
    OrderEarningStage,
    PointsExpiryPolicy,
    PointsRounding,
    ProgramSettings,
)


@strawberry.type(description="The result of updateProgramSettings.")
class UpdateProgramSettingsPayload:
    program_settings: ProgramSettings | None = strawberry.field(
        description="The settings afterwards; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type
class MerchantsMutation:
    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Change how points are earned; omitted arguments keep their value.",
    )
    @mutation(UpdateProgramSettingsPayload)
    async def update_program_settings(
        self,
        info: Info,
        write: Write,
        points_per_currency_unit: Annotated[
            Decimal | None,
            strawberry.argument(
                description="Points per 1 unit of the shop's currency, on the subtotal after "
                "discounts (0 to 10,000, at most 4 decimal places)."
            ),
        ] = None,
        rounding: Annotated[PointsRounding | None, strawberry.argument(description=ROUNDING)] = None,
        earn_on_shipping: Annotated[bool | None, strawberry.argument(description=EARN_ON_SHIPPING)] = None,
        earn_on_tax: Annotated[bool | None, strawberry.argument(description=EARN_ON_TAX)] = None,
        purchase_enabled: Annotated[
            bool | None, strawberry.argument(description="Whether purchases earn points at all.")
        ] = None,
        min_order_amount: Annotated[
            Decimal | None, strawberry.argument(description="0 removes the minimum.")
        ] = None,
        excluded_product_ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(
                description="Replaces the list: Shopify product ids, numeric or gid://shopify/Product/<id>."
            ),
        ] = None,
        excluded_product_tags: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Replaces the list: products carrying any of these tags (any case) earn nothing."
            ),
        ] = None,
        expiry_policy: Annotated[
            PointsExpiryPolicy | None,
            strawberry.argument(description="Applies to points earned from now on."),
        ] = None,
        expiry_days: Annotated[
            int | None,
            strawberry.argument(description="Required with DAYS_AFTER_EARN and DAYS_AFTER_ACTIVITY."),
        ] = None,
        pending_days: Annotated[
            int | None,
            strawberry.argument(
                description="Days an order's points stay pending before they are added "
                "(0 to 365; 0: at once)."
            ),
        ] = None,
        test_orders_earn: Annotated[
            bool | None,
            strawberry.argument(description="Let test orders (Shopify's test mode) earn points."),
        ] = None,
        earn_on: Annotated[
            OrderEarningStage | None,
            strawberry.argument(
                description="When orders earn: placed, paid or fulfilled. Orders waiting for a stage "
                "they have reached under the new choice are released after the pending period."
            ),
        ] = None,
    ) -> UpdateProgramSettingsPayload:
        staff = info.context.staff
        products = None if excluded_product_ids is None else earning.parse_product_ids(excluded_product_ids)
        update = earning.ProgramSettingsUpdate(
            points_per_currency_unit=points_per_currency_unit,
            rounding=str(rounding.value) if rounding is not None else None,
            earn_on_shipping=earn_on_shipping,
            earn_on_tax=earn_on_tax,
            purchase_enabled=purchase_enabled,
            min_order_amount=min_order_amount,
            excluded_product_ids=products,
            excluded_product_tags=None if excluded_product_tags is None else tuple(excluded_product_tags),
            expiry_policy=str(expiry_policy.value) if expiry_policy is not None else None,
            expiry_days=expiry_days,
            pending_days=pending_days,
            test_orders_earn=test_orders_earn,
            earn_on=None if earn_on is None else str(earn_on.value),
        )
        settings = await earning.update_program_settings(
            write.uow, merchant_id=staff.merchant_id, actor=staff.actor, update=update
        )
        return UpdateProgramSettingsPayload(
            program_settings=ProgramSettings.from_dto(settings), user_errors=[]
        )


MUTATIONS = (MerchantsMutation,)
