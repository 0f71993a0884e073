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


QUERIES = (EarningQuery,)
