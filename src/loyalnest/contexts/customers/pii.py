"""Sealing and unsealing a customer's PII: per-column AAD, blind indexes, tags, and the
DTO built from a stored row (decrypting only what is read)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from loyalnest.contexts.customers import repository, rules
from loyalnest.contexts.customers.dto import CUSTOMER_FACTS, CustomerDTO, SealedPii, ShopifyCustomerFacts
from loyalnest.contexts.customers.models import BIRTHDAY, EMAIL, FIRST_NAME, LAST_NAME, PHONE, Customer
from loyalnest.platform.crypto import Keyring, decrypt_optional, encrypt_optional


def encode_tags(tags: tuple[str, ...]) -> str:
    cleaned = sorted({t.strip() for t in tags if t.strip() and "," not in t.strip()})
    return "," + ",".join(cleaned) + "," if cleaned else ""


def decode_tags(stored: str) -> tuple[str, ...]:
    return tuple(t for t in stored.split(",") if t)


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
        locale=row.locale,
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


def upsert_values(
    keyring: Keyring, merchant_id: int, facts: ShopifyCustomerFacts, *, now: datetime, opt_in: bool
) -> dict[str, Any]:
    email = facts.email.strip() if facts.email else None
    birthday = facts.birthday
    return {
        "merchant_id": merchant_id,
        "shopify_customer_id": facts.shopify_customer_id,
        "email_enc": encrypt_optional(keyring, email, context=EMAIL),
        "email_bidx": rules.email_index(keyring, email) if email else None,
        "first_name_enc": encrypt_optional(keyring, facts.first_name, context=FIRST_NAME),
        "last_name_enc": encrypt_optional(keyring, facts.last_name, context=LAST_NAME),
        "phone_enc": encrypt_optional(keyring, facts.phone, context=PHONE),
        "birthday_enc": encrypt_optional(
            keyring, birthday.isoformat() if birthday else None, context=BIRTHDAY
        ),
        "birthday_md_bidx": (
            rules.birthday_index(keyring, merchant_id, rules.month_day(birthday)) if birthday else None
        ),
        # what the stored index of the same day may be under an older blind key: the
        # upsert must not take an index rewritten by a key rotation for a moved birthday
        "birthday_md_indexes": (
            rules.birthday_indexes(keyring, merchant_id, rules.month_day(birthday)) if birthday else []
        ),
        "birthday_set_at": now if birthday else None,
        "accepts_marketing": bool(facts.accepts_marketing),
        # the same timestamp as updated_at: how the upsert tells a first opt-in (see the
        # repository); None leaves a recorded opt-in as it is
        "marketing_opt_in_at": now if opt_in and facts.accepts_marketing else None,
        "tags": encode_tags(facts.tags),
        "state": facts.state,
        "shopify_updated_at": facts.shopify_updated_at,
        "locale": facts.locale,
        "updated_at": now,
    }


# The columns each fact is stored in (its ciphertext, blind index, bookkeeping).
_FACT_COLUMNS: dict[str, frozenset[str]] = {
    "email": frozenset({"email_enc", "email_bidx"}),
    "first_name": frozenset({"first_name_enc"}),
    "last_name": frozenset({"last_name_enc"}),
    "phone": frozenset({"phone_enc"}),
    "birthday": frozenset({"birthday_enc", "birthday_md_bidx", "birthday_set_at"}),
    "accepts_marketing": frozenset({"accepts_marketing"}),
    "tags": frozenset({"tags"}),
    "state": frozenset({"state"}),
    "shopify_updated_at": frozenset({"shopify_updated_at"}),
    "locale": frozenset({"locale"}),
}
assert set(_FACT_COLUMNS) == CUSTOMER_FACTS


def kept_columns(facts: ShopifyCustomerFacts) -> frozenset[str]:
    """The columns of the facts the payload did not carry: an update keeps their stored
    value (a new profile gets the default). A partial customer object (an order's, for
    an app without protected-data access) must not wipe the name, phone or tags."""
    keep: frozenset[str] = frozenset()
    for fact, columns in _FACT_COLUMNS.items():
        if not facts.carries(fact):
            keep |= columns
    return keep
