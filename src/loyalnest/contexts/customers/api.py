"""Public door of the customers context."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from loyalnest.contexts.customers import repository, service
from loyalnest.contexts.customers.dto import (
    CustomerDTO,
    CustomerPage,
    CustomerWrite,
    ShopifyCustomerFacts,
)
from loyalnest.platform.db import plain_connection, read_session
from loyalnest.platform.key_rotation import EncryptedColumn
from loyalnest.platform.uow import UnitOfWork

__all__ = [
    "ENCRYPTED_COLUMNS",
    "CustomerDTO",
    "CustomerPage",
    "CustomerWrite",
    "ShopifyCustomerFacts",
    "customer_id_by_email",
    "customers_with_birthday_on",
    "get_by_shopify_id",
    "get_customer",
    "get_customers",
    "index_birthdays",
    "list_customers",
    "record_customer_webhook",
    "set_birthday",
    "shops_with_birthdays",
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


async def record_customer_webhook(
    uow: UnitOfWork, merchant_id: int, facts: ShopifyCustomerFacts
) -> CustomerWrite:
    """Create or update the profile from a customers/create|update webhook; says whether
    this is the first time the customer's marketing consent is seen on (the newsletter
    signup, once per customer ever)."""
    return await service.record_customer_webhook(uow.session, merchant_id, facts)


async def set_birthday(
    uow: UnitOfWork, *, merchant_id: int, customer_id: int, birthday: date | None, actor: str
) -> CustomerDTO:
    """Set (or with None clear) a customer's birthday as entered by them or by staff:
    refused (``ValidationFailed``) in the future or at an implausible age;
    ``NotFound`` for a customer who is not the shop's. Audited without the date."""
    return await service.set_birthday(uow, merchant_id, customer_id, birthday, actor=actor)


async def customer_id_by_email(merchant_id: int, email: str) -> int | None:
    """The shop's customer with this email address (exact, through the blind index)."""
    async with read_session() as session:
        return await service.customer_id_by_email(session, merchant_id, email)


async def customers_with_birthday_on(
    merchant_id: int, month_days: Sequence[str], *, set_before: datetime
) -> list[int]:
    """Customers whose birthday falls on one of ``month_days`` ("MM-DD") and was set
    (or last moved to another day) before ``set_before``."""
    async with read_session() as session:
        return await service.customers_with_birthday_on(
            session, merchant_id, month_days, set_before=set_before
        )


async def shops_with_birthdays() -> list[int]:
    """Ids of the shops with at least one customer birthday on file."""
    async with read_session() as session:
        return await repository.shops_with_birthdays(session)


async def index_birthdays(uow: UnitOfWork, *, limit: int = 500) -> int:
    """Index up to ``limit`` birthdays stored before the month-day index existed;
    returns how many were handled (0: none left)."""
    return await service.index_birthdays(uow, limit=limit)


async def get_customer(merchant_id: int, customer_id: int) -> CustomerDTO | None:
    async with read_session() as session:
        return await service.get_customer(session, merchant_id, customer_id)


async def get_customers(merchant_id: int, customer_ids: list[int]) -> dict[int, CustomerDTO]:
    async with plain_connection() as connection:
        return await service.get_customers(connection, merchant_id, customer_ids)


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
