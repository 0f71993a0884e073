"""customers.tags_in: the tags of a batch of customers inside the caller's unit of work
(what campaign targeting reads while an earning is planned), scoped to the shop."""

from __future__ import annotations

from loyalnest.contexts.customers import api as customers
from loyalnest.platform.uow import unit_of_work


async def _customer(merchant_id: int, shopify_id: int, tags: tuple[str, ...]) -> int:
    async with unit_of_work() as uow:
        return await customers.upsert_from_shopify(
            uow, merchant_id, customers.ShopifyCustomerFacts(shopify_customer_id=shopify_id, tags=tags)
        )


async def test_tags_of_the_shops_customers_in_the_callers_transaction(make_shop, broker):
    a, b = await make_shop(), await make_shop()
    vip = await _customer(a.id, 5_501, ("VIP", "Wholesale"))
    plain = await _customer(a.id, 5_502, ())
    elsewhere = await _customer(b.id, 5_503, ("VIP",))
    async with unit_of_work() as uow:
        assert await customers.tags_in(uow, a.id, [vip, plain, elsewhere]) == {vip: ("VIP", "Wholesale")}
        assert await customers.tags_in(uow, a.id, []) == {}
        # a change made in this transaction is seen by it
        await customers.upsert_from_shopify(
            uow, a.id, customers.ShopifyCustomerFacts(shopify_customer_id=5_502, tags=("new",))
        )
        assert await customers.tags_in(uow, a.id, [plain]) == {plain: ("new",)}
