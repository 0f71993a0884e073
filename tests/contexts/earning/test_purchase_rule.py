"""The purchase earning rule's options, through signed orders/create and refunds/create
webhooks: on/off, the default rate of new shops, a minimum order, and products whose
lines (after discounts) earn nothing, also when refunded. Plus the line-item parsing
they rest on."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loyalnest.contexts.webhooks import payloads as shopify_payloads
from loyalnest.platform.errors import ValidationFailed
from tests.contexts.points.helpers import account, ledger, local_id, new_id, order, send, set_rule
from tests.contexts.support import rows
from tests.payloads import money_set
from tests.payloads import refund as refund_body

D = Decimal


def line(
    product_id: int | None, price: str, quantity: int = 1, discount: str | None = None, tax: str | None = None
) -> dict:
    """An order line item as Shopify sends it (shop currency USD)."""
    return {
        "id": new_id(),
        "product_id": product_id,
        "variant_id": None if product_id is None else product_id * 10,
        "title": "Thing",
        "quantity": quantity,
        "price": price,
        "price_set": money_set(price),
        "total_discount": "0.00",
        "total_discount_set": money_set("0.00"),
        "discount_allocations": []
        if discount is None
        else [{"amount": discount, "amount_set": money_set(discount), "discount_application_index": 0}],
        "tax_lines": []
        if tax is None
        else [{"price": tax, "price_set": money_set(tax), "rate": 0.1, "title": "VAT"}],
    }


def refunded_line(product_id: int | None, subtotal: str, tax: str = "0.00") -> dict:
    return {
        "id": new_id(),
        "line_item_id": new_id(),
        "quantity": 1,
        "subtotal": subtotal,
        "subtotal_set": money_set(subtotal),
        "total_tax": tax,
        "total_tax_set": money_set(tax),
        "line_item": {"id": new_id(), "product_id": product_id, "quantity": 1},
    }


async def order_points(shop, oid: int) -> dict:
    [row] = await rows(
        "select eligible_amount, points_earned from order_points"
        " where merchant_id = :m and shopify_order_id = :o",
        m=shop.id,
        o=oid,
    )
    return row


async def test_new_shops_earn_ten_points_per_unit(make_shop, drain):
    shop = await make_shop(shipped_program=True)
    cid = new_id()
    await order(shop, drain, new_id(), cid, "12.34")
    assert [e["delta"] for e in await ledger(shop) if e["source"] == "order"] == [123]


async def test_purchases_can_be_switched_off(shop, drain):
    await set_rule(shop, purchase_enabled=False)
    cid, oid = new_id(), new_id()
    await order(shop, drain, oid, cid, "80.00")
    assert await ledger(shop) == []
    assert (await order_points(shop, oid))["points_earned"] == 0  # the order is still known
    await set_rule(shop, purchase_enabled=True)
    await order(shop, drain, new_id(), cid, "5.00")
    assert [e["delta"] for e in await ledger(shop)] == [5]


async def test_orders_below_the_minimum_earn_nothing(shop, drain):
    await set_rule(shop, min_order_amount=D("50.00"))
    cid = new_id()
    await order(shop, drain, new_id(), cid, "49.99")
    await order(shop, drain, new_id(), cid, "50.00")
    assert [e["delta"] for e in await ledger(shop)] == [50]
    await set_rule(shop, min_order_amount=D("0"))  # 0 removes the minimum
    await order(shop, drain, new_id(), cid, "3.00")
    assert [e["delta"] for e in await ledger(shop)] == [50, 3]


async def test_lines_of_excluded_products_earn_nothing_after_their_discounts(shop, drain):
    gift_card, shirt = 7001, 7002
    await set_rule(shop, excluded_product_ids=(gift_card,))
    cid, oid = new_id(), new_id()
    # 2 x 25.00 gift cards with 5.00 of discount, a 60.00 shirt with 6.00: subtotal 104.00
    await order(
        shop,
        drain,
        oid,
        cid,
        "99.00",
        line_items=[line(gift_card, "25.00", 2, discount="5.00"), line(shirt, "60.00", discount="6.00")],
    )
    assert [e["delta"] for e in await ledger(shop)] == [54]
    assert (await order_points(shop, oid))["eligible_amount"] == D("54.0000")

    # refunding a gift card takes nothing back; refunding half the shirt takes half
    await send(
        shop,
        drain,
        "refunds/create",
        refund_body(new_id(), oid, subtotal="0.00")
        | {"refund_line_items": [refunded_line(gift_card, "22.50")]},
    )
    assert [e["delta"] for e in await ledger(shop)] == [54]
    await send(
        shop,
        drain,
        "refunds/create",
        refund_body(new_id(), oid, subtotal="0.00") | {"refund_line_items": [refunded_line(shirt, "27.00")]},
    )
    assert [e["delta"] for e in await ledger(shop)] == [54, -27]
    assert (await account(shop, await local_id(shop, cid))).balance == 27


async def test_excluded_lines_with_prices_including_tax(shop, drain):
    await set_rule(shop, excluded_product_ids=(8001,))
    cid = new_id()
    # prices include 10% tax: 55.00 (5.00 tax) excluded, 110.00 (10.00 tax) earning
    await order(
        shop,
        drain,
        new_id(),
        cid,
        "165.00",
        tax="15.00",
        taxes_included=True,
        line_items=[line(8001, "55.00", tax="5.00"), line(8002, "110.00", tax="10.00")],
    )
    assert [e["delta"] for e in await ledger(shop)] == [100]


async def test_custom_items_without_a_product_earn(shop, drain):
    await set_rule(shop, excluded_product_ids=(9001,))
    await order(shop, drain, new_id(), new_id(), "30.00", line_items=[line(None, "30.00")])
    assert [e["delta"] for e in await ledger(shop)] == [30]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_order_amount": D("-1")}, "minOrderAmount"),
        ({"min_order_amount": D("1.00001")}, "minOrderAmount"),
        ({"min_order_amount": D("NaN")}, "minOrderAmount"),
        ({"excluded_product_ids": (0,)}, "excludedProductIds"),
        ({"excluded_product_ids": tuple(range(1, 1002))}, "excludedProductIds"),
        ({"pending_days": -1}, "pendingDays"),
        ({"pending_days": 366}, "pendingDays"),
    ],
)
async def test_bad_values_are_refused(shop, changes, field):
    with pytest.raises(ValidationFailed) as refused:
        await set_rule(shop, **changes)
    assert refused.value.field == field


class TestLineItems:
    def test_discounts_taxes_and_custom_items(self):
        parsed = shopify_payloads.parse_line(line(5, "19.99", 3, discount="4.50", tax="5.40"))
        assert parsed == shopify_payloads.ParsedLine(5, 3, D("19.99"), D("4.50"), D("5.40"))
        custom = shopify_payloads.parse_line(line(None, "7.00"))
        assert (custom.product_id, custom.discount, custom.tax) == (None, D("0"), D("0"))

    def test_total_discount_when_a_payload_has_no_allocations(self):
        item = line(5, "10.00") | {"total_discount": "2.00", "total_discount_set": money_set("2.00")}
        assert shopify_payloads.parse_line(item).discount == D("2.00")

    def test_amounts_are_shop_money(self):
        item = line(5, "10.00") | {
            "price": "9.00",
            "price_set": {
                "shop_money": {"amount": "10.00", "currency_code": "USD"},
                "presentment_money": {"amount": "9.00", "currency_code": "EUR"},
            },
        }
        assert shopify_payloads.parse_line(item).price == D("10.00")

    @pytest.mark.parametrize(
        "item",
        [
            "not an object",
            {"product_id": 5, "quantity": -1, "price": "1.00"},
            {"product_id": 5, "quantity": 1.5, "price": "1.00"},
            {"product_id": "x", "quantity": 1, "price": "1.00"},
            {"product_id": 5, "quantity": 1, "price": 1.5},
        ],
    )
    def test_lines_that_cannot_be_understood_are_refused(self, item):
        with pytest.raises(shopify_payloads.PayloadError):
            shopify_payloads.parse_line(item)

    def test_refund_lines_carry_their_product(self):
        body = refund_body(1, 2, subtotal="0") | {"refund_line_items": [refunded_line(77, "12.00", "1.20")]}
        parsed = shopify_payloads.parse_refund(body)
        assert parsed.lines == (shopify_payloads.ParsedRefundLine(77, D("12.00"), D("1.20")),)
        assert (parsed.line_subtotal, parsed.line_tax) == (D("12.00"), D("1.20"))


def product(product_id: int, tags: str, updated_at: str) -> dict:
    """A products/create or products/update payload (the fields that matter here)."""
    return {
        "id": product_id,
        "admin_graphql_api_id": f"gid://shopify/Product/{product_id}",
        "title": "Thing",
        "tags": tags,
        "updated_at": updated_at,
        "variants": [],
    }


class TestExcludedTags:
    async def test_products_carrying_an_excluded_tag_earn_nothing(self, shop, drain):
        gift, shirt = 7101, 7102
        await set_rule(shop, excluded_product_tags=(" Gift Card ",))
        await send(shop, drain, "products/create", product(gift, "sale, GIFT CARD", "2026-11-01T10:00:00Z"))
        await send(shop, drain, "products/create", product(shirt, "sale", "2026-11-01T10:00:00Z"))
        cid, oid = new_id(), new_id()
        await order(shop, drain, oid, cid, "80.00", line_items=[line(gift, "50.00"), line(shirt, "30.00")])
        assert [e["delta"] for e in await ledger(shop)] == [30]
        # refunding the gift card takes nothing back
        await send(
            shop,
            drain,
            "refunds/create",
            refund_body(new_id(), oid, subtotal="0.00")
            | {"refund_line_items": [refunded_line(gift, "50.00")]},
        )
        assert [e["delta"] for e in await ledger(shop)] == [30]

    async def test_the_latest_product_update_wins_whatever_order_they_arrive_in(self, shop, drain):
        item = 7201
        await set_rule(shop, excluded_product_tags=("no-points",))
        await send(shop, drain, "products/update", product(item, "no-points", "2026-11-02T10:00:00Z"))
        await send(shop, drain, "products/update", product(item, "", "2026-11-03T10:00:00Z"))
        # an older version delivered late changes nothing
        await send(shop, drain, "products/update", product(item, "no-points", "2026-11-01T10:00:00Z"))
        await order(shop, drain, new_id(), new_id(), "40.00", line_items=[line(item, "40.00")])
        assert [e["delta"] for e in await ledger(shop)] == [40]
        await send(shop, drain, "products/update", product(item, "No-Points", "2026-11-04T10:00:00Z"))
        await order(shop, drain, new_id(), new_id(), "40.00", line_items=[line(item, "40.00")])
        assert [e["delta"] for e in await ledger(shop)] == [40]
        assert await rows(
            "select tags from product_tags where merchant_id = :m and product_id = :p", m=shop.id, p=item
        ) == [{"tags": ["no-points"]}]

    async def test_a_product_never_seen_is_not_excluded_by_tag(self, shop, drain):
        await set_rule(shop, excluded_product_tags=("gift",))
        await order(shop, drain, new_id(), new_id(), "12.00", line_items=[line(7301, "12.00")])
        assert [e["delta"] for e in await ledger(shop)] == [12]

    @pytest.mark.parametrize(
        "tags", [("",), ("   ",), ("x" * 256,), ("a\nb",), tuple(f"t{i}" for i in range(251))]
    )
    async def test_bad_tags_are_refused(self, shop, tags):
        with pytest.raises(ValidationFailed) as refused:
            await set_rule(shop, excluded_product_tags=tags)
        assert refused.value.field == "excludedProductTags"

    def test_product_payloads(self):
        parsed = shopify_payloads.parse_product(product(5, "a, B ,, c", "2026-11-01T10:00:00-05:00"))
        assert (parsed.shopify_product_id, parsed.tags) == (5, ("a", "B", "c"))
        assert parsed.updated_at is not None
        assert shopify_payloads.parse_product({"id": 6, "tags": ["x", " "]}).tags == ("x",)
        with pytest.raises(shopify_payloads.PayloadError):
            shopify_payloads.parse_product({"id": 6, "tags": 7})
