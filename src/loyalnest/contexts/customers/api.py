"""Public door of the customers context: profiles (PII encrypted at rest) and the
Shopify customer facts they are written from."""

from __future__ import annotations

from loyalnest.contexts.customers.commands import (
    clear_imported_birthdays,
    create_sealed,
    delete_imported,
    hold,
    import_birthdays,
    index_birthdays,
    match_sealed,
    record_customer_webhook,
    refresh_statistics,
    seal_imported,
    set_birthday,
    upsert_from_shopify,
)
from loyalnest.contexts.customers.dto import (
    CustomerDTO,
    CustomerPage,
    CustomerWrite,
    ImportedCustomer,
    SealedCustomer,
    ShopifyCustomerFacts,
)
from loyalnest.contexts.customers.queries import (
    count_customers,
    customer_id_by_email,
    customers_with_birthday_on,
    get_by_shopify_id,
    get_customer,
    get_customers,
    list_customers,
    shops_with_birthdays,
    tags_in,
)

__all__ = [
    "CustomerDTO",
    "CustomerPage",
    "CustomerWrite",
    "ImportedCustomer",
    "SealedCustomer",
    "ShopifyCustomerFacts",
    "clear_imported_birthdays",
    "count_customers",
    "create_sealed",
    "customer_id_by_email",
    "customers_with_birthday_on",
    "delete_imported",
    "get_by_shopify_id",
    "get_customer",
    "get_customers",
    "hold",
    "import_birthdays",
    "index_birthdays",
    "list_customers",
    "match_sealed",
    "record_customer_webhook",
    "refresh_statistics",
    "seal_imported",
    "set_birthday",
    "shops_with_birthdays",
    "tags_in",
    "upsert_from_shopify",
]
