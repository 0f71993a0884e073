"""Public door of the merchants context: shops (install, lookup, Admin API
credentials). A shop's program is not here: the purchase rule is the earning
context's, the expiry policy the points context's; they create their defaults when
``events.ShopInstalled`` says a shop arrived."""

from __future__ import annotations

from loyalnest.contexts.merchants import commands, queries, rules
from loyalnest.contexts.merchants.dto import AdminCredentials, MerchantDTO
from loyalnest.contexts.merchants.models import ACCESS_TOKEN_CONTEXT

__all__ = [
    "ACCESS_TOKEN_CONTEXT",
    "PLANS",
    "AdminCredentials",
    "MerchantDTO",
    "get_admin_credentials",
    "get_by_domain",
    "get_by_domain_cached",
    "get_merchant",
    "get_merchant_in",
    "get_timezones",
    "install_shop",
    "normalise_currency",
    "normalise_plan",
    "normalise_shop_domain",
    "set_access_token",
]

normalise_shop_domain = rules.normalise_shop_domain
# the plan names a shop may have (Shopify's Admin API rate tiers)
PLANS = rules.PLANS
normalise_plan = rules.normalise_plan
normalise_currency = rules.normalise_currency

install_shop = commands.install_shop
set_access_token = commands.set_access_token

get_admin_credentials = queries.get_admin_credentials
get_by_domain = queries.get_by_domain
get_by_domain_cached = queries.get_by_domain_cached
get_merchant = queries.get_merchant
get_merchant_in = queries.get_merchant_in
get_timezones = queries.get_timezones
