"""Public door of the customers context."""

from __future__ import annotations

from loyalnest.contexts.customers import service
from loyalnest.contexts.customers.dto import CustomerDTO, CustomerPage, ShopifyCustomerFacts
from loyalnest.platform.db import read_session
from loyalnest.platform.key_rotation import EncryptedColumn
from loyalnest.platform.uow import UnitOfWork

__all__ = [
    "ENCRYPTED_COLUMNS",
    "CustomerDTO",
    "CustomerPage",
    "ShopifyCustomerFacts",
    "get_by_shopify_id",
    "get_customer",
    "get_customers",
    "list_customers",
    "upsert_from_shopify",
]

# What `loyalnest rotate-keys` re-encrypts: every PII column and the AAD it is bound to.
ENCRYPTED_COLUMNS = [
    EncryptedColumn("customers", ("merchant_id", "id"), column, context)
    for column, context in (
        ("email_enc", service.EMAIL),
        ("first_name_enc", service.FIRST_NAME),
        ("last_name_enc", service.LAST_NAME),
        ("phone_enc", service.PHONE),
        ("birthday_enc", service.BIRTHDAY),
    )
]


async def upsert_from_shopify(uow: UnitOfWork, merchant_id: int, facts: ShopifyCustomerFacts) -> int:
    """Create or update the profile from a Shopify payload; returns our customer id."""
    return await service.upsert_from_shopify(uow.session, merchant_id, facts)


async def get_customer(merchant_id: int, customer_id: int) -> CustomerDTO | None:
    async with read_session() as session:
        return await service.get_customer(session, merchant_id, customer_id)


async def get_customers(merchant_id: int, customer_ids: list[int]) -> dict[int, CustomerDTO]:
    async with read_session() as session:
        return await service.get_customers(session, merchant_id, customer_ids)


async def get_by_shopify_id(merchant_id: int, shopify_customer_id: int) -> CustomerDTO | None:
    async with read_session() as session:
        return await service.get_by_shopify_id(session, merchant_id, shopify_customer_id)


async def list_customers(
    merchant_id: int, *, after_id: int | None, first: int, search: str | None = None
) -> CustomerPage:
    async with read_session() as session:
        return await service.list_customers(
            session, merchant_id, after_id=after_id, first=first, search=search
        )
