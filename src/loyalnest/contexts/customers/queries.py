"""Reads of customer profiles; each opens its own short read session (or a plain
connection for DataLoader batches)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from loyalnest.contexts.customers import pii, repository, rules
from loyalnest.contexts.customers.dto import CustomerDTO, CustomerPage
from loyalnest.platform.crypto import get_keyring
from loyalnest.platform.db import plain_connection, read_session
from loyalnest.platform.paging import window
from loyalnest.platform.uow import UnitOfWork


async def customer_id_by_email(merchant_id: int, email: str) -> int | None:
    """The shop's customer with this email address (exact, through the blind index)."""
    email = email.strip()
    if not email:
        return None
    async with read_session() as session:
        return await repository.id_by_email_index(
            session, merchant_id, rules.email_indexes(get_keyring(), email)
        )


async def customers_with_birthday_on(
    merchant_id: int, month_days: Sequence[str], *, set_before: datetime
) -> list[int]:
    """Customers whose birthday falls on one of ``month_days`` ("MM-DD") and was set
    (or last moved to another day) before ``set_before``."""
    keyring = get_keyring()
    indexes = [index for md in month_days for index in rules.birthday_indexes(keyring, merchant_id, md)]
    async with read_session() as session:
        return await repository.ids_with_birthday_index(session, merchant_id, indexes, set_before=set_before)


async def shops_with_birthdays() -> list[int]:
    """Ids of the shops with at least one customer birthday on file."""
    async with read_session() as session:
        return await repository.shops_with_birthdays(session)


async def get_customer(merchant_id: int, customer_id: int) -> CustomerDTO | None:
    """One prepared statement on a plain connection (as ``get_customers``)."""
    async with plain_connection() as connection:
        rows = await repository.get_many(connection, merchant_id, [customer_id])
    return pii.to_dto(rows[0], get_keyring()) if rows else None


async def get_customers(merchant_id: int, customer_ids: list[int]) -> dict[int, CustomerDTO]:
    """By id (a DataLoader batch): one prepared statement on a plain connection."""
    keyring = get_keyring()
    async with plain_connection() as connection:
        rows = await repository.get_many(connection, merchant_id, customer_ids)
    return {row.id: pii.to_dto(row, keyring) for row in rows if row.id is not None}


async def tags_in(
    uow: UnitOfWork, merchant_id: int, customer_ids: Sequence[int]
) -> dict[int, tuple[str, ...]]:
    """Customers' tags read inside the caller's unit of work (campaign targeting while
    an earning is planned), one statement for the batch; customers without tags (or
    unknown) are absent."""
    if not customer_ids:
        return {}
    found = await repository.tags_of(uow.session, merchant_id, sorted(set(customer_ids)))
    return {cid: pii.decode_tags(stored) for cid, stored in found.items()}


async def get_by_shopify_id(merchant_id: int, shopify_customer_id: int) -> CustomerDTO | None:
    """One prepared statement on a plain connection (as ``get_customers``)."""
    async with plain_connection() as connection:
        row = await repository.get_by_shopify_id(connection, merchant_id, shopify_customer_id)
    return None if row is None else pii.to_dto(row, get_keyring())


async def list_customers(
    merchant_id: int,
    *,
    after_id: int | None,
    first: int,
    search: str | None = None,
    before_id: int | None = None,
    backward: bool = False,
) -> CustomerPage:
    """A page of the shop's customers, oldest first, between ``after_id`` and
    ``before_id``: the ``first`` nearest ``after_id``, or with ``backward`` the ``first``
    nearest ``before_id`` (the newest without it).

    Search is exact, because names and emails are encrypted: an email address (via its
    blind index), a Shopify customer id (digits), or otherwise a tag."""
    async with plain_connection() as connection:
        rows = await repository.list_page(
            connection,
            merchant_id,
            after_id=after_id,
            before_id=before_id,
            backward=backward,
            limit=first + 1,
            **_search_filters(search),  # type: ignore[arg-type]
        )
    keyring = get_keyring()
    page = window(
        rows, first, backward=backward, after_given=after_id is not None, before_given=before_id is not None
    )
    return CustomerPage(
        items=[pii.to_dto(row, keyring) for row in page.items],
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
    )


async def count_customers(merchant_id: int, *, search: str | None = None) -> int:
    """How many customers ``list_customers`` lists with this search, over every page:
    one count on the shop's index range (merchant_id leads every customers index)."""
    async with read_session() as session:
        return await repository.count_matching(session, merchant_id, **_search_filters(search))  # type: ignore[arg-type]


def _search_filters(search: str | None) -> dict[str, object]:
    filters: dict[str, object] = {}
    term = (search or "").strip()
    if term:
        if "@" in term:
            filters["email_bidxes"] = rules.email_indexes(get_keyring(), term)
        elif term.isascii() and term.isdigit() and len(term) <= 18:  # fits a BIGINT id
            filters["shopify_customer_id"] = int(term)
        else:
            filters["tag"] = term
    return filters
