"""Live progress of a segment export, fed by Redis pub/sub: the worker nudges the
export's channel after every batch it commits, and each nudge is answered with the
export read afresh (so any missed nudge is harmless: pub/sub is at-most-once)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.analytics.products.types import SEGMENT_EXPORT, SegmentExport
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.permissions import IsStaff
from loyalnest.platform import pubsub

_FINAL = ("completed", "failed")


async def export_progress(merchant_id: int, export_id: int) -> AsyncGenerator[SegmentExport, None]:
    """The export now, then after every step, until it is completed or failed."""
    nudges = pubsub.subscribe(analytics.export_channel(merchant_id, export_id))
    waiting: asyncio.Future[dict[str, Any]] = asyncio.ensure_future(anext(nudges))
    try:
        await asyncio.sleep(0)  # registered before the first read: no step falls between
        while True:
            export = await analytics.get_segment_export(merchant_id, export_id)
            if export is None:
                return
            yield SegmentExport.from_dto(export)
            if export.status in _FINAL:
                return
            try:
                await waiting
            except StopAsyncIteration:
                return
            waiting = asyncio.ensure_future(anext(nudges))
    except pubsub.SubscriberLagged:
        raise PublicError(
            "updates came faster than this connection read them: subscribe again", code="SUBSCRIPTION_LAGGED"
        ) from None
    finally:
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await waiting
        await nudges.aclose()


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
