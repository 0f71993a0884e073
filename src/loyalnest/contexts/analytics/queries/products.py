"""Reads of product-level RFM, each an index read of the materialised stats (see
commands/products.py for how and when they are refreshed)."""

from __future__ import annotations

from collections.abc import Sequence

from loyalnest.contexts.analytics.dto.products import (
    PRODUCT_SORTS,
    ProductRfmPage,
    ProductSegmentCountDTO,
    SegmentProductDTO,
)
from loyalnest.contexts.analytics.repository import products as repository
from loyalnest.contexts.analytics.rules.rfm_segments import SEGMENTS
from loyalnest.platform.db import read_session
from loyalnest.platform.errors import ValidationFailed


async def list_product_rfm(merchant_id: int, *, sort: str, first: int, after: int | None) -> ProductRfmPage:
    """A page of the shop's products in ``sort`` order (revenue, orders, recency: most
    recently sold first, repeat_rate); ``after`` is the previous page's last rank."""
    if sort not in PRODUCT_SORTS:
        raise ValidationFailed(f"sort must be one of {', '.join(PRODUCT_SORTS)}", field="sort")
    async with read_session() as session:
        rows = await repository.product_page(
            session, merchant_id, sort=sort, after_rank=after, limit=first + 1
        )
    return ProductRfmPage(items=rows[:first], has_next_page=len(rows) > first)


async def count_product_rfm(merchant_id: int) -> int:
    async with read_session() as session:
        return await repository.count_products(session, merchant_id)


async def products_slipping(merchant_id: int, *, first: int, after: int | None = None) -> ProductRfmPage:
    """Products whose buyers moved into at_risk / cant_lose_them most recently (within
    ``SLIPPING_WINDOW_DAYS``), most such buyers first; products without any are left out."""
    async with read_session() as session:
        rows = await repository.product_page(
            session, merchant_id, sort="slipping", after_rank=after, limit=first + 1
        )
    return ProductRfmPage(items=rows[:first], has_next_page=len(rows) > first)


async def top_products_of_segment(merchant_id: int, segment: str, *, first: int) -> list[SegmentProductDTO]:
    """The products most of the segment's buyers bought ("top products of Champions")."""
    if segment not in SEGMENTS:
        raise ValidationFailed("not a built-in segment", field="segment")
    async with read_session() as session:
        found = await repository.top_of_segment(session, merchant_id, segment, first)
    return [SegmentProductDTO(product, buyers, revenue) for product, buyers, revenue in found]


async def product_segment_counts(
    merchant_id: int, product_ids: Sequence[int]
) -> dict[int, list[ProductSegmentCountDTO]]:
    """Each product's buyers per segment, most first (a DataLoader batch: one read)."""
    if not product_ids:
        return {}
    async with read_session() as session:
        found = await repository.segment_counts(session, merchant_id, product_ids)
    return {product_id: found.get(product_id, []) for product_id in product_ids}
