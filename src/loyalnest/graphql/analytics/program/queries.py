"""Staff queries of program analytics and the charts (admin:full or admin:analytics).
A refused range (reversed, or longer than two years) is the client's mistake: a
BAD_USER_INPUT error on the field, which is null."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date
from typing import Annotated, TypeVar

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.analytics.program.types import (
    Chart,
    ProgramAnalytics,
    RfmHeatmap,
    RfmScatter,
    SegmentTransitionMatrix,
    scatter_from_dto,
    transitions_from_dto,
)
from loyalnest.graphql.core.errors import PublicError
from loyalnest.platform.errors import ValidationFailed

T = TypeVar("T")

FROM = strawberry.argument(name="from", description="The first day (shop's timezone), included.")
TO = strawberry.argument(description="The last day (shop's timezone), included; at most 731 days after from.")


async def _bad_range_is_user_input(pending: Awaitable[T]) -> T:
    try:
        return await pending
    except ValidationFailed as exc:
        # a query has no userErrors: a refused range is the client's mistake, shown as such
        raise PublicError(exc.message, code="BAD_USER_INPUT") from None


@strawberry.type
class ProgramQuery:
    @strawberry.field(
        permission_classes=[CanUseAnalytics],
        description="The loyalty program's results from `from` to `to` (shop-local days): totals and daily "
        "series from rollups refreshed every minute. Null (with an error) without admin:full or "
        "admin:analytics, or for a bad range (BAD_USER_INPUT).",
    )
    async def program_analytics(
        self, info: Info, from_: Annotated[date, FROM], to: Annotated[date, TO]
    ) -> ProgramAnalytics | None:
        dto = await _bad_range_is_user_input(analytics.program_analytics(info.context.merchant_id, from_, to))
        return ProgramAnalytics.from_dto(dto, info.context.merchant_id)

    @strawberry.field(
        permission_classes=[CanUseAnalytics],
        description="Customers per recency and frequency score (5x5) with their average spend. Null (with an "
        "error) without admin:full or admin:analytics.",
    )
    async def rfm_heatmap(self, info: Info) -> RfmHeatmap | None:
        dto = await analytics.rfm_heatmap(info.context.merchant_id)
        return RfmHeatmap(
            counts=Chart.from_dto(dto.counts), average_monetary=Chart.from_dto(dto.average_monetary)
        )

    @strawberry.field(
        permission_classes=[CanUseAnalytics],
        description="Days since the last order against net spend for a deterministic sample of at most 2,000 "
        "scored customers. Null (with an error) without admin:full or admin:analytics.",
    )
    async def rfm_scatter(self, info: Info) -> RfmScatter | None:
        return scatter_from_dto(await analytics.rfm_scatter(info.context.merchant_id))

    @strawberry.field(
        permission_classes=[CanUseAnalytics],
        description="Customers per built-in segment per day from `from` to `to` (one series per segment, 0 "
        "for days not recorded). Null (with an error) without admin:full or admin:analytics, or for a bad "
        "range.",
    )
    async def segment_sizes(
        self, info: Info, from_: Annotated[date, FROM], to: Annotated[date, TO]
    ) -> Chart | None:
        dto = await _bad_range_is_user_input(analytics.segment_sizes(info.context.merchant_id, from_, to))
        return Chart.from_dto(dto)

    @strawberry.field(
        permission_classes=[CanUseAnalytics],
        description="Customers who moved between segments from `from` to `to` (shop-local days), as a "
        "segments x segments matrix. Null (with an error) without admin:full or admin:analytics, or for a "
        "bad range.",
    )
    async def segment_transition_matrix(
        self, info: Info, from_: Annotated[date, FROM], to: Annotated[date, TO]
    ) -> SegmentTransitionMatrix | None:
        dto = await _bad_range_is_user_input(
            analytics.segment_transition_matrix(info.context.merchant_id, from_, to)
        )
        return transitions_from_dto(dto)


QUERIES = (ProgramQuery,)
