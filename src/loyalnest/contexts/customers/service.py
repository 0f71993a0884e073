"""Customer profiles: encryption of PII on the way in, decryption on the way out."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.customers import repository
from loyalnest.contexts.customers.dto import CustomerDTO, CustomerPage, ShopifyCustomerFacts
from loyalnest.contexts.customers.models import Customer
from loyalnest.platform.crypto import Keyring, decrypt_optional, encrypt_optional, get_keyring
from loyalnest.platform.timeutil import utcnow

# AAD per column: a ciphertext moved into another column or table does not decrypt.
EMAIL = b"customers.email"
FIRST_NAME = b"customers.first_name"
LAST_NAME = b"customers.last_name"
PHONE = b"customers.phone"
BIRTHDAY = b"customers.birthday"


def encode_tags(tags: tuple[str, ...]) -> str:
    cleaned = sorted({t.strip() for t in tags if t.strip() and "," not in t.strip()})
    return "," + ",".join(cleaned) + "," if cleaned else ""


def decode_tags(stored: str) -> tuple[str, ...]:
    return tuple(t for t in stored.split(",") if t)


def email_index(keyring: Keyring, email: str) -> str:
    return keyring.blind_index(email, kind="email")


def to_dto(row: Customer | repository.CustomerRow, keyring: Keyring) -> CustomerDTO:
    birthday = decrypt_optional(keyring, row.birthday_enc, context=BIRTHDAY)
    assert row.id is not None
    return CustomerDTO(
        id=row.id,
        merchant_id=row.merchant_id,
        shopify_customer_id=row.shopify_customer_id,
        email=decrypt_optional(keyring, row.email_enc, context=EMAIL),
        first_name=decrypt_optional(keyring, row.first_name_enc, context=FIRST_NAME),
        last_name=decrypt_optional(keyring, row.last_name_enc, context=LAST_NAME),
        phone=decrypt_optional(keyring, row.phone_enc, context=PHONE),
        birthday=date.fromisoformat(birthday) if birthday else None,
        accepts_marketing=row.accepts_marketing,
        tags=decode_tags(row.tags),
        state=row.state,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def upsert_from_shopify(session: AsyncSession, merchant_id: int, facts: ShopifyCustomerFacts) -> int:
    keyring = get_keyring()
    email = facts.email.strip() if facts.email else None
    values = {
        "merchant_id": merchant_id,
        "shopify_customer_id": facts.shopify_customer_id,
        "email_enc": encrypt_optional(keyring, email, context=EMAIL),
        "email_bidx": email_index(keyring, email) if email else None,
        "first_name_enc": encrypt_optional(keyring, facts.first_name, context=FIRST_NAME),
        "last_name_enc": encrypt_optional(keyring, facts.last_name, context=LAST_NAME),
        "phone_enc": encrypt_optional(keyring, facts.phone, context=PHONE),
        "birthday_enc": encrypt_optional(
            keyring, facts.birthday.isoformat() if facts.birthday else None, context=BIRTHDAY
        ),
        "accepts_marketing": bool(facts.accepts_marketing),
        "tags": encode_tags(facts.tags),
        "state": facts.state,
        "shopify_updated_at": facts.shopify_updated_at,
        "updated_at": utcnow(),
    }
    # facts the payload did not carry keep their stored value (a new profile gets the default)
    keep: set[str] = set()
    if facts.birthday is None and not facts.birthday_known:
        keep.add("birthday_enc")
    if facts.accepts_marketing is None:
        keep.add("accepts_marketing")
    return await repository.upsert_by_shopify_id(session, values, keep=keep)


async def get_customer(session: AsyncSession, merchant_id: int, customer_id: int) -> CustomerDTO | None:
    row = await repository.get(session, merchant_id, customer_id)
    return None if row is None else to_dto(row, get_keyring())


async def get_customers(
    session: AsyncSession, merchant_id: int, customer_ids: list[int]
) -> dict[int, CustomerDTO]:
    keyring = get_keyring()
    rows = await repository.get_many(session, merchant_id, customer_ids)
    return {row.id: to_dto(row, keyring) for row in rows if row.id is not None}


async def get_by_shopify_id(
    session: AsyncSession, merchant_id: int, shopify_customer_id: int
) -> CustomerDTO | None:
    row = await repository.get_by_shopify_id(session, merchant_id, shopify_customer_id)
    return None if row is None else to_dto(row, get_keyring())


async def list_customers(
    session: AsyncSession, merchant_id: int, *, after_id: int | None, first: int, search: str | None
) -> CustomerPage:
    """Search is exact, because names and emails are encrypted: an email address (via its
    blind index), a Shopify customer id (digits), or otherwise a tag."""
    filters: dict[str, object] = {}
    term = (search or "").strip()
    if term:
        if "@" in term:
            filters["email_bidx"] = email_index(get_keyring(), term)
        elif term.isascii() and term.isdigit() and len(term) <= 18:  # fits a BIGINT id
            filters["shopify_customer_id"] = int(term)
        else:
            filters["tag"] = term
    rows = await repository.list_page(
        session,
        merchant_id,
        after_id=after_id,
        limit=first + 1,
        **filters,  # type: ignore[arg-type]
    )
    keyring = get_keyring()
    items = [to_dto(row, keyring) for row in rows[:first]]
    return CustomerPage(items=items, has_next_page=len(rows) > first)
