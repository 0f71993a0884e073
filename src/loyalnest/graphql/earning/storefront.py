"""The earning fields of the storefront customer (``me``)."""

from __future__ import annotations

from datetime import date

from strawberry.types import Info

from loyalnest.contexts.earning import api as earning
from loyalnest.graphql.earning.types import WayToEarn


async def ways_to_earn(info: Info) -> list[WayToEarn]:
    return [WayToEarn.from_dto(rule) for rule in await earning.ways_to_earn(info.context.merchant_id)]


async def my_birthday(info: Info, local_id: int | None) -> date | None:
    if local_id is None:
        return None
    customer = await info.context.loaders.customer.load(local_id)
    return None if customer is None else customer.birthday
