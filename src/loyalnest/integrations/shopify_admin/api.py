"""Public surface of the Shopify Admin integration: discount codes for rewards, the
shop, a customer, bulk query operations (a shop's history as JSONL), the usage records
for rate-limit monitoring, and the process-wide configuration (where to call, and the credentials port).

Each call is one or two Admin GraphQL documents through ``client.admin_graphql``
(per-shop token, shared Redis bucket, retries). Errors raise ``ShopifyAdminError``; a
mutation's ``userErrors`` (e.g. a code already taken) come back in the result.

    from loyalnest.integrations.shopify_admin import api as shopify_admin
"""

from __future__ import annotations

from loyalnest.integrations.shopify_admin.bulk import (
    BulkOperation,
    BulkOperationError,
    current_bulk_operation,
    get_bulk_operation,
    start_bulk_query,
    stream_jsonl,
    wait_for_bulk_operation,
    with_children,
)
from loyalnest.integrations.shopify_admin.client import (
    AdminResponse,
    ShopifyAdminError,
    admin_graphql,
    close_admin_client,
)
from loyalnest.integrations.shopify_admin.config import (
    AdminClientConfig,
    admin_config,
    admin_graphql_url,
    configure_admin,
)
from loyalnest.integrations.shopify_admin.cost import QueryCost
from loyalnest.integrations.shopify_admin.credentials import (
    AdminCredentials,
    CredentialsProvider,
    configure_credentials,
)
from loyalnest.integrations.shopify_admin.discounts import (
    DISCOUNT_CODE_BASIC_CREATE,
    DISCOUNT_CODE_FREE_SHIPPING_CREATE,
    DISCOUNT_KINDS,
    DiscountCodeResult,
    DiscountKind,
    DiscountUserError,
    create_discount_code,
    discount_code_input,
    set_discount_active,
)
from loyalnest.integrations.shopify_admin.shop import (
    CUSTOMER_QUERY,
    SHOP_QUERY,
    CustomerInfo,
    ShopInfo,
    get_customer,
    get_shop,
)
from loyalnest.integrations.shopify_admin.usage import ApiUsage, get_api_usage

__all__ = [
    "CUSTOMER_QUERY",
    "DISCOUNT_CODE_BASIC_CREATE",
    "DISCOUNT_CODE_FREE_SHIPPING_CREATE",
    "DISCOUNT_KINDS",
    "SHOP_QUERY",
    "AdminClientConfig",
    "AdminCredentials",
    "AdminResponse",
    "ApiUsage",
    "BulkOperation",
    "BulkOperationError",
    "CredentialsProvider",
    "CustomerInfo",
    "DiscountCodeResult",
    "DiscountKind",
    "DiscountUserError",
    "QueryCost",
    "ShopInfo",
    "ShopifyAdminError",
    "admin_config",
    "admin_graphql",
    "admin_graphql_url",
    "close_admin_client",
    "configure_admin",
    "configure_credentials",
    "create_discount_code",
    "current_bulk_operation",
    "discount_code_input",
    "get_api_usage",
    "get_bulk_operation",
    "get_customer",
    "get_shop",
    "set_discount_active",
    "start_bulk_query",
    "stream_jsonl",
    "wait_for_bulk_operation",
    "with_children",
]
