"""Staff queries of nudges (admin:full or admin:analytics): the list, one nudge, its A/B
results and an email run's progress. The storefront reads ``me.nudges`` (customer_fields)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.nudges.types import (
    NUDGE,
    NUDGE_EMAIL_RUN,
    Nudge,
    NudgeEmailRun,
    NudgeResults,
    nudge_connection,
)
from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.pagination import After, Before, Connection, First, Last, page_request
from loyalnest.graphql.core.permissions import IsStaff

ID_ARGUMENT = strawberry.argument(description="The nudge's global id.")


@strawberry.type
class NudgesQuery:
    @strawberry.field(
        permission_classes=[IsStaff, CanUseAnalytics],
        description="The shop's nudges, newest first, paged forwards (first/after; last/before are "
        "refused); archived ones with `archived: true`. admin:full or admin:analytics; null with an "
        "error for anyone else.",
    )
    async def nudges(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        archived: Annotated[
            bool, strawberry.argument(description="List the archived nudges instead of the live ones.")
        ] = False,
    ) -> Connection[Nudge] | None:
        request = page_request(first, after, last, before)
        if request.backward or request.before_id is not None:
            # newest first from a cursor, one direction (as referral lists)
            raise PublicError("nudges page forwards only: use first/after", code="BAD_USER_INPUT")
        merchant_id = info.context.merchant_id
        page = await analytics.list_nudges(
            merchant_id, archived=archived, first=request.size, after=request.after_id
        )

        async def count() -> int:
            return await analytics.count_nudges(merchant_id, archived=archived)

        return nudge_connection(page, request.after_id is not None, count)

    @strawberry.field(
        permission_classes=[IsStaff, CanUseAnalytics],
        description="One nudge (archived ones too); null when the id names no nudge of this shop. "
        "admin:full or admin:analytics.",
    )
    async def nudge(self, info: Info, id: Annotated[strawberry.ID, ID_ARGUMENT]) -> Nudge | None:
        local_id = decode_id(id, NUDGE)
        if local_id is None:
            return None
        dto = await info.context.loaders.get("analytics.nudge").load(local_id)
        return None if dto is None else Nudge.from_dto(dto)

    @strawberry.field(
        permission_classes=[IsStaff, CanUseAnalytics],
        description="A nudge's A/B results per variant: views, clicks, CTR, conversions (orders within 7 "
        "days of a click), conversion rate, and each variant's two-proportion z-test p-value against the "
        "control. Null when the id names no nudge of this shop. admin:full or admin:analytics.",
    )
    async def nudge_results(
        self, info: Info, id: Annotated[strawberry.ID, ID_ARGUMENT]
    ) -> NudgeResults | None:
        local_id = decode_id(id, NUDGE)
        if local_id is None:
            return None
        dto = await analytics.nudge_results(info.context.merchant_id, local_id)
        return None if dto is None else NudgeResults.from_dto(dto)

    @strawberry.field(
        permission_classes=[IsStaff, CanUseAnalytics],
        description="An email nudge run and its progress (sendNudgeEmail returns it); null when the id "
        "names no run of this shop. admin:full or admin:analytics.",
    )
    async def nudge_email_run(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The run's global id.")],
    ) -> NudgeEmailRun | None:
        local_id = decode_id(id, NUDGE_EMAIL_RUN)
        if local_id is None:
            return None
        found = await analytics.get_email_runs(info.context.merchant_id, [local_id])
        dto = found.get(local_id)
        return None if dto is None else NudgeEmailRun.from_dto(dto)


QUERIES = (NudgesQuery,)
