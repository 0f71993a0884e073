"""The fake ``loyalnest run`` starts beside the API, with the demo shop."""

from __future__ import annotations

from loyalnest.devtools.shopify_fake.constants import DEMO_SHOP, DEV_ACCESS_TOKEN
from loyalnest.devtools.shopify_fake.server import ShopifyFake


def start_demo_fake(*, host: str = "127.0.0.1", port: int = 0, shop: str = DEMO_SHOP) -> ShopifyFake:
    """The fake ``loyalnest run`` can start beside the API (a background thread): the
    demo shop with ``DEV_ACCESS_TOKEN`` and its history, and any other shop accepted with the first
    token it presents. Point the processes at ``fake.base_url`` and ``stop()`` it at
    exit."""
    fake = ShopifyFake(host=host, port=port, auto_register=True)
    fake.add_shop(shop, token=DEV_ACCESS_TOKEN, plan="standard", name="Demo Shop")
    # the demo shop's Shopify history (40 customers, 160 orders over 400 days, the same
    # every start), which the backfill fetches through bulk operations
    fake.seed_history(shop)
    fake.start()
    return fake
