"""Frozen DTOs of the customers context (re-exported by ``api``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import NamedTuple


@dataclass(frozen=True)
class SealedPii:
    """A customer's PII as stored (ciphertexts by field name) and how to open one.

    Each value is decrypted on first read: a page of customers whose names nobody asked
    for costs no decryption, and a value the keyring cannot open (a retired key) fails
    only its own field, not the whole customer."""

    ciphertexts: Mapping[str, str | None]
    open: Callable[[str, str | None], str | None]


@dataclass(frozen=True)
class CustomerDTO:
    id: int
    merchant_id: int
    shopify_customer_id: int
    accepts_marketing: bool
    tags: tuple[str, ...]
    state: str
    created_at: datetime
    updated_at: datetime
    pii: SealedPii = field(repr=False, compare=False)
    # Shopify's locale of the customer (None: unknown, the shop's default applies)
    locale: str | None = None

    def _open(self, name: str) -> str | None:
        return self.pii.open(name, self.pii.ciphertexts.get(name))

    @cached_property
    def email(self) -> str | None:
        return self._open("email")

    @cached_property
    def first_name(self) -> str | None:
        return self._open("first_name")

    @cached_property
    def last_name(self) -> str | None:
        return self._open("last_name")

    @cached_property
    def phone(self) -> str | None:
        return self._open("phone")

    @cached_property
    def birthday(self) -> date | None:
        value = self._open("birthday")
        return date.fromisoformat(value) if value else None


# The facts a Shopify customer payload may carry or leave out (ShopifyCustomerFacts.absent).
CUSTOMER_FACTS = frozenset(
    {
        "email",
        "first_name",
        "last_name",
        "phone",
        "birthday",
        "accepts_marketing",
        "tags",
        "state",
        "shopify_updated_at",
        "locale",
    }
)


@dataclass(frozen=True)
class ShopifyCustomerFacts:
    """What we keep of a Shopify customer payload, already parsed and validated.

    Not every payload carries every fact: an order's customer object has no metafields
    (so no birthday), may lack the marketing consent, and for an app without access to
    protected customer data Shopify leaves out the email, names, phone and tags. A fact
    named in ``absent`` was not in the payload: the stored value is kept (a new profile
    gets the default). A fact present with no value (JSON null) clears the stored one,
    as Shopify means it. ``accepts_marketing=None`` also says "not in this payload"."""

    shopify_customer_id: int
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    birthday: date | None = None
    accepts_marketing: bool | None = False
    tags: tuple[str, ...] = ()
    state: str = "enabled"
    shopify_updated_at: datetime | None = None
    # the customer's language (BCP 47, e.g. "pt-BR"), when Shopify sends it
    locale: str | None = None
    absent: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = self.absent - CUSTOMER_FACTS
        if unknown:
            raise ValueError(f"not customer facts: {sorted(unknown)}")

    @property
    def birthday_known(self) -> bool:
        return "birthday" not in self.absent

    def carries(self, fact: str) -> bool:
        """Whether the payload said something about ``fact`` (a value or null)."""
        if fact == "accepts_marketing" and self.accepts_marketing is None:
            return False
        return fact not in self.absent


@dataclass(frozen=True)
class CustomerPage:
    items: list[CustomerDTO]
    has_next_page: bool
    has_previous_page: bool = False


@dataclass(frozen=True)
class CustomerWrite:
    """What a customers/create|update webhook did to the profile. ``marketing_opted_in``
    is True for the one write that first saw the customer's marketing consent on."""

    id: int
    marketing_opted_in: bool


@dataclass(frozen=True)
class ImportedCustomer:
    """Someone an import brings: who they are as the file says (at least an email or a
    Shopify id)."""

    shopify_customer_id: int | None
    email: str | None
    first_name: str | None = None
    last_name: str | None = None


class SealedCustomer(NamedTuple):
    """Someone an import brings, sealed as this context stores a customer: each value
    under its customers column's AAD, the email's blind index under the current key.
    An import stages these (``seal_imported``) and creating the customer later copies
    them (``create_sealed``): nothing is decrypted and encrypted again. A tuple, not a
    dataclass: a million-row import makes a million of them."""

    shopify_customer_id: int | None
    email_enc: str | None
    email_bidx: str | None
    first_name_enc: str | None
    last_name_enc: str | None
