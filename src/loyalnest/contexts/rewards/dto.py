"""Frozen DTOs of the rewards context (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from loyalnest.contexts.rewards import rules


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


@dataclass(frozen=True)
class CodeUse:
    """An order that used a discount code (from ``orders/create``)."""

    shopify_order_id: int
    code: str


@dataclass(frozen=True)
class SettleReport:
    issued: int = 0
    failed: int = 0
    still_pending: int = 0
