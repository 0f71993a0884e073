"""Principals: who is asking, always bound to exactly one merchant.

The merchant id comes from a verified credential, never from client input."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    FULL = "admin:full"
    POINTS = "admin:points"
    ANALYTICS = "admin:analytics"
    SUPPORT = "admin:support"


ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class Staff:
    merchant_id: int
    shop_domain: str
    user_id: str
    roles: frozenset[Role]

    @property
    def actor(self) -> str:
        """How the audit trail names this person."""
        return f"staff:{self.user_id}"

    def has_any(self, *roles: Role) -> bool:
        return Role.FULL in self.roles or any(role in self.roles for role in roles)


@dataclass(frozen=True)
class Customer:
    merchant_id: int
    shop_domain: str
    shopify_customer_id: int
    # None until the shop has told us about this customer (webhook or order)
    customer_id: int | None


Principal = Staff | Customer
