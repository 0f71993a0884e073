"""productRfm, topProductsOfSegment and productsSlipping through the HTTP endpoint:
figures, sorts and paging, the buyers' segments in one read per page, roles, and the
wall between shops."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.contexts.analytics.products_support import (
    line,
    moved,
    order,
    person,
    refresh_through_worker,
    score,
    seed,
)
from tests.graphql.conftest import count_statements, error_codes

P1, P2, P3 = 9_100_000_001, 9_100_000_002, 9_100_000_003

PRODUCTS = """
query ($sort: ProductRfmSort, $first: Int, $after: String) {
  productRfm(sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    nodes {
      productId daysSinceLastSale orders units revenue buyers repeatBuyers repeatRate slippingBuyers
      buyerSegments { segment buyers revenue }
    }
  }
}
"""
TOP = """
query ($segment: RfmSegment!) {
  topProductsOfSegment(segment: $segment, first: 5) { segmentBuyers segmentRevenue product { productId } }
}
"""
SLIPPING = "{ productsSlipping(first: 5) { productId slippingBuyers } }"


def gid(product_id: int) -> str:
    return f"gid://shopify/Product/{product_id}"


async def _shop_with_history(make_shop: Callable[..., Awaitable[Any]], drain: Any) -> Any:
    shop = await make_shop()
    ids = await seed(
        shop,
        [person(), person(), person()],
        [
            order(0, 40, line(P1, "30.00")),
            order(0, 20, line(P1, "30.00"), line(P2, "12.00")),
            order(1, 5, line(P2, "12.00")),
            order(2, 90, line(P3, "100.00", quantity=2)),
        ],
    )
    await score(shop, ids[0], "champions", r=5, f=5, m=5)
    await score(shop, ids[1], "new_customers", r=5, f=1, m=1)
    await score(shop, ids[2], "at_risk", r=1, f=2, m=4)
    await moved(shop, ids[2], "need_attention", "at_risk", days_ago=2)
    await refresh_through_worker(shop, drain)
    return shop


async def test_product_rfm_sorts_pages_and_segments(
    make_shop: Callable[..., Awaitable[Any]], drain: Callable[[], Awaitable[None]]
) -> None:
    shop = await _shop_with_history(make_shop, drain)

    first = (await shop.gql(PRODUCTS, {"first": 2}))["data"]["productRfm"]
    assert first["totalCount"] == 3
    assert [n["productId"] for n in first["nodes"]] == [gid(P3), gid(P1)]  # revenue: 200, 60
    assert first["pageInfo"]["hasNextPage"] is True
    p1 = first["nodes"][1]
    assert p1 == {
        "productId": gid(P1),
        "daysSinceLastSale": 20,
        "orders": 2,
        "units": 2,
        "revenue": "60.00",
        "buyers": 1,
        "repeatBuyers": 1,
        "repeatRate": "1.0000",
        "slippingBuyers": 0,
        "buyerSegments": [{"segment": "CHAMPIONS", "buyers": 1, "revenue": "60.00"}],
    }
    rest = (await shop.gql(PRODUCTS, {"first": 2, "after": first["pageInfo"]["endCursor"]}))["data"][
        "productRfm"
    ]
    assert [n["productId"] for n in rest["nodes"]] == [gid(P2)]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert rest["pageInfo"]["hasPreviousPage"] is True
    assert sorted((s["segment"], s["buyers"]) for s in rest["nodes"][0]["buyerSegments"]) == [
        ("CHAMPIONS", 1),
        ("NEW_CUSTOMERS", 1),
    ]

    async def order_of(sort: str) -> list[str]:
        result = await shop.gql(PRODUCTS, {"sort": sort, "first": 10})
        return [n["productId"] for n in result["data"]["productRfm"]["nodes"]]

    assert await order_of("RECENCY") == [gid(P2), gid(P1), gid(P3)]
    assert await order_of("ORDERS") == [gid(P1), gid(P2), gid(P3)]  # 2, 2 (by id), 1
    assert await order_of("REPEAT_RATE") == [gid(P1), gid(P2), gid(P3)]  # 1.0, 0.0 with 2 buyers, 0.0


async def test_buyer_segments_cost_one_read_per_page(
    make_shop: Callable[..., Awaitable[Any]], drain: Callable[[], Awaitable[None]]
) -> None:
    shop = await _shop_with_history(make_shop, drain)
    query = "{ productRfm(first: 10) { nodes { productId buyerSegments { segment } } } }"
    await shop.gql(query)  # warm the caches (the shop, the session)
    with count_statements() as statements:
        result = await shop.gql(query)
    assert len(result["data"]["productRfm"]["nodes"]) == 3
    assert len([s for s in statements if "analytics_product" in s]) == 2, statements


async def test_top_products_of_a_segment_and_slipping(
    make_shop: Callable[..., Awaitable[Any]], drain: Callable[[], Awaitable[None]]
) -> None:
    shop = await _shop_with_history(make_shop, drain)
    top = (await shop.gql(TOP, {"segment": "CHAMPIONS"}))["data"]["topProductsOfSegment"]
    assert [(t["product"]["productId"], t["segmentBuyers"], t["segmentRevenue"]) for t in top] == [
        (gid(P1), 1, "60.00"),
        (gid(P2), 1, "12.00"),
    ]
    assert (await shop.gql(TOP, {"segment": "LOST"}))["data"]["topProductsOfSegment"] == []
    slipping = (await shop.gql(SLIPPING))["data"]["productsSlipping"]
    assert slipping == [{"productId": gid(P3), "slippingBuyers": 1}]


async def test_roles_and_bad_input(
    make_shop: Callable[..., Awaitable[Any]], drain: Callable[[], Awaitable[None]]
) -> None:
    shop = await _shop_with_history(make_shop, drain)
    analyst = shop.token(roles=["admin:analytics"])
    assert len((await shop.gql(PRODUCTS, {}, token=analyst))["data"]["productRfm"]["nodes"]) == 3
    for role in ("admin:points", "admin:support"):
        refused = await shop.gql(
            "{ productRfm { totalCount } productsSlipping { productId } }", token=shop.token(roles=[role])
        )
        assert refused["data"] == {"productRfm": None, "productsSlipping": None}
        assert set(error_codes(refused)) == {"FORBIDDEN"}
    bad = await shop.gql("{ productsSlipping(first: 0) { productId } }")
    assert error_codes(bad) == ["BAD_USER_INPUT"]


async def test_shop_a_reads_none_of_shop_bs_products(
    make_shop: Callable[..., Awaitable[Any]], drain: Callable[[], Awaitable[None]]
) -> None:
    await _shop_with_history(make_shop, drain)
    other = await make_shop()
    result = await other.gql(
        "{ productRfm(first: 10) { totalCount nodes { productId } }"
        " topProductsOfSegment(segment: CHAMPIONS) { segmentBuyers }"
        " productsSlipping { productId } }"
    )
    assert result["data"] == {
        "productRfm": {"totalCount": 0, "nodes": []},
        "topProductsOfSegment": [],
        "productsSlipping": [],
    }
