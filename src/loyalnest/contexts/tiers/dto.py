"""Frozen DTOs of the tiers context (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from loyalnest.contexts.tiers import rules
from loyalnest.contexts.tiers.repository import HistoryRow, RunRow, SettingsRow, StandingRow, TierRow

# Leave a field of an update as ``KEEP`` to keep its value; None clears an optional one.
KEEP: Any = object()


@dataclass(frozen=True)
class TierDTO:
    id: int
    merchant_id: int
    # 1 = the lowest; None once deleted
    rank: int | None
    threshold: Decimal
    multiplier: Decimal
    multiplied_triggers: tuple[str, ...]
    entry_bonus_points: int
    entry_reward_id: int | None
    default_locale: str
    # (locale, text) sorted by locale
    names: tuple[tuple[str, str], ...]
    perks: tuple[tuple[str, str], ...]
    deleted_at: datetime | None
    created_at: datetime
    updated_at: datetime

    def name(self, locale: str | None = None) -> str:
        return rules.text_for(dict(self.names), self.default_locale, locale) or ""

    def perk(self, locale: str | None = None) -> str | None:
        return rules.text_for(dict(self.perks), self.default_locale, locale)


def to_tier_dto(row: TierRow) -> TierDTO:
    return TierDTO(
        id=row.id,
        merchant_id=row.merchant_id,
        rank=row.rank,
        threshold=row.threshold,
        multiplier=row.multiplier,
        multiplied_triggers=tuple(row.multiplied_triggers),
        entry_bonus_points=row.entry_bonus_points,
        entry_reward_id=row.entry_reward_id,
        default_locale=row.default_locale,
        names=tuple(sorted(row.names.items())),
        perks=tuple(sorted(row.perks.items())),
        deleted_at=row.deleted_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@dataclass(frozen=True)
class TierInput:
    names: list[tuple[str, str]]
    default_locale: str
    threshold: Decimal
    multiplier: Decimal = Decimal("1.00")
    multiplied_triggers: tuple[str, ...] = rules.DEFAULT_TRIGGERS
    entry_bonus_points: int = 0
    entry_reward_id: int | None = None
    perks: list[tuple[str, str]] | None = None
    # where it goes in the ladder (1 = lowest); None: on top
    rank: int | None = None


@dataclass(frozen=True)
class TierUpdate:
    """Fields left ``KEEP`` keep their value. ``names``/``perks``, when given, replace
    every locale's text."""

    names: Any = KEEP
    default_locale: Any = KEEP
    threshold: Any = KEEP
    multiplier: Any = KEEP
    multiplied_triggers: Any = KEEP
    entry_bonus_points: Any = KEEP
    entry_reward_id: Any = KEEP
    perks: Any = KEEP


@dataclass(frozen=True)
class TierSettingsDTO:
    merchant_id: int
    metric: str
    period: str
    retention: str
    # the shop's IANA timezone (calendar years start at its midnight)
    timezone: str
    updated_at: datetime | None


def to_settings_dto(merchant_id: int, row: SettingsRow | None, timezone: str) -> TierSettingsDTO:
    if row is None:
        return TierSettingsDTO(merchant_id, "points", "lifetime", "never", timezone, None)
    return TierSettingsDTO(merchant_id, row.metric, row.period, row.retention, timezone, row.updated_at)


@dataclass(frozen=True)
class TierSettingsUpdate:
    metric: Any = KEEP
    period: Any = KEEP
    retention: Any = KEEP


@dataclass(frozen=True)
class CustomerTierDTO:
    """Where a customer stands. A customer never evaluated has ``tier_id`` None and a
    metric of 0."""

    merchant_id: int
    customer_id: int
    tier_id: int | None
    metric_value: Decimal
    # the tier the metric itself supports (retention or a manual tier may differ)
    earned_tier_id: int | None
    retain_until: datetime | None
    manual_tier_id: int | None
    manual_until: datetime | None
    manual_reason: str | None
    evaluated_at: datetime | None

    @property
    def manual(self) -> bool:
        return self.manual_tier_id is not None


def to_customer_tier_dto(
    merchant_id: int, customer_id: int, row: StandingRow | None, live: set[int]
) -> CustomerTierDTO:
    """``live``: the shop's live tier ids (a deleted tier is held by nobody)."""
    if row is None:
        return CustomerTierDTO(merchant_id, customer_id, None, Decimal(0), None, None, None, None, None, None)
    return CustomerTierDTO(
        merchant_id=merchant_id,
        customer_id=customer_id,
        tier_id=row.tier_id if row.tier_id in live else None,
        metric_value=row.metric_value,
        earned_tier_id=row.earned_tier_id if row.earned_tier_id in live else None,
        retain_until=row.retain_until,
        manual_tier_id=row.manual_tier_id if row.manual_tier_id in live else None,
        manual_until=row.manual_until,
        manual_reason=row.manual_reason,
        evaluated_at=row.evaluated_at,
    )


@dataclass(frozen=True)
class TierProgressDTO:
    """What reaching the next tier and keeping the current one take."""

    customer_id: int
    metric: str
    value: Decimal
    tier_id: int | None
    next_tier_id: int | None
    to_next: Decimal | None
    next_by: datetime | None
    to_keep: Decimal | None
    keep_by: datetime | None
    percent: int
    # English sentences ("spend 42.50 USD more by 31 Dec 2026"); None when nothing is needed
    next_summary: str | None
    keep_summary: str | None


@dataclass(frozen=True)
class TierHistoryDTO:
    id: int
    merchant_id: int
    customer_id: int
    from_tier_id: int | None
    to_tier_id: int | None
    reason: str
    note: str | None
    actor: str | None
    at: datetime


def to_history_dto(row: HistoryRow) -> TierHistoryDTO:
    return TierHistoryDTO(
        id=row.id,
        merchant_id=row.merchant_id,
        customer_id=row.customer_id,
        from_tier_id=row.from_tier_id,
        to_tier_id=row.to_tier_id,
        reason=row.reason,
        note=row.note,
        actor=row.actor,
        at=row.at,
    )


@dataclass(frozen=True)
class TierHistoryPage:
    items: list[TierHistoryDTO]
    has_next_page: bool
    has_previous_page: bool = False


@dataclass(frozen=True)
class RetierRunDTO:
    """A whole-shop re-tier: queued, running or done, with its progress."""

    id: int
    merchant_id: int
    status: str
    cause: str
    total: int
    done: int
    changed: int
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def to_run_dto(row: RunRow) -> RetierRunDTO:
    return RetierRunDTO(
        id=row.id,
        merchant_id=row.merchant_id,
        status=row.status,
        cause=row.cause,
        total=row.total,
        done=row.done,
        changed=row.changed,
        requested_at=row.requested_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )
