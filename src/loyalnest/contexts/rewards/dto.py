"""Frozen DTOs of the rewards context (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from loyalnest.contexts.rewards import rules
from loyalnest.contexts.rewards.models import CODE_CONTEXT
from loyalnest.contexts.rewards.repository import RedemptionRow, RewardRow
from loyalnest.platform.crypto import Keyring
from loyalnest.platform.errors import DomainError


@dataclass(frozen=True)
class RewardDTO:
    id: int
    merchant_id: int
    kind: str
    points_cost: int
    value: Decimal | None
    variant_gid: str | None
    minimum_order_amount: Decimal | None
    usage_limit_per_customer: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    code_validity_days: int
    default_locale: str
    # (locale, title) sorted by locale
    titles: tuple[tuple[str, str], ...]
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime

    def title(self, locale: str | None = None) -> str:
        return rules.title_for(dict(self.titles), self.default_locale, locale)

    def unavailable_reason(self, now: datetime) -> str | None:
        return rules.unavailable_reason(self.archived_at, self.starts_at, self.ends_at, now)


@dataclass(frozen=True)
class RewardPage:
    items: list[RewardDTO]
    has_next_page: bool
    has_previous_page: bool = False


# Leave a field of ``RewardUpdate`` as ``KEEP`` to keep its value; None clears it.
KEEP: Any = object()


@dataclass(frozen=True)
class RewardInput:
    kind: str
    points_cost: int
    titles: list[tuple[str, str]]
    default_locale: str
    value: Decimal | None = None
    variant_gid: str | None = None
    minimum_order_amount: Decimal | None = None
    usage_limit_per_customer: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    code_validity_days: int = rules.DEFAULT_CODE_VALIDITY_DAYS


@dataclass(frozen=True)
class RewardUpdate:
    """Fields left ``KEEP`` keep their value; optional ones set to None are cleared.
    ``titles``, when given, replaces every title."""

    kind: Any = KEEP
    points_cost: Any = KEEP
    titles: Any = KEEP
    default_locale: Any = KEEP
    value: Any = KEEP
    variant_gid: Any = KEEP
    minimum_order_amount: Any = KEEP
    usage_limit_per_customer: Any = KEEP
    starts_at: Any = KEEP
    ends_at: Any = KEEP
    code_validity_days: Any = KEEP


@dataclass(frozen=True)
class RedemptionDTO:
    id: int
    merchant_id: int
    customer_id: int
    reward_id: int
    status: str
    points_spent: int
    kind: str
    value: Decimal | None
    minimum_order_amount: Decimal | None
    variant_gid: str | None
    title: str
    # the plaintext code: PII, shown only to its owner and to staff allowed to see it
    code: str = field(repr=False)
    discount_gid: str | None
    expires_at: datetime
    actor: str
    failure_reason: str | None
    shopify_order_id: int | None
    issued_at: datetime | None
    used_at: datetime | None
    returned_at: datetime | None
    created_at: datetime

    @property
    def code_usable(self) -> bool:
        """The code exists in the shop (or did, before it expired)."""
        return self.status in rules.CODE_VISIBLE_STATUSES

    @property
    def points_returned(self) -> bool:
        return self.returned_at is not None


@dataclass(frozen=True)
class RedemptionPage:
    items: list[RedemptionDTO]
    has_next_page: bool
    has_previous_page: bool = False


@dataclass(frozen=True)
class CodeUse:
    """An order that used a discount code (from ``orders/create``)."""

    shopify_order_id: int
    code: str


@dataclass(frozen=True)
class ExpiringCode:
    """An issued, unused code ending soon (for the "your code ends in 3 days, its points
    come back if unused" message). ``code`` is plaintext: keep it in memory only."""

    merchant_id: int
    customer_id: int
    redemption_id: int
    reward_title: str
    code: str = field(repr=False)
    expires_at: datetime
    points_spent: int


@dataclass(frozen=True)
class SettleReport:
    issued: int = 0
    failed: int = 0
    still_pending: int = 0


@dataclass(frozen=True)
class RedemptionOutcome:
    """The redemption as it stands once the call returns: ``issued`` (the code works),
    ``pending`` (Shopify's answer is not known yet; settled later), or ``failed`` (the
    points came back; ``error`` says why)."""

    redemption: RedemptionDTO
    # the customer's balance once this redemption is done (spent, or given back)
    points_balance: int
    error: DomainError | None = None


# --- from rows ----------------------------------------------------------------------------


def to_reward_dto(row: RewardRow) -> RewardDTO:
    return RewardDTO(
        id=row.id,
        merchant_id=row.merchant_id,
        kind=row.kind,
        points_cost=row.points_cost,
        value=row.value,
        variant_gid=row.variant_gid,
        minimum_order_amount=row.minimum_order_amount,
        usage_limit_per_customer=row.usage_limit_per_customer,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        code_validity_days=row.code_validity_days,
        default_locale=row.default_locale,
        titles=tuple(sorted((str(k), str(v)) for k, v in row.titles.items())),
        archived_at=row.archived_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_redemption_dto(row: RedemptionRow, keyring: Keyring) -> RedemptionDTO:
    return RedemptionDTO(
        id=row.id,
        merchant_id=row.merchant_id,
        customer_id=row.customer_id,
        reward_id=row.reward_id,
        status=row.status,
        points_spent=row.points_spent,
        kind=row.kind,
        value=row.value,
        minimum_order_amount=row.minimum_order_amount,
        variant_gid=row.variant_gid,
        title=row.title,
        code=keyring.decrypt(row.code_enc, context=CODE_CONTEXT),
        discount_gid=row.discount_gid,
        expires_at=row.expires_at,
        actor=row.actor,
        failure_reason=row.failure_reason,
        shopify_order_id=row.shopify_order_id,
        issued_at=row.issued_at,
        used_at=row.used_at,
        returned_at=row.returned_at,
        created_at=row.created_at,
    )
