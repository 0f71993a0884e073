"""Customer profiles: encryption of PII on the way in, decryption on the way out."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from sqlalchemy.ext.asyncio import AsyncSession

from loyalnest.contexts.audit import api as audit
from loyalnest.contexts.customers import repository, rules
from loyalnest.contexts.customers.dto import (
    CustomerDTO,
    CustomerPage,
    CustomerWrite,
    SealedPii,
    ShopifyCustomerFacts,
)
from loyalnest.contexts.customers.models import Customer
from loyalnest.platform.crypto import (
    Keyring,
    KeyringError,
    decrypt_optional,
    encrypt_optional,
    get_keyring,
)
from loyalnest.platform.errors import NotFound
from loyalnest.platform.timeutil import utcnow
from loyalnest.platform.uow import UnitOfWork

log = logging.getLogger(__name__)

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


def birthday_index(keyring: Keyring, merchant_id: int, month_day: str) -> str:
    """Blind index of a birthday's "MM-DD", per shop: the same day in two shops gives
    two unrelated tokens, and without the key a token says nothing about the day."""
    return keyring.blind_index(f"{merchant_id}:{month_day}", kind="birthday_month_day")


_PII_CONTEXTS = {
    "email": EMAIL,
    "first_name": FIRST_NAME,
    "last_name": LAST_NAME,
    "phone": PHONE,
    "birthday": BIRTHDAY,
}


def to_dto(row: Customer | repository.CustomerRow, keyring: Keyring) -> CustomerDTO:
    assert row.id is not None

    def open_pii(name: str, ciphertext: str | None) -> str | None:
        return decrypt_optional(keyring, ciphertext, context=_PII_CONTEXTS[name])

    return CustomerDTO(
        id=row.id,
        merchant_id=row.merchant_id,
        shopify_customer_id=row.shopify_customer_id,
        accepts_marketing=row.accepts_marketing,
        tags=decode_tags(row.tags),
        state=row.state,
        created_at=row.created_at,
        updated_at=row.updated_at,
        pii=SealedPii(
            ciphertexts={
                "email": row.email_enc,
                "first_name": row.first_name_enc,
                "last_name": row.last_name_enc,
                "phone": row.phone_enc,
                "birthday": row.birthday_enc,
            },
            open=open_pii,
        ),
    )


def _upsert_values(
    keyring: Keyring, merchant_id: int, facts: ShopifyCustomerFacts, *, now: datetime, opt_in: bool
) -> dict[str, Any]:
    email = facts.email.strip() if facts.email else None
    birthday = facts.birthday
    return {
        "merchant_id": merchant_id,
        "shopify_customer_id": facts.shopify_customer_id,
        "email_enc": encrypt_optional(keyring, email, context=EMAIL),
        "email_bidx": email_index(keyring, email) if email else None,
        "first_name_enc": encrypt_optional(keyring, facts.first_name, context=FIRST_NAME),
        "last_name_enc": encrypt_optional(keyring, facts.last_name, context=LAST_NAME),
        "phone_enc": encrypt_optional(keyring, facts.phone, context=PHONE),
        "birthday_enc": encrypt_optional(
            keyring, birthday.isoformat() if birthday else None, context=BIRTHDAY
        ),
        "birthday_md_bidx": (
            birthday_index(keyring, merchant_id, rules.month_day(birthday)) if birthday else None
        ),
        "birthday_set_at": now if birthday else None,
        "accepts_marketing": bool(facts.accepts_marketing),
        # the same timestamp as updated_at: how the upsert tells a first opt-in (see the
        # repository); None leaves a recorded opt-in as it is
        "marketing_opt_in_at": now if opt_in and facts.accepts_marketing else None,
        "tags": encode_tags(facts.tags),
        "state": facts.state,
        "shopify_updated_at": facts.shopify_updated_at,
        "updated_at": now,
    }


def _kept_columns(facts: ShopifyCustomerFacts) -> set[str]:
    """Facts the payload did not carry keep their stored value (a new profile gets the
    default)."""
    keep: set[str] = set()
    if facts.birthday is None and not facts.birthday_known:
        keep |= {"birthday_enc", "birthday_md_bidx", "birthday_set_at"}
    if facts.accepts_marketing is None:
        keep.add("accepts_marketing")
    return keep


async def upsert_from_shopify(session: AsyncSession, merchant_id: int, facts: ShopifyCustomerFacts) -> int:
    """The profile from an order's customer object. It never records a marketing opt-in:
    only customers/create|update webhooks do, and they earn the newsletter points for
    it. (Were an order to record it first, e.g. when orders/create overtakes the
    customers/create of a new subscriber, the webhook would find it already recorded
    and the customer would never earn them.)"""
    now = utcnow()
    values = _upsert_values(get_keyring(), merchant_id, facts, now=now, opt_in=False)
    customer_id, _ = await repository.upsert_by_shopify_id(session, values, keep=_kept_columns(facts))
    return customer_id


async def record_customer_webhook(
    session: AsyncSession, merchant_id: int, facts: ShopifyCustomerFacts
) -> CustomerWrite:
    """The profile from a customers/create|update webhook, noting the first time it shows
    the customer's marketing consent on."""
    now = utcnow()
    values = _upsert_values(get_keyring(), merchant_id, facts, now=now, opt_in=True)
    customer_id, opted_in = await repository.upsert_by_shopify_id(session, values, keep=_kept_columns(facts))
    return CustomerWrite(id=customer_id, marketing_opted_in=opted_in)


async def set_birthday(
    uow: UnitOfWork, merchant_id: int, customer_id: int, birthday: date | None, *, actor: str
) -> CustomerDTO:
    """A birthday entered by the customer or by staff (None clears it). Moving it to
    another day of the year restarts its 30-day wait (see the repository)."""
    now = utcnow()
    if birthday is not None:
        rules.validate_birthday(birthday, today=now.date())
    keyring = get_keyring()
    index = None if birthday is None else birthday_index(keyring, merchant_id, rules.month_day(birthday))
    found = await repository.set_birthday(
        uow.session,
        merchant_id,
        customer_id,
        birthday_enc=encrypt_optional(keyring, birthday.isoformat() if birthday else None, context=BIRTHDAY),
        birthday_md_bidx=index,
        now=now,
    )
    if not found:
        raise NotFound("customer not found", field="customerId")
    # who changed it, never the date itself (audit rows hold no PII)
    await audit.record(
        uow,
        merchant_id=merchant_id,
        actor=actor,
        action="customer.birthday_set" if birthday is not None else "customer.birthday_cleared",
        target_type="Customer",
        target_id=str(customer_id),
    )
    row = await repository.get(uow.session, merchant_id, customer_id)
    assert row is not None
    return to_dto(row, keyring)


async def customer_id_by_email(session: AsyncSession, merchant_id: int, email: str) -> int | None:
    email = email.strip()
    if not email:
        return None
    return await repository.id_by_email_index(session, merchant_id, email_index(get_keyring(), email))


async def customers_with_birthday_on(
    session: AsyncSession, merchant_id: int, month_days: Sequence[str], *, set_before: datetime
) -> list[int]:
    keyring = get_keyring()
    indexes = [birthday_index(keyring, merchant_id, md) for md in month_days]
    return await repository.ids_with_birthday_index(session, merchant_id, indexes, set_before=set_before)


# The index value of a stored birthday no configured key can read: never a real index,
# so the row is not tried again, and never matches a day.
UNREADABLE_BIRTHDAY_INDEX = "unreadable"


async def index_birthdays(uow: UnitOfWork, *, limit: int) -> int:
    """Give birthdays stored before the month-day index existed their index (their set
    time stays unknown: they count as set long ago). Returns how many rows it handled."""
    keyring = get_keyring()
    rows = await repository.lock_unindexed_birthdays(uow.session, limit=limit)
    indexes: list[tuple[int, int, str]] = []
    for merchant_id, customer_id, token in rows:
        try:
            birthday = date.fromisoformat(keyring.decrypt(token, context=BIRTHDAY))
        except (KeyringError, InvalidTag, ValueError):
            log.warning("stored birthday cannot be read", extra={"customer_id": customer_id})
            indexes.append((merchant_id, customer_id, UNREADABLE_BIRTHDAY_INDEX))
            continue
        index = birthday_index(keyring, merchant_id, rules.month_day(birthday))
        indexes.append((merchant_id, customer_id, index))
    await repository.set_birthday_indexes(uow.session, indexes)
    return len(rows)


async def get_customer(session: AsyncSession, merchant_id: int, customer_id: int) -> CustomerDTO | None:
    row = await repository.get(session, merchant_id, customer_id)
    return None if row is None else to_dto(row, get_keyring())


async def get_customers(connection: Any, merchant_id: int, customer_ids: list[int]) -> dict[int, CustomerDTO]:
    keyring = get_keyring()
    rows = await repository.get_many(connection, merchant_id, customer_ids)
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
