"""GraphQL types of the merchants context."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from loyalnest.contexts.merchants import api as merchants


@strawberry.enum(description="How fractional points are rounded to whole points.")
class PointsRounding(Enum):
    DOWN = "down"
    NEAREST = "nearest"
    UP = "up"


# The rate is stored with 4 decimal places; always show it that way, whether it comes
# from a read or straight from an update ("2.5", "2.50" and "25E-1" are "2.5000").
RATE_PLACES = Decimal("0.0001")


def rate_for_display(rate: Decimal) -> Decimal:
    return rate.quantize(RATE_PLACES) + 0  # "+ 0" turns -0 into 0


@strawberry.type(description="How this shop's program earns points.")
class ProgramSettings:
    points_per_currency_unit: Decimal = strawberry.field(
        description="Points per 1 unit of the shop's currency, on the subtotal after discounts."
    )
    rounding: PointsRounding
    earn_on_shipping: bool
    earn_on_tax: bool
    updated_at: datetime

    @classmethod
    def from_dto(cls, dto: merchants.ProgramSettingsDTO) -> ProgramSettings:
        return cls(
            points_per_currency_unit=rate_for_display(dto.points_per_currency_unit),
            rounding=PointsRounding(dto.rounding),
            earn_on_shipping=dto.earn_on_shipping,
            earn_on_tax=dto.earn_on_tax,
            updated_at=dto.updated_at,
        )


@strawberry.type(description="The shop the session belongs to.")
class Shop:
    domain: str
    name: str
    currency: str
    plan: str
    iana_timezone: str
    merchant_id: strawberry.Private[int]

    @classmethod
    def from_dto(cls, dto: merchants.MerchantDTO) -> Shop:
        return cls(
            domain=dto.shop_domain,
            name=dto.name,
            currency=dto.currency,
            plan=dto.plan,
            iana_timezone=dto.iana_timezone,
            merchant_id=dto.id,
        )

    @strawberry.field
    async def program_settings(self, info: Info) -> ProgramSettings:
        return ProgramSettings.from_dto(await merchants.get_program_settings(self.merchant_id))
