"""Live progress of a segment export, fed by Redis pub/sub: the worker nudges the
export's channel after every batch it commits, and each nudge is answered with the
export read afresh (so any missed nudge is harmless: pub/sub is at-most-once)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.analytics.products.types import SEGMENT_EXPORT, SegmentExport
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.permissions import IsStaff
from loyalnest.graphql.core.progress import follow

_FINAL = ("completed", "failed")


async def export_progress(merchant_id: int, export_id: int) -> AsyncGenerator[SegmentExport, None]:
    """The export now, then after every step, until it is completed or failed."""

    async def read() -> SegmentExport | None:
        export = await analytics.get_segment_export(merchant_id, export_id)
        return None if export is None else SegmentExport.from_dto(export)

    async for export in follow(
        analytics.export_channel(merchant_id, export_id), read, done=lambda e: e.status.value in _FINAL
    ):
        yield export


@strawberry.type
class ProductsAnalyticsSubscription:
    @strawberry.subscription(
        permission_classes=[IsStaff, CanUseAnalytics],
        description="A segment export's progress: the export at once, then after every batch it writes, "
        "ending once it is completed (with its downloadUrl) or failed. admin:full or admin:analytics.",
    )
    async def segment_export_progress(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The export's global id.")],
    ) -> AsyncGenerator[SegmentExport, None]:
        merchant_id = info.context.merchant_id
        local_id = decode_id(id, SEGMENT_EXPORT)
        if local_id is None or await analytics.get_segment_export(merchant_id, local_id) is None:
            raise PublicError("segment export not found", code="NOT_FOUND")
        async for export in export_progress(merchant_id, local_id):
            yield export


SUBSCRIPTIONS = (ProductsAnalyticsSubscription,)
