"""Frozen DTOs of the campaigns context (re-exported by ``api``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from loyalnest.contexts.campaigns import rules
from loyalnest.contexts.campaigns.repository import CampaignRow, ResultsRow, SettingsRow

# Leave a field of ``CampaignUpdate`` as ``KEEP`` to keep its value; None clears it.
KEEP: Any = object()


@dataclass(frozen=True)
class CampaignDTO:
    id: int
    merchant_id: int
    name: str
    default_locale: str
    # (locale, description) sorted by locale
    descriptions: tuple[tuple[str, str], ...]
    status: str
    starts_at: datetime
    ends_at: datetime | None
    # weekdays, Monday 0 (None: every day), in the shop's timezone
    days_of_week: tuple[int, ...] | None
    # [from, to) hours in the shop's timezone (None: all day)
    hours: tuple[int, int] | None
    effect: str
    multiplier: Decimal | None
    bonus_points: int | None
    triggers: tuple[str, ...]
    conditions: rules.Conditions
    max_uses_per_customer: int | None
    max_points_per_customer: int | None
    points_budget: int | None
    stacking: str
    priority: int
    exclusive_of_all: bool
    discount_kind: str | None
    discount_value: Decimal | None
    discount_code: str | None
    discount_gid: str | None
    discount_state: str
    discount_error: str | None
    ended_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    def description(self, locale: str | None = None) -> str | None:
        return rules.description_for(dict(self.descriptions), self.default_locale, locale)

    @property
    def tier_ids(self) -> tuple[int, ...]:
        return _clause_values(self.conditions, rules.TIER_CLAUSE)

    @property
    def customer_tags(self) -> tuple[str, ...]:
        return _clause_values(self.conditions, rules.CUSTOMER_TAG_CLAUSE)


def _clause_values(conditions: rules.Conditions, kind: str) -> tuple[Any, ...]:
    return tuple(sorted(v for clause in conditions.audience if clause.kind == kind for v in clause.values))


@dataclass(frozen=True)
class CampaignPage:
    items: list[CampaignDTO]
    has_next_page: bool
    has_previous_page: bool = False


@dataclass(frozen=True)
class CampaignInput:
    """A new campaign. Only ``name`` and the effect are required: it starts now, runs
    until paused or archived, applies to orders, stacks, and has no caps.

    Effects: ``multiplier`` (``multiplier`` 1 < m <= 10, on ``triggers``), ``order_bonus``
    (``bonus_points`` per qualifying order), ``product_unit_bonus`` / ``product_line_bonus``
    (``bonus_points`` per qualifying unit / line; needs ``product_ids`` or
    ``product_tags``), ``trigger_bonus`` (``bonus_points`` on one of signup, newsletter,
    birthday, review: ``triggers=("signup",)``)."""

    name: str
    effect: str
    multiplier: Decimal | None = None
    bonus_points: int | None = None
    # None: ("order",) for every effect but a trigger bonus, which must name its trigger
    triggers: tuple[str, ...] | None = None
    default_locale: str = "en"
    descriptions: tuple[tuple[str, str], ...] = ()
    starts_at: datetime | None = None  # None: now
    ends_at: datetime | None = None
    days_of_week: tuple[int, ...] | None = None
    hours: tuple[int, int] | None = None
    min_order_amount: Decimal | None = None
    product_ids: tuple[int, ...] = ()
    product_tags: tuple[str, ...] = ()
    tier_ids: tuple[int, ...] = ()
    customer_tags: tuple[str, ...] = ()
    first_order: bool = False
    every_nth_order: int | None = None
    max_uses_per_customer: int | None = None
    max_points_per_customer: int | None = None
    points_budget: int | None = None
    stacking: str = rules.STACKABLE
    priority: int = 0
    exclusive_of_all: bool = False
    discount_kind: str | None = None
    discount_value: Decimal | None = None
    discount_code: str | None = None


@dataclass(frozen=True)
class CampaignUpdate:
    """Fields left ``KEEP`` keep their value; optional ones set to None are cleared.
    The conditions' fields (``min_order_amount`` ... ``every_nth_order``) each replace
    their part of the predicate."""

    name: Any = KEEP
    effect: Any = KEEP
    multiplier: Any = KEEP
    bonus_points: Any = KEEP
    triggers: Any = KEEP
    default_locale: Any = KEEP
    descriptions: Any = KEEP
    starts_at: Any = KEEP
    ends_at: Any = KEEP
    days_of_week: Any = KEEP
    hours: Any = KEEP
    min_order_amount: Any = KEEP
    product_ids: Any = KEEP
    product_tags: Any = KEEP
    tier_ids: Any = KEEP
    customer_tags: Any = KEEP
    first_order: Any = KEEP
    every_nth_order: Any = KEEP
    max_uses_per_customer: Any = KEEP
    max_points_per_customer: Any = KEEP
    points_budget: Any = KEEP
    stacking: Any = KEEP
    priority: Any = KEEP
    exclusive_of_all: Any = KEEP
    discount_kind: Any = KEEP
    discount_value: Any = KEEP
    discount_code: Any = KEEP


@dataclass(frozen=True)
class CampaignResultsDTO:
    campaign_id: int
    points_issued: int
    orders_affected: int
    customers_reached: int
    revenue: Decimal
    discount_uses: int
    updated_at: datetime | None


@dataclass(frozen=True)
class CampaignSettingsDTO:
    max_total_multiplier: Decimal
    updated_at: datetime | None


@dataclass(frozen=True)
class StatusReport:
    started: int = 0
    ended: int = 0


# --- from rows ------------------------------------------------------------------------------


def to_campaign_dto(row: CampaignRow) -> CampaignDTO:
    days = rules.days_from_mask(row.days_mask)
    return CampaignDTO(
        id=row.id,
        merchant_id=row.merchant_id,
        name=row.name,
        default_locale=row.default_locale,
        descriptions=tuple(sorted((str(k), str(v)) for k, v in row.descriptions.items())),
        status=row.status,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        days_of_week=None if days is None else tuple(sorted(days)),
        hours=None if row.hours_from is None or row.hours_to is None else (row.hours_from, row.hours_to),
        effect=row.effect_kind,
        multiplier=row.multiplier,
        bonus_points=row.bonus_points,
        triggers=tuple(sorted(row.triggers)),
        conditions=rules.conditions_from_json(row.conditions),
        max_uses_per_customer=row.max_uses_per_customer,
        max_points_per_customer=row.max_points_per_customer,
        points_budget=row.points_budget,
        stacking=row.stacking,
        priority=row.priority,
        exclusive_of_all=row.exclusive_of_all,
        discount_kind=row.discount_kind,
        discount_value=row.discount_value,
        discount_code=row.discount_code,
        discount_gid=row.discount_gid,
        discount_state=row.discount_state,
        discount_error=row.discount_error,
        ended_reason=row.ended_reason,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_rule(row: CampaignRow) -> rules.CampaignRule:
    return rules.CampaignRule(
        id=row.id,
        name=row.name,
        status=row.status,
        window=rules.Window(
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            days=rules.days_from_mask(row.days_mask),
            hours=None if row.hours_from is None or row.hours_to is None else (row.hours_from, row.hours_to),
        ),
        effect=row.effect_kind,
        triggers=frozenset(row.triggers),
        multiplier=row.multiplier,
        bonus_points=row.bonus_points,
        conditions=rules.conditions_from_json(row.conditions),
        stacking=row.stacking,
        priority=row.priority,
        exclusive_of_all=row.exclusive_of_all,
        max_uses_per_customer=row.max_uses_per_customer,
        max_points_per_customer=row.max_points_per_customer,
        points_budget=row.points_budget,
    )


def to_results_dto(campaign_id: int, row: ResultsRow | None) -> CampaignResultsDTO:
    if row is None:
        return CampaignResultsDTO(campaign_id, 0, 0, 0, Decimal(0), 0, None)
    return CampaignResultsDTO(
        campaign_id=campaign_id,
        points_issued=row.points_issued,
        orders_affected=row.orders_affected,
        customers_reached=row.customers_reached,
        revenue=row.revenue,
        discount_uses=row.discount_uses,
        updated_at=row.updated_at,
    )


def to_settings_dto(row: SettingsRow | None) -> CampaignSettingsDTO:
    if row is None:
        return CampaignSettingsDTO(rules.DEFAULT_MAX_TOTAL_MULTIPLIER, None)
    return CampaignSettingsDTO(row.max_total_multiplier, row.updated_at)
