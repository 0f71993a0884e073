"""Frozen DTOs of the customers context (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class CustomerDTO:
    id: int
    merchant_id: int
    shopify_customer_id: int
    email: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    birthday: date | None
    accepts_marketing: bool
    tags: tuple[str, ...]
    state: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ShopifyCustomerFacts:
    """What we keep of a Shopify customer payload, already parsed and validated.

    Not every payload carries every fact: an order's customer object has no metafields
    (so no birthday) and may lack the marketing consent. ``birthday_known=False`` and
    ``accepts_marketing=None`` say "not in this payload": the stored value is kept."""

    shopify_customer_id: int
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    birthday: date | None = None
    birthday_known: bool = True
    accepts_marketing: bool | None = False
    tags: tuple[str, ...] = ()
    state: str = "enabled"
    shopify_updated_at: datetime | None = None


@dataclass(frozen=True)
class CustomerPage:
    items: list[CustomerDTO]
    has_next_page: bool


@dataclass(frozen=True)
class CustomerWrite:
    """What a customers/create|update webhook did to the profile. ``marketing_opted_in``
    is True for the one write that first saw the customer's marketing consent on."""

    id: int
    marketing_opted_in: bool
