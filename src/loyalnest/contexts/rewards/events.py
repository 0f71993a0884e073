"""Integration events of the rewards context, published on the unit of work that changes
a redemption, so reactions (notifications: "here is your code", "your points are back")
commit with the change or not at all.

- ``RewardIssued``: a redemption's discount code now exists at Shopify (a redemption or
  a granted reward such as a tier's entry reward). ``code`` is the plaintext code, held
  in memory only: a handler that stores it encrypts it.
- ``PointsReturned``: a redemption's points came back, because its code ended unused
  (``reason`` "unused") or Shopify refused to create it ("failed").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from loyalnest.platform.events import Event


@dataclass(frozen=True, slots=True)
class RewardIssued(Event):
    merchant_id: int
    customer_id: int
    redemption_id: int
    reward_title: str
    code: str = field(repr=False)
    # a fixed-amount reward's value in the shop's currency (``currency`` None: the shop's)
    value: Decimal | None
    currency: str | None
    expires_at: datetime
    # 0 for a granted reward (nothing spent, nothing comes back)
    points_spent: int


@dataclass(frozen=True, slots=True)
class PointsReturned(Event):
    merchant_id: int
    customer_id: int
    redemption_id: int
    reward_title: str
    points: int
    reason: str  # "unused" or "failed"
