"""Staff mutation of segment exports: ask for a CSV of a segment's customers."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.analytics.products.types import SegmentExport
from loyalnest.graphql.core.errors import USER_ERRORS, UserError
from loyalnest.graphql.core.ids import decode_id, parse_local_id
from loyalnest.graphql.core.mutations import Write, mutation
from loyalnest.graphql.core.permissions import IsStaff
from loyalnest.platform import rate_limit
from loyalnest.platform.errors import DomainError, ValidationFailed

CUSTOM_PREFIX = "custom:"
# exports per shop per hour: each reads and decrypts a whole segment on the worker
EXPORTS_PER_HOUR = 20
# the GraphQL type of a custom segment (the segments concern's), in global ids
CUSTOM_SEGMENT = "CustomSegment"


@strawberry.type(description="What exportSegment did.")
class ExportSegmentPayload:
    segment_export: SegmentExport | None = strawberry.field(
        description="The export, queued (follow it with segmentExport or segmentExportProgress); null "
        "when refused."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def context_segment(segment: str) -> str:
    """The context's name of a segment: a built-in slug (``champions``; the RfmSegment
    name ``CHAMPIONS`` is accepted too) or ``custom:<local id>`` from ``custom:`` and a
    custom segment's global id (or its number)."""
    if segment.startswith(CUSTOM_PREFIX):
        reference = segment[len(CUSTOM_PREFIX) :]
        local_id = parse_local_id(reference) or decode_id(reference, CUSTOM_SEGMENT)
        if local_id is None:
            raise ValidationFailed("not a custom segment id", field="segment")
        return f"{CUSTOM_PREFIX}{local_id}"
    slug = segment.lower()
    if slug not in analytics.SEGMENTS:
        raise ValidationFailed(
            "not a segment: a built-in segment (e.g. champions) or custom:<id>", field="segment"
        )
    return slug


async def _check_rate(merchant_id: int) -> None:
    decision = await rate_limit.hit(
        "segment_exports", limit=EXPORTS_PER_HOUR, window_seconds=3600, merchant_id=merchant_id
    )
    if not decision.allowed:
        raise DomainError(
            f"at most {EXPORTS_PER_HOUR} exports an hour; try again in {decision.retry_after} s",
            code="RATE_LIMITED",
        )


@strawberry.type
class ProductsAnalyticsMutation:
    @strawberry.mutation(
        permission_classes=[IsStaff, CanUseAnalytics],
        description="Export a segment's customers as CSV, in the background (admin:full or "
        "admin:analytics; audited). Columns: customer GID, email, first and last name, points balance, "
        "tier, R, F, M, segment, last order. Follow it with segmentExport(id) or "
        "segmentExportProgress(id); once completed it has an expiring signed downloadUrl. Refusals: "
        "INVALID or NOT_FOUND on `segment`; RATE_LIMITED past 20 exports an hour per shop.",
    )
    @mutation(ExportSegmentPayload)
    async def export_segment(
        self,
        info: Info,
        write: Write,
        segment: Annotated[
            str,
            strawberry.argument(
                description="A built-in segment's slug (champions, at_risk, ...) or custom:<id> with a "
                "custom segment's id."
            ),
        ],
    ) -> ExportSegmentPayload:
        staff = info.context.staff
        segment = context_segment(segment)
        await _check_rate(staff.merchant_id)
        export = await analytics.request_segment_export(
            write.uow,
            staff.merchant_id,
            segment,
            actor=staff.actor,
            requested_by=staff.user_id,
        )
        return ExportSegmentPayload(segment_export=SegmentExport.from_dto(export), user_errors=[])


MUTATIONS = (ProductsAnalyticsMutation,)
