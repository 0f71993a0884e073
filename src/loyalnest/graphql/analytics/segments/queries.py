"""Staff queries of analytics' segments (admin:full or admin:analytics): the built-in
segments' counts and trends, a segment's customers, transitions between two dates, and
the shop's custom segments."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics
from loyalnest.contexts.customers import api as customers
from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.analytics.rfm.types import RfmSegment
from loyalnest.graphql.analytics.segments.types import (
    LOCALE_ARGUMENT,
    CustomSegment,
    RfmSegments,
    SegmentTransition,
)
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.pagination import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection,
    empty_connection,
    page_request,
)

if TYPE_CHECKING:
    from loyalnest.graphql.customers.types import Customer

# the composed Customer type, resolved once the schema is built
LazyCustomer = Annotated["Customer", strawberry.lazy("loyalnest.graphql.customers.types")]


async def rfm_segments_of(merchant_id: int, locale: str | None) -> RfmSegments:
    counts = await analytics.segment_counts(merchant_id)
    return RfmSegments.from_dtos(counts, locale or await analytics.shop_locale(merchant_id))


def segment_key(segment: RfmSegment | None, custom_segment_id: strawberry.ID | None) -> str | None:
    """The api's segment key (a slug or ``custom:<id>``); None for a custom id that names
    no custom segment (nothing to list); BAD_USER_INPUT unless exactly one is given."""
    if (segment is None) == (custom_segment_id is None):
        raise PublicError("give exactly one of segment and customSegmentId", code="BAD_USER_INPUT")
    if segment is not None:
        return str(segment.value)
    local_id = decode_id(str(custom_segment_id), "CustomSegment")
    return None if local_id is None else f"custom:{local_id}"


@strawberry.type
class SegmentsQuery:
    @strawberry.field(
        permission_classes=[CanUseAnalytics],
        description="The shop's customers by built-in RFM segment: each segment's live count, share and "
        "change against 7 and 30 days ago, in match order. Null (with an error) without admin:full or "
        "admin:analytics.",
    )
    async def rfm_segments(
        self, info: Info, locale: Annotated[str | None, LOCALE_ARGUMENT] = None
    ) -> RfmSegments | None:
        return await rfm_segments_of(info.context.merchant_id, locale)

    @strawberry.field(
        permission_classes=[CanUseAnalytics],
        description="The customers in a built-in segment (`segment`) or a custom one (`customSegmentId`), "
        "by customer id, paged forwards (first/after; last/before are refused). Exactly one of the two. "
        "Null (with an error) "
        "without admin:full or admin:analytics.",
    )
    async def segment_customers(
        self,
        info: Info,
        segment: Annotated[RfmSegment | None, strawberry.argument(description="A built-in segment.")] = None,
        custom_segment_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="A custom segment's global id.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[LazyCustomer] | None:
        from loyalnest.graphql.customers.types import Customer

        request = page_request(first, after, last, before)
        if request.backward or request.before_id is not None:
            # by customer id from a cursor, one direction (as nudges and referral lists)
            raise PublicError("segmentCustomers pages forwards only: use first/after", code="BAD_USER_INPUT")
        key = segment_key(segment, custom_segment_id)
        if key is None:
            return empty_connection()
        merchant_id = info.context.merchant_id
        ids = await analytics.customers_in_segment(merchant_id, key, request.after_id, request.size + 1)
        page, more = ids[: request.size], len(ids) > request.size
        found = await customers.get_customers(merchant_id, page)
        shown = [cid for cid in page if cid in found]

        async def count() -> int:
            return await analytics.count_in_segment(merchant_id, key)

        return connection(
            [Customer.from_dto(found[cid]) for cid in shown],
            ids=shown,
            has_next_page=more,
            has_previous_page=request.after_id is not None,
            count=count,
        )

    @strawberry.field(
        permission_classes=[CanUseAnalytics],
        description="How customers moved between built-in segments from the start of `from` to the end of "
        "`to` (shop-local days, at most 366): each customer counted once, from their segment before "
        "their first change in the range to their segment after the last (a customer back where they "
        "started is not counted). Most moved first, e.g. 37 customers from LOYAL to AT_RISK.",
    )
    async def segment_transitions(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(name="from", description="The first day (shop-local).")],
        to: Annotated[date, strawberry.argument(description="The last day (shop-local), included.")],
    ) -> list[SegmentTransition] | None:
        if to < from_:
            raise PublicError("`to` is before `from`", code="BAD_USER_INPUT")
        if (to - from_).days >= analytics.MAX_TRANSITION_DAYS:
            raise PublicError(
                f"a range spans at most {analytics.MAX_TRANSITION_DAYS} days", code="BAD_USER_INPUT"
            )
        found = await analytics.segment_transitions(info.context.merchant_id, from_, to)
        return [SegmentTransition.from_dto(dto) for dto in found]

    @strawberry.field(
        permission_classes=[CanUseAnalytics],
        description="The shop's custom segments, oldest first (a shop has at most 100), paged either way "
        "(first/after, last/before). Null (with an error) without admin:full or admin:analytics.",
    )
    async def custom_segments(
        self, info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
    ) -> Connection[CustomSegment] | None:
        request = page_request(first, after, last, before)
        merchant_id = info.context.merchant_id
        # at most 100 per shop: read whole (one statement), paged here by id
        every = await analytics.list_custom_segments(merchant_id)
        within = [
            dto
            for dto in every
            if (request.after_id is None or dto.id > request.after_id)
            and (request.before_id is None or dto.id < request.before_id)
        ]
        page = within[-request.size :] if request.backward else within[: request.size]
        more = len(within) > request.size

        async def count() -> int:
            return len(every)

        return connection(
            [CustomSegment.from_dto(dto) for dto in page],
            ids=[dto.id for dto in page],
            has_next_page=more if not request.backward else request.before_id is not None,
            has_previous_page=more if request.backward else request.after_id is not None,
            count=count,
        )

    @strawberry.field(
        permission_classes=[CanUseAnalytics],
        description="One custom segment of this shop by global id, or null.",
    )
    async def custom_segment(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="Its global id.")]
    ) -> CustomSegment | None:
        local_id = decode_id(str(id), "CustomSegment")
        if local_id is None:
            return None
        dto = await info.context.loaders.get("analytics.custom_segment").load(local_id)
        return None if dto is None else CustomSegment.from_dto(dto)
