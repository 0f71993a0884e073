"""Staff queries of the RFM concern: the configuration and the preview of a proposed
one (a query: nothing is saved)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.analytics.rfm.inputs import RfmConfigInput, to_update
from loyalnest.graphql.analytics.rfm.types import RfmConfig, RfmPreview, RfmSegment, RfmSegmentSize
from loyalnest.graphql.core.errors import PublicError
from loyalnest.platform.errors import DomainError


@strawberry.type
class RfmQuery:
    @strawberry.field(
        permission_classes=[CanUseAnalytics],
        description="The shop's RFM configuration, its boundaries and recompute status (admin:full or "
        "admin:analytics; null with an error for anyone else).",
    )
    async def rfm_config(self, info: Info) -> RfmConfig | None:
        return RfmConfig.from_dto(await analytics.get_rfm_config(info.context.merchant_id))

    @strawberry.field(
        permission_classes=[CanUseAnalytics],
        description="Segment sizes if the current configuration were changed as given, without saving "
        "anything (fresh quintiles and average order value over the scored customers). An invalid "
        "configuration is an error with code BAD_USER_INPUT.",
    )
    async def preview_rfm_config(
        self,
        info: Info,
        config: Annotated[RfmConfigInput, strawberry.argument(description="The proposed changes.")],
    ) -> RfmPreview | None:
        merchant_id = info.context.merchant_id
        current = await analytics.get_rfm_config(merchant_id)
        try:
            proposed = analytics.apply_rfm_update(current.config, to_update(config))
            dto, seconds = await analytics.preview_rfm_config(merchant_id, proposed)
        except DomainError as exc:
            raise PublicError(exc.message, code="BAD_USER_INPUT") from exc
        return RfmPreview(
            segments=[RfmSegmentSize(segment=RfmSegment(s), customers=n) for s, n in dto.counts.items()],
            total=dto.total,
            milliseconds=round(seconds * 1000, 1),
        )


QUERIES = (RfmQuery,)
