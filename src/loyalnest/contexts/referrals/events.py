"""Integration events of the referrals context.

``ReferralProgressChanged`` is published on the unit of work that changed an advocate's
counts (a claim, a click flush, an attributed order, completion, reward, cancellation,
rejection, an invite), so reactions commit with the change; the same change goes out
after commit as a live update on ``referral_progress_channel`` for the
``myReferralProgress`` subscription (as ``tiers.TierChanged`` / ``myTierChanged``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loyalnest.platform.events import Event


def referral_progress_channel(merchant_id: int, customer_id: int) -> str:
    """Redis pub/sub channel of one advocate's referral progress; always merchant-scoped."""
    return f"referrals:progress:{merchant_id}:{customer_id}"


@dataclass(frozen=True, slots=True)
class ReferralProgressChanged(Event):
    merchant_id: int
    advocate_customer_id: int

    def to_payload(self) -> dict[str, Any]:
        return {"merchant_id": self.merchant_id, "customer_id": self.advocate_customer_id}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> ReferralProgressChanged:
        return cls(merchant_id=int(payload["merchant_id"]), advocate_customer_id=int(payload["customer_id"]))


@dataclass(frozen=True, slots=True)
class ReferralRewarded(Event):
    merchant_id: int
    referral_id: int
    advocate_customer_id: int
    friend_customer_id: int | None
    # points posted to the advocate (0 for a catalog reward)
    points: int
