"""Frozen DTOs of the referrals context (re-exported by ``api``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# Leave a field of ``ProgramUpdate`` as ``KEEP`` to keep its value; None clears an
# optional one (friend_value, friend_min_order, advocate_reward_id).
KEEP: Any = object()

FRIEND_KINDS = ("fixed_amount", "percentage", "free_shipping")
ADVOCATE_KINDS = ("points", "reward")
SOURCES = ("claim", "link_discount", "friend_code", "cart_attribute", "landing_url")
STATUSES = ("claimed", "pending", "completed", "rewarded", "expired", "rejected", "cancelled")
VERDICTS = ("reject", "review", "signal")
# Every fraud check, each switchable in ``ProgramDTO.checks`` (all on by default).
CHECKS = (
    "self_referral_customer",
    "self_referral_email",
    "self_referral_phone",
    "self_referral_address",
    "payment_fingerprint",
    "not_new",
    "velocity",
    "disposable_email",
    "shared_ip",
    "household_address",
)


@dataclass(frozen=True)
class MilestoneDTO:
    # the advocate's number of successful (rewarded) referrals that earns the bonus
    count: int
    points: int


@dataclass(frozen=True)
class ProgramDTO:
    merchant_id: int
    enabled: bool
    friend_kind: str
    # None for free shipping
    friend_value: Decimal | None
    friend_min_order: Decimal | None
    friend_code_validity_days: int
    advocate_kind: str
    advocate_points: int
    advocate_reward_id: int | None
    min_order_subtotal: Decimal
    confirmation_days: int
    claim_validity_days: int
    monthly_cap: int
    milestones: tuple[MilestoneDTO, ...]
    tier_multiplier_applies: bool
    velocity_per_week: int
    disposable_domains_blocked: bool
    disposable_domains_extra: tuple[str, ...]
    disposable_domains_allowed: tuple[str, ...]
    checks: Mapping[str, bool]
    # None while the shop has no program row (defaults shown)
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True)
class ProgramUpdate:
    """Fields left ``KEEP`` keep their value. ``milestones`` replaces the whole list;
    ``checks`` is merged into the current switches (unknown names are refused)."""

    enabled: Any = KEEP
    friend_kind: Any = KEEP
    friend_value: Any = KEEP
    friend_min_order: Any = KEEP
    friend_code_validity_days: Any = KEEP
    advocate_kind: Any = KEEP
    advocate_points: Any = KEEP
    advocate_reward_id: Any = KEEP
    min_order_subtotal: Any = KEEP
    confirmation_days: Any = KEEP
    claim_validity_days: Any = KEEP
    monthly_cap: Any = KEEP
    milestones: Any = KEEP  # sequence of MilestoneDTO
    tier_multiplier_applies: Any = KEEP
    velocity_per_week: Any = KEEP
    disposable_domains_blocked: Any = KEEP
    disposable_domains_extra: Any = KEEP  # sequence of domains
    disposable_domains_allowed: Any = KEEP
    checks: Any = KEEP  # Mapping[str, bool]


@dataclass(frozen=True)
class ReasonDTO:
    check: str
    verdict: str  # reject | review | signal
    detail: str  # never PII


@dataclass(frozen=True)
class ReferralDTO:
    id: int
    merchant_id: int
    advocate_customer_id: int
    friend_customer_id: int | None
    source: str
    status: str
    held: bool
    reasons: tuple[ReasonDTO, ...]
    shopify_order_id: int | None
    order_subtotal: Decimal | None
    currency: str | None
    claimed_at: datetime | None
    ordered_at: datetime | None
    confirm_at: datetime | None
    completed_at: datetime | None
    rewarded_at: datetime | None
    expires_at: datetime | None
    cancelled_at: datetime | None
    reward_points: int | None
    created_at: datetime
    # e.g. ``a***@example.com``; None when the friend did not claim with an email
    friend_email_masked: str | None
    decided_by: str | None = None


@dataclass(frozen=True)
class ReferralPage:
    """Newest first. ``after`` cursors are referral ids."""

    items: list[ReferralDTO]
    has_next: bool
    has_previous: bool
    total: int


@dataclass(frozen=True)
class ShareLinksDTO:
    """Ready-to-open share URLs. The text is English with the shop's name (not
    localized)."""

    email: str
    sms: str
    whatsapp: str
    facebook: str
    x: str


@dataclass(frozen=True)
class FriendOfferDTO:
    # short English text, e.g. "$10 off your first order of $50 or more"
    text: str
    kind: str
    value: Decimal | None
    min_order: Decimal | None
    validity_days: int


@dataclass(frozen=True)
class AdvocateRewardDTO:
    kind: str  # points | reward
    points: int
    reward_id: int | None


@dataclass(frozen=True)
class ProgressDTO:
    invited: int
    clicked: int
    claimed: int
    completed: int
    rewarded: int
    # points of the advocate's referrals waiting (pending/completed, not yet rewarded)
    pending_rewards: int
    next_milestone: MilestoneDTO | None
    to_next_milestone: int | None


@dataclass(frozen=True)
class MyReferralDTO:
    code: str
    link: str
    share: ShareLinksDTO
    friend_offer: FriendOfferDTO
    advocate_reward: AdvocateRewardDTO
    progress: ProgressDTO
    enabled: bool


@dataclass(frozen=True)
class ClaimResult:
    # the friend's own single-use code (FRIEND-XXXXXXXX)
    code: str
    expires_at: datetime
    referral_id: int


@dataclass(frozen=True)
class InviteResult:
    sent: bool
    remaining_today: int


# ----- owner H2 (clicks, links, analytics); fields fixed by the shared spec -----


@dataclass(frozen=True)
class ClickOutcome:
    # where to redirect the visitor
    location: str
    # False when rate-limited (still redirected)
    counted: bool


@dataclass(frozen=True)
class AdvocateStatDTO:
    customer_id: int
    conversions: int
    revenue: Decimal
    clicks: int


@dataclass(frozen=True)
class AnalyticsDTO:
    start: date  # "from" in GraphQL
    end: date  # "to" in GraphQL
    clicks: int
    unique_visitors: int
    claims: int
    conversions: int
    click_to_order_rate: Decimal
    revenue: Decimal
    reward_cost: Decimal
    roi: Decimal | None
    top_advocates: tuple[AdvocateStatDTO, ...] = field(default_factory=tuple)
