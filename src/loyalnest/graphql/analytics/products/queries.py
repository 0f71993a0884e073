"""Staff queries of product-level RFM and segment exports (admin:full or
admin:analytics). Each reads the materialised product stats: an index range per page."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from loyalnest.contexts.analytics import api as analytics
from loyalnest.graphql.analytics.permissions import CanUseAnalytics
from loyalnest.graphql.analytics.products.types import (
    SEGMENT_EXPORT,
    ProductRfm,
    ProductRfmSort,
    SegmentExport,
    SegmentProduct,
    product_connection,
)
from loyalnest.graphql.analytics.rfm.types import RfmSegment
from loyalnest.graphql.core.errors import PublicError
from loyalnest.graphql.core.ids import decode_id
from loyalnest.graphql.core.pagination import After, Before, Connection, First, Last, page_request
from loyalnest.graphql.core.permissions import IsStaff
from loyalnest.platform.errors import DomainError

ANALYTICS = [IsStaff, CanUseAnalytics]
MAX_LIST = 100


def _bounded_first(first: int) -> int:
    if first < 1 or first > MAX_LIST:
        raise PublicError(f"first must be between 1 and {MAX_LIST}", code="BAD_USER_INPUT")
    return first


@strawberry.type
class ProductsAnalyticsQuery:
    @strawberry.field(
        permission_classes=ANALYTICS,
        description="The shop's products with their RFM (days since last sale, orders, revenue, repeat "
        "rate, buyers' segments), paged forwards in `sort` order. Refreshed daily and after each full "
        "RFM recompute. admin:full or admin:analytics; null (with an error) for anyone else.",
    )
    async def product_rfm(
        self,
        info: Info,
        sort: Annotated[
            ProductRfmSort, strawberry.argument(description="The order of the list (REVENUE by default).")
        ] = ProductRfmSort.REVENUE,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ProductRfm] | None:
        request = page_request(first, after, last, before)
        if request.backward or request.before_id is not None:
            # ranked by the chosen sort from a cursor, one direction (as the other analytics lists)
            raise PublicError("productRfm pages forwards only: use first/after", code="BAD_USER_INPUT")
        merchant_id = info.context.merchant_id
        try:
            page = await analytics.list_product_rfm(
                merchant_id, sort=str(sort.value), first=request.size, after=request.after_id
            )
        except DomainError as exc:
            raise PublicError(exc.message, code="BAD_USER_INPUT") from None

        async def count() -> int:
            return await analytics.count_product_rfm(merchant_id)

        return product_connection(
            page.items,
            merchant_id,
            has_next=page.has_next_page,
            after=request.after_id is not None,
            count=count,
        )

    @strawberry.field(
        permission_classes=ANALYTICS,
        description="The products most of a segment's customers bought, most buyers first (then their "
        'revenue): "top products of Champions". admin:full or admin:analytics.',
    )
    async def top_products_of_segment(
        self,
        info: Info,
        segment: Annotated[RfmSegment, strawberry.argument(description="The segment.")],
        first: Annotated[int, strawberry.argument(description="How many products (1-100).")] = 10,
    ) -> list[SegmentProduct] | None:
        merchant_id = info.context.merchant_id
        found = await analytics.top_products_of_segment(
            merchant_id, str(segment.value), first=_bounded_first(first)
        )
        return [
            SegmentProduct(
                product=ProductRfm.from_dto(item.product, merchant_id),
                segment_buyers=item.segment_buyers,
                segment_revenue=item.segment_revenue,
            )
            for item in found
        ]

    @strawberry.field(
        permission_classes=ANALYTICS,
        description="Products whose buyers are slipping: ranked by how many of their buyers moved into "
        "At Risk or Can't Lose Them in the last 30 days (products with none left out). admin:full or "
        "admin:analytics.",
    )
    async def products_slipping(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="How many products (1-100).")] = 10,
    ) -> list[ProductRfm] | None:
        merchant_id = info.context.merchant_id
        page = await analytics.products_slipping(merchant_id, first=_bounded_first(first))
        return [ProductRfm.from_dto(item, merchant_id) for item in page.items]

    @strawberry.field(
        permission_classes=ANALYTICS,
        description="A segment export of this shop (exportSegment), with its progress and, once written, "
        "its download link; null for an unknown id. admin:full or admin:analytics.",
    )
    async def segment_export(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The export's global id.")],
    ) -> SegmentExport | None:
        local_id = decode_id(id, SEGMENT_EXPORT)
        if local_id is None:
            return None
        found = await analytics.get_segment_export(info.context.merchant_id, local_id)
        return None if found is None else SegmentExport.from_dto(found)


QUERIES = (ProductsAnalyticsQuery,)
