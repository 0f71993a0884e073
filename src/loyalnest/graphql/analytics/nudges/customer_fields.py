"""What nudges add to the storefront ``Me`` type: the nudges that apply to you now."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.nudges.types import MyNudge


@strawberry.type
class MeNudges:
    local_id: strawberry.Private[int | None]

    @strawberry.field(
        description="The nudges that apply to you now (your segment, not dismissed recently), each in "
        "your A/B variant (the same one every time) and language; empty until the shop knows you as a "
        "customer. Record what you do with them with recordNudgeEvent."
    )
    async def nudges(
        self,
        info: Info,
        locale: Annotated[
            str | None,
            strawberry.argument(
                description="The storefront's language (BCP 47, e.g. `fr-CA`); texts fall back to its "
                "language, then the nudge's default locale."
            ),
        ] = None,
    ) -> list[MyNudge]:
        if self.local_id is None:
            return []
        principal = info.context.customer
        found = await analytics.my_nudges(principal.merchant_id, self.local_id, locale)
        return [MyNudge.from_dto(dto) for dto in found]


ME_FIELDS = (MeNudges,)
