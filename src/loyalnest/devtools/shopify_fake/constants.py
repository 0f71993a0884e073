"""The fake's fixed numbers and texts: the dev token and demo shop, Shopify's plan
limits and query costs, and the messages it answers with."""

from __future__ import annotations

# The token `make run`'s demo shop is installed with (dev only; the fake accepts it).
DEV_ACCESS_TOKEN = "shpat_loyalnest_dev_fake_admin_token"
DEMO_SHOP = "demo.myshopify.com"

# plan -> (bucket size, restore rate per second), as Shopify reports them
# (the plan names of merchants.PLANS, plus Shopify's own "shopify_plus")
PLAN_LIMITS: dict[str, tuple[float, float]] = {
    "free": (2_000.0, 100.0),
    "standard": (2_000.0, 100.0),
    "advanced": (4_000.0, 200.0),
    "plus": (20_000.0, 1_000.0),
    "shopify_plus": (20_000.0, 1_000.0),
    "enterprise": (40_000.0, 2_000.0),
}
MUTATION_COST = 10
SINGLE_QUERY_MAX_COST = 1_000
THROTTLED_DOCS = "https://shopify.dev/api/usage/rate-limits"
UNAUTHORIZED = "[API] Invalid API key or access token (unrecognized login or wrong password)"
CODE_TAKEN = "Code must be unique. Please try a different code."
