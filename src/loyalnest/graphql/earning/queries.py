"""Staff queries of the earning context: the ways to earn, the review-webhook secret."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from loyalnest.contexts.earning import api as earning
from loyalnest.graphql.core.permissions import CanManageProgram, IsStaff
from loyalnest.graphql.earning.types import EarningRule, ReviewWebhook


@strawberry.type
class EarningQuery:
    @strawberry.field(
        permission_classes=[IsStaff],
        description="Every way to earn of the shop, purchases first, each on or off.",
    )
    async def earning_rules(self, info: Info) -> list[EarningRule]:
        return [EarningRule.from_dto(rule) for rule in await earning.get_rules(info.context.merchant_id)]

    @strawberry.field(
        permission_classes=[IsStaff, CanManageProgram],
        description="The endpoints and signing secret to connect a review app (Judge.me, Yotpo); "
        "the secret is created the first time it is asked for.",
    )
    async def review_webhook(self, info: Info) -> ReviewWebhook:
        staff = info.context.staff
        return ReviewWebhook.from_dto(await earning.review_webhook(staff.merchant_id), staff.shop_domain)


QUERIES = (EarningQuery,)
