"""Integration events of the points context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def balance_channel(merchant_id: int, customer_id: int) -> str:
    """Redis pub/sub channel for one customer's balance; always merchant-scoped."""
    return f"points:balance:{merchant_id}:{customer_id}"


@dataclass(frozen=True)
class PointsBalanceChanged:
    merchant_id: int
    customer_id: int
    entry_id: int
    kind: str
    delta: int
    balance: int
    lifetime_earned: int

    def to_payload(self) -> dict[str, Any]:
        # spelled out: ``dataclasses.asdict`` deep-copies field by field, and a batch of
        # orders with tier and campaign parts publishes one of these per ledger row
        return {
            "merchant_id": self.merchant_id,
            "customer_id": self.customer_id,
            "entry_id": self.entry_id,
            "kind": self.kind,
            "delta": self.delta,
            "balance": self.balance,
            "lifetime_earned": self.lifetime_earned,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> PointsBalanceChanged:
        return cls(**{name: payload[name] for name in cls.__dataclass_fields__})
