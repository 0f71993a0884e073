"""Staff mutations on the shop's program."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from loyalnest.contexts.merchants import api as merchants
from loyalnest.graphql.errors import UserError, user_error_from
from loyalnest.graphql.merchants.types import PointsRounding, ProgramSettings
from loyalnest.graphql.permissions import CanManageProgram, IsStaff
from loyalnest.platform.errors import DomainError
from loyalnest.platform.uow import unit_of_work


@strawberry.type
class UpdateProgramSettingsPayload:
    program_settings: ProgramSettings | None
    user_errors: list[UserError]


@strawberry.type
class MerchantsMutation:
    @strawberry.mutation(
        permission_classes=[IsStaff, CanManageProgram],
        description="Change how points are earned; omitted arguments keep their value.",
    )
    async def update_program_settings(
        self,
        info: Info,
        points_per_currency_unit: Decimal | None = None,
        rounding: PointsRounding | None = None,
        earn_on_shipping: bool | None = None,
        earn_on_tax: bool | None = None,
    ) -> UpdateProgramSettingsPayload:
        staff = info.context.staff
        update = merchants.ProgramSettingsUpdate(
            points_per_currency_unit=points_per_currency_unit,
            rounding=rounding.value if rounding is not None else None,
            earn_on_shipping=earn_on_shipping,
            earn_on_tax=earn_on_tax,
        )
        try:
            async with unit_of_work() as uow:
                settings = await merchants.update_program_settings(
                    uow, merchant_id=staff.merchant_id, actor=staff.actor, update=update
                )
        except DomainError as exc:
            return UpdateProgramSettingsPayload(program_settings=None, user_errors=[user_error_from(exc)])
        return UpdateProgramSettingsPayload(
            program_settings=ProgramSettings.from_dto(settings), user_errors=[]
        )
