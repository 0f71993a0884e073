"""Integration events of the points context."""

from __future__ import annotations

from dataclasses import asdict, dataclass
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
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> PointsBalanceChanged:
        return cls(**{name: payload[name] for name in cls.__dataclass_fields__})
