"""Integration events of the tiers context.

``TierChanged`` is published on the unit of work that changed a customer's tier (the
webhook's transaction, a re-tier chunk, a manual assignment), so later reactions
(notifications, Flow, nudges) commit with the change. The same change goes out after
commit as a live update on ``tier_channel`` for GraphQL subscriptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalnest.platform.events import Event
from loyalnest.platform.timeutil import parse_iso


def tier_channel(merchant_id: int, customer_id: int) -> str:
    """Redis pub/sub channel of one customer's tier changes; always merchant-scoped."""
    return f"tiers:changed:{merchant_id}:{customer_id}"


@dataclass(frozen=True, slots=True)
class TierChanged(Event):
    merchant_id: int
    customer_id: int
    # None: no tier (below the lowest, or a deleted tier)
    from_tier_id: int | None
    to_tier_id: int | None
    # "qualified", "retention_expired", "refund", "manual" or "import"
    reason: str
    occurred_at: datetime

    def to_payload(self) -> dict[str, Any]:
        return {
            "merchant_id": self.merchant_id,
            "customer_id": self.customer_id,
            "from_tier_id": self.from_tier_id,
            "to_tier_id": self.to_tier_id,
            "reason": self.reason,
            "occurred_at": self.occurred_at.isoformat(),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> TierChanged:
        occurred_at = parse_iso(payload["occurred_at"])
        assert occurred_at is not None
        return cls(
            merchant_id=int(payload["merchant_id"]),
            customer_id=int(payload["customer_id"]),
            from_tier_id=payload["from_tier_id"],
            to_tier_id=payload["to_tier_id"],
            reason=str(payload["reason"]),
            occurred_at=occurred_at,
        )
